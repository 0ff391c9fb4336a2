"""Which custom fields a member may see and change, as Kantata decides it.

Kantata gates an account-wide custom field (a group's) by two account-level permissions
on the field: `read_access` to see it and its values, `write_access` to change them,
each one of ACCOUNT_ACCESS (weakest first; Kantata's default is `account_admin`). Each
value also answers `can_edit` for the asking user. A field the member may not change is
shown read-only, with the reason, and is never part of a save.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from django.core.cache import cache

from kantata_admin.groups.field_specs import CustomFieldSpec
from kantata_admin.kantata import CustomFieldValue, KantataClient, WorkspaceGroup

ACCOUNT_ACCESS = (
    "account_collaboration",
    "project_creator",
    "project_lead",
    "reports_viewer",
    "reports_viewer_with_cost",
    "account_admin",
)
# users/me `account_permission` -> the access level it holds, where the names differ.
_PERMISSION_LEVELS = {
    "owner": "account_admin",
    "administrator": "account_admin",
    "collaborator": "account_collaboration",
}
# How long a member's Kantata permission is used before users/me is asked again.
PERMISSION_FRESH_SECONDS = 300


def _label(level: str) -> str:
    return level.replace("_", " ").capitalize()


def access_level(account_permission: str | None) -> str | None:
    """The access level a users/me `account_permission` holds; None when unknown."""
    if not account_permission:
        return None
    level = _PERMISSION_LEVELS.get(account_permission, account_permission)
    return level if level in ACCOUNT_ACCESS else None


def meets(level: str | None, required: str) -> bool | None:
    """Whether `level` meets `required`; None when either is unknown."""
    if level is None or required not in ACCOUNT_ACCESS:
        return None
    return ACCOUNT_ACCESS.index(level) >= ACCOUNT_ACCESS.index(required)


def member_access(client: KantataClient, member_key: str) -> str | None:
    """The member's access level (users/me), kept PERMISSION_FRESH_SECONDS in the cache.
    Unknown (None) when users/me cannot be read: the fields' own answers still count."""
    key = f"groups:kantata-access:v1:{member_key}"
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    level = access_level(client.users.me().account_permission)
    cache.set(key, level or "", PERMISSION_FRESH_SECONDS)
    return level


def with_access(
    specs: Iterable[CustomFieldSpec],
    *,
    level: str | None,
    values: Iterable[CustomFieldValue] = (),
) -> tuple[CustomFieldSpec, ...]:
    """`specs` as this member may use them: a field they may not see left out, a field
    they may not change marked read-only with the reason (a value's `can_edit` false, or
    a `write_access` above `level`)."""
    refused = {value.custom_field_id for value in values if value.can_edit is False}
    shown = []
    for spec in specs:
        if meets(level, spec.read_access) is False:
            continue
        if meets(level, spec.write_access) is False:
            reason = (
                f"Read only: in Kantata OX only members with the “{_label(spec.write_access)}” "
                "permission may change this field."
            )
        elif spec.id in refused:
            reason = "Read only: Kantata OX does not let your account change this value."
        else:
            reason = ""
        shown.append(replace(spec, read_only=reason))
    return tuple(shown)


def for_member(
    client: KantataClient,
    specs: Iterable[CustomFieldSpec],
    member_key: str,
    group: WorkspaceGroup | None = None,
) -> tuple[CustomFieldSpec, ...]:
    """`specs` as the member may use them on `group`'s form (or a new group's)."""
    values = group.custom_field_values if group is not None else ()
    return with_access(specs, level=member_access(client, member_key), values=values)
