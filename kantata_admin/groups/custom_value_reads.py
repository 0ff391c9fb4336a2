"""A page's (or one group's) custom field values, read the way Kantata documents.

Kantata's published description lists `workspaces`, `rate_card_sets` and
`external_references` as the includes of workspace groups, not `custom_field_values`, and it
ignores includes it does not know. So the groups are asked for with that include (one call
where a service answers it), and wherever the answer does not prove it holds the values
(`WorkspaceGroup.custom_field_values_included`: their ids listed, each value's field named),
the values are read as documented: `GET /custom_field_values?subject_type=workspace_group
&with_subject_id=<the groups>&with_custom_field_id=<the fields wanted>`, 200 a page. A page
of 20 groups with six fields shown is one more call.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from kantata_admin.kantata import CustomFieldValue, KantataClient, Page, WorkspaceGroup


def _field_order(value: CustomFieldValue) -> tuple[int, str]:
    field_id = value.custom_field_id
    return (int(field_id), field_id) if field_id.isdigit() else (0, field_id)


def with_custom_values(
    client: KantataClient,
    groups: Sequence[WorkspaceGroup],
    *,
    field_ids: Iterable[str] | None = None,
) -> list[WorkspaceGroup]:
    """`groups`, each holding its custom field values (of `field_ids` only, when given):
    as answered where the answer proves them, else read in one walk for all the groups
    that need it. Upstream errors propagate."""
    groups = list(groups)
    missing = [group.id for group in groups if not group.custom_field_values_included]
    if not missing:
        return groups
    wanted = None if field_ids is None else list(dict.fromkeys(field_ids))
    found: dict[str, list[CustomFieldValue]] = {}
    if wanted != []:
        values = client.custom_field_values.iter_all(subject_ids=missing, custom_field_ids=wanted)
        for value in values:
            found.setdefault(value.subject_id, []).append(value)
    return [
        group
        if group.custom_field_values_included
        else replace(
            group,
            custom_field_values=tuple(sorted(found.get(group.id, ()), key=_field_order)),
        )
        for group in groups
    ]


def page_with_custom_values(
    client: KantataClient, page: Page[WorkspaceGroup], *, field_ids: Iterable[str] | None = None
) -> Page[WorkspaceGroup]:
    """`page` with its groups' values (see `with_custom_values`)."""
    return replace(page, records=with_custom_values(client, page.records, field_ids=field_ids))


def group_with_custom_values(
    client: KantataClient, group: WorkspaceGroup, *, field_ids: Iterable[str] | None = None
) -> WorkspaceGroup:
    """One group with its values (of `field_ids` only, when given: none costs no call)."""
    (group,) = with_custom_values(client, [group], field_ids=field_ids)
    return group


def group_read(client: KantataClient, group_id: str, include: Iterable[str]) -> WorkspaceGroup:
    """One group with `include`; with its values too when `include` asks for them."""
    include = tuple(include)
    group = client.workspace_groups.get(group_id, include=include)
    return group_with_custom_values(client, group) if "custom_field_values" in include else group


def carry_custom_values(written: WorkspaceGroup, read: WorkspaceGroup) -> WorkspaceGroup:
    """The answer of a group write, holding the values of `read` (the same group, read
    just before) when the answer does not prove values of its own: a write's answer would
    otherwise say every value was gone."""
    if written.custom_field_values_included:
        return written
    return replace(written, custom_field_values=read.custom_field_values)
