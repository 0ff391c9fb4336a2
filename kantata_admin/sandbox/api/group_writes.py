"""POST, PUT/PATCH and DELETE of workspace groups, validated as the seed documents: all
failures of one request are reported together as a 422."""

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from kantata_admin.sandbox.api.body import read_body
from kantata_admin.sandbox.api.envelope import ApiContext, show_response
from kantata_admin.sandbox.api.errors import ApiError, ValidationFailed, bad_request, not_found
from kantata_admin.sandbox.api.groups import WORKSPACE_GROUPS, accessible_workspaces
from kantata_admin.sandbox.models import CustomFieldValue, ExternalReference, WorkspaceGroup
from kantata_admin.sandbox.models.groups import GROUP_SUBJECT

TEXT_FIELDS = ("contact_name", "email", "phone_number", "address", "website")
REFERENCE_REQUIRED = ("service_name", "service_model", "service_model_ref")
REFERENCE_OPTIONAL = ("external_link", "external_message", "external_status")
NAME_TAKEN = "Name has already been taken"


@dataclass
class GroupChange:
    attributes: dict[str, Any] = field(default_factory=dict)
    add_ids: list[int] = field(default_factory=list)
    remove_ids: list[int] = field(default_factory=list)
    reference: dict[str, Any] | None = None


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    return {"true": True, "1": True, "false": False, "0": False, "": False}.get(text)


def _ids(value: Any) -> list[int] | None:
    items = value if isinstance(value, list) else [value]
    try:
        return [int(str(item).strip()) for item in items if str(item).strip() != ""]
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _check_workspaces(ctx, name: str, value: Any, failures: list) -> list[int]:
    ids = _ids(value)
    if ids is None:
        failures.append((name, f"{name} must be a list of workspace ids"))
        return []
    allowed = set(accessible_workspaces(ctx).filter(pk__in=ids).values_list("pk", flat=True))
    if denied := [i for i in ids if i not in allowed]:
        listed = ", ".join(str(i) for i in denied)
        failures.append((name, f"You do not have access to workspace(s) {listed}"))
    return ids


def _check_reference(value: Any, failures: list) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        failures.append(("external_reference", "External reference must be an object"))
        return None
    reference: dict[str, Any] = {}
    for name in REFERENCE_REQUIRED:
        text = _text(value.get(name)).strip()
        if not text:
            label = name.replace("_", " ").capitalize()
            failures.append((f"external_reference.{name}", f"{label} can't be blank"))
        reference[name] = text
    for name in REFERENCE_OPTIONAL:
        if name in value:
            reference[name] = None if value[name] is None else str(value[name])
    status = _text(value.get("status", "pending")).strip() or "pending"
    if status not in ExternalReference.Status.values:
        failures.append(
            ("external_reference.status", "Status must be one of pending, successful, failed")
        )
    reference["status"] = status
    if "locked" in value:
        locked = _boolean(value["locked"])
        if locked is None:
            failures.append(("external_reference.locked", "Locked must be true or false"))
        reference["locked"] = bool(locked)
    return reference


def validate(ctx: ApiContext, data: dict, group: WorkspaceGroup | None) -> GroupChange:
    attrs = data.get("workspace_group")
    if not isinstance(attrs, dict) or not attrs:
        raise bad_request("param is missing or the value is empty: workspace_group")
    change, failures = GroupChange(), []
    name = _text(attrs.get("name")).strip()
    if not name:
        failures.append(("name", "Name can't be blank"))
    else:
        change.attributes["name"] = name
        clash = WorkspaceGroup.objects.filter(account=ctx.account, name__iexact=name)
        if group is not None:
            clash = clash.exclude(pk=group.pk)
        if clash.exists():
            failures.append(("name", NAME_TAKEN))
    if "notes" in attrs:
        change.attributes["notes"] = _text(attrs["notes"]) or None
    for name_ in TEXT_FIELDS:
        if name_ in attrs:
            change.attributes[name_] = _text(attrs[name_])
    if "company" in attrs:
        company = _boolean(attrs["company"])
        if company is None:
            failures.append(("company", "Company must be true or false"))
        change.attributes["company"] = bool(company)
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


def _apply(ctx: ApiContext, group: WorkspaceGroup, change: GroupChange) -> None:
    now = timezone.now()
    for name, value in change.attributes.items():
        setattr(group, name, value)
    group.updated_at = now
    try:
        with transaction.atomic():
            group.save()
            if change.add_ids:
                group.workspaces.add(*change.add_ids)
            if change.remove_ids:
                group.workspaces.remove(*change.remove_ids)
            if change.reference is not None:
                _save_reference(ctx, group, change.reference, now)
    except IntegrityError:
        # Two writers raced past the check above; the database constraint decided.
        raise ValidationFailed([("name", NAME_TAKEN)]) from None


def _save_reference(ctx: ApiContext, group: WorkspaceGroup, values: dict, now) -> None:
    key = {name: values.pop(name) for name in REFERENCE_REQUIRED}
    reference, _ = ExternalReference.objects.get_or_create(
        account=ctx.account,
        subject_type=GROUP_SUBJECT,
        subject_id=group.pk,
        **key,
        defaults={"created_at": now},
    )
    for name, value in values.items():
        setattr(reference, name, value)
    reference.updated_at = now
    reference.save()


def _require_writer(ctx: ApiContext) -> None:
    if not ctx.user.can_write_groups:
        raise ApiError(403, "You do not have permission to manage workspace groups.")


def create_group(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    _require_writer(ctx)
    change = validate(ctx, read_body(request), None)
    now = timezone.now()
    group = WorkspaceGroup(account=ctx.account, created_at=now, updated_at=now)
    _apply(ctx, group, change)
    return show_response(ctx, WORKSPACE_GROUPS, _own_groups(ctx), group.pk)


def _own_groups(ctx: ApiContext):
    return WorkspaceGroup.objects.filter(account=ctx.account)


def update_group(request: HttpRequest, ctx: ApiContext, pk: int) -> JsonResponse:
    _require_writer(ctx)
    group = _own_groups(ctx).filter(pk=pk).first()
    if group is None:
        raise not_found()
    _apply(ctx, group, validate(ctx, read_body(request), group))
    return show_response(ctx, WORKSPACE_GROUPS, _own_groups(ctx), group.pk)


def delete_group(request: HttpRequest, ctx: ApiContext, pk: int) -> HttpResponse:
    _require_writer(ctx)
    with transaction.atomic():
        group = _own_groups(ctx).select_for_update().filter(pk=pk).first()
        if group is None:
            raise not_found()
        # Values and references point at their subject by id, not by foreign key.
        CustomFieldValue.objects.filter(subject_type=GROUP_SUBJECT, subject_id=pk).delete()
        ExternalReference.objects.filter(subject_type=GROUP_SUBJECT, subject_id=pk).delete()
        group.delete()
    return HttpResponse(status=204)
