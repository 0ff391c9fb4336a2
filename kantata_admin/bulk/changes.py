"""What an item writes, as plain JSON: a *patch* names values on some of a group's keys,
and the same shape, read off a group (`project`), is what the group holds on those keys.
So an item's "before" is itself the patch that undoes it, and its "after" is what a revert
expects to still find.

A patch: `{"fields": {name: value}, "workspaces": {id: present}, "custom": {field id: JSON
value or None}, "types": {field id: value type}}`, or `{"delete": true}`, or `{"recreate":
snapshot}` where a snapshot is a patch over every key plus `"name"`.
"""

from __future__ import annotations

from typing import Any

from kantata_admin.kantata import WorkspaceGroup, json_value, typed_value

# The fields a bulk job may set: every writable one but the name (unique per account).
BULK_FIELDS = ("company", "contact_name", "email", "phone_number", "address", "website", "notes")
TEXT_BULK_FIELDS = BULK_FIELDS[1:]
Patch = dict[str, Any]


def _field(group: WorkspaceGroup, name: str) -> Any:
    value = getattr(group, name)
    if name == "company":
        return bool(value)
    # Kantata answers null for text never set and "" for text cleared: one "empty" here.
    return value or ""


def custom_json(value_type: str, raw: Any) -> Any:
    """A value in the one JSON form it is written in (None when unset), so values read
    back compare equal to values written."""
    typed = typed_value(value_type, raw)
    return None if typed is None else json_value(typed)


def _custom(group: WorkspaceGroup) -> dict[str, Any]:
    return {
        v.custom_field_id: custom_json(v.type, v.value)
        for v in group.custom_field_values
        if custom_json(v.type, v.value) is not None
    }


def project(group: WorkspaceGroup, patch: Patch) -> Patch:
    """What `group` holds on the keys `patch` names, in the patch's own shape."""
    custom = _custom(group)
    workspaces = set(group.workspace_ids or ())
    return {
        "fields": {name: _field(group, name) for name in patch.get("fields", {})},
        "workspaces": {wid: wid in workspaces for wid in patch.get("workspaces", {})},
        "custom": {fid: custom.get(fid) for fid in patch.get("custom", {})},
        "types": dict(patch.get("types", {})),
    }


def target(patch: Patch) -> Patch:
    """What a group holds once `patch` is written."""
    return {
        "fields": dict(patch.get("fields", {})),
        "workspaces": dict(patch.get("workspaces", {})),
        "custom": dict(patch.get("custom", {})),
        "types": dict(patch.get("types", {})),
    }


def same(a: Patch, b: Patch) -> bool:
    return all(a.get(key, {}) == b.get(key, {}) for key in ("fields", "workspaces", "custom"))


def snapshot(group: WorkspaceGroup) -> Patch:
    """Everything a deleted group can be re-created from."""
    return {
        "name": group.name,
        "fields": {name: _field(group, name) for name in BULK_FIELDS},
        "workspaces": dict.fromkeys(group.workspace_ids or (), True),
        "custom": _custom(group),
        "types": {v.custom_field_id: v.type for v in group.custom_field_values},
    }


def group_payload(group_name: str, patch: Patch) -> dict[str, Any] | None:
    """The PUT body for a patch's own fields and workspaces, or None when it has none."""
    payload: dict[str, Any] = dict(patch.get("fields", {}))
    workspaces = patch.get("workspaces", {})
    if added := sorted((w for w, present in workspaces.items() if present), key=int):
        payload["add_workspace_ids"] = added
    if removed := sorted((w for w, present in workspaces.items() if not present), key=int):
        payload["remove_workspace_ids"] = removed
    if not payload:
        return None
    return {"name": group_name, **payload}


def typed_for(patch: Patch, field_id: str) -> Any:
    """A custom value of the patch as the client writes it."""
    return typed_value(patch.get("types", {}).get(field_id, ""), patch["custom"][field_id])


def audit_changes(before: Patch | None, after: Patch | None, names: dict[str, str]) -> dict:
    """The audit log's `changes` for one item; `names` labels custom fields by id."""
    before, after = before or {}, after or {}
    fields: dict[str, dict[str, Any]] = {}
    for name in {**before.get("fields", {}), **after.get("fields", {})}:
        old, new = before.get("fields", {}).get(name), after.get("fields", {}).get(name)
        if old != new:
            fields[name] = {"before": old, "after": new}
    for fid in {**before.get("custom", {}), **after.get("custom", {})}:
        old, new = before.get("custom", {}).get(fid), after.get("custom", {}).get(fid)
        if old != new:
            fields[names.get(fid) or f"custom field {fid}"] = {"before": old, "after": new}
    old_ws, new_ws = before.get("workspaces", {}), after.get("workspaces", {})
    changes: dict[str, Any] = {"fields": fields}
    if added := [w for w, present in new_ws.items() if present and not old_ws.get(w)]:
        changes["workspaces_added"] = [f"workspace #{w}" for w in added]
    if removed := [w for w, present in new_ws.items() if not present and old_ws.get(w, True)]:
        changes["workspaces_removed"] = [f"workspace #{w}" for w in removed]
    return changes
