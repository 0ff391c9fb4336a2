"""The changes a bulk job can make, each turned into one patch (changes.py) for every
group, and described in the member's words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kantata_admin.bulk.changes import BULK_FIELDS, Patch, custom_json


class ActionRefused(ValueError):
    """The action or its values cannot be run; the message says why."""


@dataclass(frozen=True)
class ActionSpec:
    name: str
    label: str
    # The values the form asks for (besides the action itself).
    needs: tuple[str, ...]


ACTIONS = {
    spec.name: spec
    for spec in (
        ActionSpec("set_field", "Set a field", ("field", "value")),
        ActionSpec("clear_field", "Clear a field", ("field",)),
        ActionSpec("add_workspace", "Add a workspace", ("workspace_id",)),
        ActionSpec("remove_workspace", "Remove a workspace", ("workspace_id",)),
        ActionSpec("set_custom", "Set a custom field", ("field_id", "value")),
        ActionSpec("clear_custom", "Clear a custom field", ("field_id",)),
        ActionSpec("delete", "Delete the groups", ()),
    )
}
FIELD_LABELS = {name: name.replace("_", " ") for name in BULK_FIELDS}


def _field_value(name: str, value: Any) -> Any:
    if name not in BULK_FIELDS:
        raise ActionRefused(f"{name!r} is not a field a bulk job may change.")
    if name == "company":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text not in ("true", "false", "yes", "no", "1", "0", "on", "off"):
            raise ActionRefused("Company is yes or no.")
        return text in ("true", "yes", "1", "on")
    return "" if value is None else str(value)


def patch_for(action: str, values: dict[str, Any]) -> Patch:
    """The patch every group of a job gets. `values` for custom fields carry the field's
    `value_type` (and `field_name`); a custom value is the API's JSON form."""
    match action:
        case "set_field":
            return {"fields": {values["field"]: _field_value(values["field"], values["value"])}}
        case "clear_field":
            name = values["field"]
            return {"fields": {name: _field_value(name, False if name == "company" else "")}}
        case "add_workspace" | "remove_workspace":
            wid = str(values["workspace_id"]).strip()
            if not wid.isdigit():
                raise ActionRefused("Choose a workspace.")
            return {"workspaces": {wid: action == "add_workspace"}}
        case "set_custom" | "clear_custom":
            fid, kind = str(values["field_id"]), values.get("value_type", "")
            value = None
            if action == "set_custom":
                try:
                    value = custom_json(kind, values.get("value"))
                except Exception as error:  # the client's own refusal, in its words
                    raise ActionRefused(f"Not a value for this field: {error}") from None
                if value is None:
                    raise ActionRefused("Give a value, or choose Clear a custom field.")
            return {"custom": {fid: value}, "types": {fid: kind}}
        case "delete":
            return {"delete": True}
    raise ActionRefused(f"Unknown action {action!r}.")


def describe(action: str, values: dict[str, Any]) -> str:
    """The job's change in a sentence, e.g. 'Set contact name to "Ada"'."""
    match action:
        case "set_field":
            return (
                f"Set {FIELD_LABELS.get(values['field'], values['field'])} to {values['value']!r}"
            )
        case "clear_field":
            return f"Clear {FIELD_LABELS.get(values['field'], values['field'])}"
        case "add_workspace":
            return f"Add workspace #{values['workspace_id']}"
        case "remove_workspace":
            return f"Remove workspace #{values['workspace_id']}"
        case "set_custom":
            return f"Set {values.get('field_name') or 'custom field'} to {values.get('value')!r}"
        case "clear_custom":
            return f"Clear {values.get('field_name') or 'custom field'}"
        case "delete":
            return "Delete"
        case "revert":
            return values.get("summary", "Revert")
        case "import":
            return values.get("summary", "Import")
    return action
