"""The groups a job is about to change: the ticked ids, or every group matching the list's
filters, walked once at preview and carried, signed, to the confirmation; and the preview
of the first rows as before -> after."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.core import signing
from django.http import QueryDict

from kantata_admin.bulk.changes import Patch, project, same, target
from kantata_admin.bulk.services import MAX_GROUPS
from kantata_admin.groups.field_specs import CustomFieldSpec
from kantata_admin.groups.filtering import GroupFilterForm
from kantata_admin.kantata import (
    KantataClient,
    WorkspaceGroup,
    WorkspaceGroupFilters,
    is_kantata_id,
)

PREVIEW_ROWS = 20
TOKEN_MAX_AGE = 3600
READ_INCLUDES = ("workspaces", "custom_field_values")


class SelectionRefused(ValueError):
    """The selection cannot be used; the message says why."""


def _read(client: KantataClient, ids: list[str]) -> list[WorkspaceGroup]:
    found: dict[str, WorkspaceGroup] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        page = client.workspace_groups.list(
            WorkspaceGroupFilters(only=chunk), include=READ_INCLUDES, per_page=200
        )
        found.update((g.id, g) for g in page.records)
    return [found[i] for i in ids if i in found]


def freeze(
    client: KantataClient,
    *,
    ids: list[str],
    filter_query: str | None,
    custom_fields: tuple[CustomFieldSpec, ...],
) -> tuple[list[WorkspaceGroup], dict[str, Any]]:
    """The selected groups, in order, and how they were chosen (stored on the job):
    `filter_query` (the list's query string, maybe empty) means every matching group."""
    if filter_query is not None:
        form = GroupFilterForm(QueryDict(filter_query), custom_fields=custom_fields)
        if not form.is_valid():
            raise SelectionRefused("The list's filters are not valid any more: apply them again.")
        walk = client.workspace_groups.iter_all(form.query().filters, include=READ_INCLUDES)
        groups = list(islice(walk, MAX_GROUPS + 1))
        selection = {"filter": filter_query, "count": len(groups)}
    else:
        wanted = list(dict.fromkeys(i for i in ids if is_kantata_id(i)))
        if not wanted:
            raise SelectionRefused("Tick at least one group, or choose all matching.")
        groups = _read(client, wanted[: MAX_GROUPS + 1])
        selection = {"ids": wanted, "count": len(groups)}
    if len(groups) > MAX_GROUPS:
        raise SelectionRefused(f"A job takes at most {MAX_GROUPS:,} groups: narrow the filters.")
    return groups, selection


@dataclass(frozen=True)
class PreviewRow:
    group: WorkspaceGroup
    before: Patch | None
    after: Patch | None
    verdict: str  # "change", "unchanged", "delete", "refused"


def editable(client: KantataClient, groups: list[WorkspaceGroup]) -> dict[str, bool]:
    """Whether the member's Kantata user may change each of the first groups, as Kantata
    says it (`optional_fields=can_edit`); a group it says nothing of counts as editable."""
    ids = [g.id for g in groups[:PREVIEW_ROWS]]
    if not ids:
        return {}
    params = {"only": ",".join(ids), "optional_fields": "can_edit", "per_page": "200"}
    body = client.request("GET", "/workspace_groups.json", params=params) or {}
    found = body.get("workspace_groups") or {}
    return {gid: (found.get(gid) or {}).get("can_edit") is not False for gid in ids}


def preview_rows(
    groups: list[WorkspaceGroup], patch: Patch, can_edit: dict[str, bool]
) -> list[PreviewRow]:
    rows = []
    for group in groups[:PREVIEW_ROWS]:
        if not can_edit.get(group.id, True):
            rows.append(PreviewRow(group, None, None, "refused"))
        elif patch.get("delete"):
            rows.append(PreviewRow(group, None, None, "delete"))
            continue
        now, goal = project(group, patch), target(patch)
        rows.append(PreviewRow(group, now, goal, "unchanged" if same(now, goal) else "change"))
    return rows


def sign(user_id: int, payload: dict[str, Any]) -> str:
    return signing.dumps(payload, salt=f"bulk-preview:{user_id}", compress=True)


def unsign(user_id: int, token: str) -> dict[str, Any]:
    try:
        return signing.loads(token, salt=f"bulk-preview:{user_id}", max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise SelectionRefused(
            "This preview is too old or was not made for you: preview the change again."
        ) from None
