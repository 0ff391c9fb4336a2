"""Reading and validating a workspace group write body as the seed documents it: every
failure of one request is collected and reported together as a 422."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from kantata_admin.sandbox.api.envelope import ApiContext
from kantata_admin.sandbox.api.errors import ValidationFailed, bad_request
from kantata_admin.sandbox.api.groups import accessible_workspaces
from kantata_admin.sandbox.api.params import parse_id, to_boolean
from kantata_admin.sandbox.models import ExternalReference, WorkspaceGroup

TEXT_FIELDS = ("notes", "contact_name", "email", "phone_number", "address", "website")
REFERENCE_REQUIRED = ("service_name", "service_model", "service_model_ref")
REFERENCE_OPTIONAL = ("external_link", "external_message", "external_status")
NAME_TAKEN = "Name has already been taken"

Failures = list[tuple[str, str]]


@dataclass
class GroupChange:
    attributes: dict[str, Any] = field(default_factory=dict)
    add_ids: list[int] = field(default_factory=list)
    remove_ids: list[int] = field(default_factory=list)
    reference: dict[str, Any] | None = None


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _text_or_null(name: str, value: Any, failures: Failures) -> str | None:
    """A text field as written: null stays null and "" stays "" (the recordings keep the
    two apart); numbers read as their text, as Rails casts them; objects are refused."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        failures.append((name, f"{_label(name)} must be text"))
        return None
    return str(value).lower() if isinstance(value, bool) else str(value)


def _fits(model: type[Model], name: str, value: str | None, where: str, failures: Failures):
    """Rails' length validation, against the column's own limit (none for text columns)."""
    maximum = model._meta.get_field(name).max_length
    if value is not None and maximum is not None and len(value) > maximum:
        failures.append((where, f"{_label(name)} is too long (maximum is {maximum} characters)"))


def _flag(value: Any, where: str, failures: Failures) -> bool:
    # A blank or null flag is false, as an unchecked Rails form checkbox would be.
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    flag = to_boolean(value)
    if flag is None:
        failures.append((where, f"{_label(where.rpartition('.')[2])} must be true or false"))
    return bool(flag)


def _ids(value: Any) -> list[int] | None:
    """Workspace ids from a JSON list or form values; None when any is not an id. Blank
    form values are skipped; an id is read as strictly as in a query (no " 5", no 1_000)."""
    items = value if isinstance(value, list) else [value]
    ids = []
    for item in items:
        if isinstance(item, (bool, dict, list, float)):
            return None
        text = _text(item)
        if not text.strip():
            continue
        number = parse_id(text)
        if number is None:
            return None
        ids.append(number)
    return ids


def _check_workspaces(ctx: ApiContext, name: str, value: Any, failures: Failures) -> list[int]:
    ids = _ids(value)
    if ids is None:
        failures.append((name, f"{_label(name)} must be a list of workspace ids"))
        return []
    allowed = set(accessible_workspaces(ctx).filter(pk__in=ids).values_list("pk", flat=True))
    if denied := [i for i in ids if i not in allowed]:
        listed = ", ".join(str(i) for i in denied)
        failures.append((name, f"You do not have access to workspace(s) {listed}"))
    return ids


def _check_reference(value: Any, failures: Failures) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        failures.append(("external_reference", "External reference must be an object"))
        return None
    reference: dict[str, Any] = {}
    for name in REFERENCE_REQUIRED:
        text = _text(value.get(name)).strip()
        where = f"external_reference.{name}"
        if not text:
            failures.append((where, f"{_label(name)} can't be blank"))
        _fits(ExternalReference, name, text, where, failures)
        reference[name] = text
    for name in REFERENCE_OPTIONAL:
        if name in value:
            reference[name] = None if value[name] is None else str(value[name])
            _fits(ExternalReference, name, reference[name], f"external_reference.{name}", failures)
    status = _text(value.get("status", "pending")).strip() or "pending"
    if status not in ExternalReference.Status.values:
        failures.append(
            ("external_reference.status", "Status must be one of pending, successful, failed")
        )
    reference["status"] = status
    if "locked" in value:
        reference["locked"] = _flag(value["locked"], "external_reference.locked", failures)
    return reference


def _check_name(ctx: ApiContext, attrs: dict, group: WorkspaceGroup | None, failures: Failures):
    if isinstance(attrs.get("name"), (dict, list)):
        failures.append(("name", "Name must be text"))
        return None
    name = _text(attrs.get("name")).strip()
    if not name:
        failures.append(("name", "Name can't be blank"))
        return None
    _fits(WorkspaceGroup, "name", name, "name", failures)
    # name_key, not name__iexact: SQLite folds ASCII letters only.
    clash = WorkspaceGroup.objects.filter(
        account=ctx.account, name_key=WorkspaceGroup.key_for(name)
    )
    if group is not None:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        failures.append(("name", NAME_TAKEN))
    return name


def validate(ctx: ApiContext, data: dict, group: WorkspaceGroup | None) -> GroupChange:
    """The change a body asks for; ValidationFailed with every failure when it is wrong."""
    attrs = data.get("workspace_group")
    if not isinstance(attrs, dict) or not attrs:
        raise bad_request("param is missing or the value is empty: workspace_group")
    change, failures = GroupChange(), []
    name = _check_name(ctx, attrs, group, failures)
    if name:
        change.attributes["name"] = name
    for text_field in TEXT_FIELDS:
        if text_field in attrs:
            value = _text_or_null(text_field, attrs[text_field], failures)
            change.attributes[text_field] = value
            _fits(WorkspaceGroup, text_field, value, text_field, failures)
    if "company" in attrs:
        change.attributes["company"] = _flag(attrs["company"], "company", failures)
    if "add_workspace_ids" in attrs:
        change.add_ids = _check_workspaces(
            ctx, "add_workspace_ids", attrs["add_workspace_ids"], failures
        )
    if group is not None and "remove_workspace_ids" in attrs:
        change.remove_ids = _check_workspaces(
            ctx, "remove_workspace_ids", attrs["remove_workspace_ids"], failures
        )
    if "external_reference" in attrs:
        change.reference = _check_reference(attrs["external_reference"], failures)
    if failures:
        raise ValidationFailed(failures)
    return change
