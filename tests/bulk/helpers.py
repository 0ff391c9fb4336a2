"""Reading the sandbox's groups and values straight from its API, as a test's witness."""

from __future__ import annotations

from kantata_admin.bulk.services import bulk_job_start
from kantata_admin.kantata import KantataClient, WorkspaceGroup


def witness(sandbox, token: str) -> KantataClient:
    return KantataClient(token, base_url=sandbox.api_url)


def custom_field(client: KantataClient, value_type: str):
    return next(f for f in client.custom_fields.iter_all() if f.value_type == value_type)


def acme_groups(client: KantataClient, count: int) -> list[WorkspaceGroup]:
    groups = list(client.workspace_groups.iter_all())
    assert len(groups) >= count, f"the sandbox has only {len(groups)} groups"
    return groups[:count]


def values_of(client: KantataClient, group_ids: list[str], field_id: str) -> dict[str, list]:
    """Group id -> every value of the field on it (a list, so a duplicate would show)."""
    found: dict[str, list] = {gid: [] for gid in group_ids}
    for start in range(0, len(group_ids), 100):
        chunk = group_ids[start : start + 100]
        for value in client.custom_field_values.iter_all(subject_ids=chunk):
            if value.custom_field_id == field_id:
                found[value.subject_id].append(value.value)
    return found


def start_set_custom(starter, groups: list[WorkspaceGroup], field_id: str, value: str):
    """A job setting a text custom field on `groups`."""
    return bulk_job_start(
        starter,
        action="set_custom",
        values={"field_id": field_id, "value_type": "string", "value": value},
        groups=[(g.id, g.name) for g in groups],
        selection={"ids": [g.id for g in groups]},
    )
