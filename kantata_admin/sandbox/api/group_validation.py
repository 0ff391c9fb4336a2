"""Reading and validating a workspace group write body as the seed documents it: every
failure of one request is collected and reported together as a 422."""

from dataclasses import dataclass, field
from typing import Any

from kantata_admin.sandbox.api.envelope import ApiContext
from kantata_admin.sandbox.api.errors import ValidationFailed, bad_request
from kantata_admin.sandbox.api.groups import accessible_workspaces
from kantata_admin.sandbox.api.validation import (
    Failures,
    as_text,
    fits,
    flag,
    id_values,
    label,
    text_or_null,
)
from kantata_admin.sandbox.models import ExternalReference, WorkspaceGroup

TEXT_FIELDS = ("notes", "contact_name", "email", "phone_number", "address", "website")
REFERENCE_REQUIRED = ("service_name", "service_model", "service_model_ref")
REFERENCE_OPTIONAL = ("external_link", "external_message", "external_status")
NAME_TAKEN = "Name has already been taken"


@dataclass
class GroupChange:
    attributes: dict[str, Any] = field(default_factory=dict)
    add_ids: list[int] = field(default_factory=list)
    remove_ids: list[int] = field(default_factory=list)
    reference: dict[str, Any] | None = None


def _check_workspaces(ctx: ApiContext, name: str, value: Any, failures: Failures) -> list[int]:
    ids = id_values(value)
    if ids is None:
        failures.append((name, f"{label(name)} must be a list of workspace ids"))
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
        written = as_text(value.get(name)).strip()
        where = f"external_reference.{name}"
        if not written:
            failures.append((where, f"{label(name)} can't be blank"))
        fits(ExternalReference, name, written, where, failures)
        reference[name] = written
    for name in REFERENCE_OPTIONAL:
        if name in value:
            reference[name] = None if value[name] is None else str(value[name])
            fits(ExternalReference, name, reference[name], f"external_reference.{name}", failures)
    status = as_text(value.get("status", "pending")).strip() or "pending"
    if status not in ExternalReference.Status.values:
        failures.append(
            ("external_reference.status", "Status must be one of pending, successful, failed")
        )
    reference["status"] = status
    if "locked" in value:
        reference["locked"] = flag(value["locked"], "external_reference.locked", failures)
    return reference


def _check_name(ctx: ApiContext, attrs: dict, group: WorkspaceGroup | None, failures: Failures):
    if isinstance(attrs.get("name"), (dict, list)):
        failures.append(("name", "Name must be text"))
        return None
    name = as_text(attrs.get("name")).strip()
    if not name:
        failures.append(("name", "Name can't be blank"))
        return None
    fits(WorkspaceGroup, "name", name, "name", failures)
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
            value = text_or_null(text_field, attrs[text_field], failures)
            change.attributes[text_field] = value
            fits(WorkspaceGroup, text_field, value, text_field, failures)
    if "company" in attrs:
        change.attributes["company"] = flag(attrs["company"], "company", failures)
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
