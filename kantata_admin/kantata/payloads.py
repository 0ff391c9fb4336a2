"""Write bodies: the writable fields of a workspace group and of custom field values,
checked before sending."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from .encoding import IdLike, encode_id
from .errors import InvalidRequest
from .typed_values import TypedValue, json_value

EXTERNAL_REFERENCE_STATUSES = frozenset({"pending", "successful", "failed"})
# Kantata creates at most this many custom field values in one request.
VALUE_CREATE_CAP = 100
# Values are written, like they are read, with the recorded snake_case subject type.
GROUP_VALUE_SUBJECT = "workspace_group"


@dataclass(frozen=True)
class ExternalReferenceInput:
    """The `external_reference` object of a group write (an integration's link)."""

    service_name: str
    service_model: str
    service_model_ref: str
    external_link: str | None = None
    external_message: str | None = None
    external_status: str | None = None
    status: str | None = None
    locked: bool | None = None


# A group's own writable values, in the order a form shows them: the one declaration on the
# product's side (the dashboard's form, diff and audit read it too). The sandbox, which plays
# the server, keeps its own.
GROUP_TEXT_FIELDS = ("name", "notes", "contact_name", "email", "phone_number", "address", "website")
GROUP_VALUE_FIELDS = ("name", "company", *GROUP_TEXT_FIELDS[1:])


@dataclass(frozen=True)
class WorkspaceGroupInput:
    """Writable fields of a workspace group; `None` fields are not sent (left unchanged)."""

    name: str | None = None
    notes: str | None = None
    company: bool | None = None
    contact_name: str | None = None
    email: str | None = None
    phone_number: str | None = None
    address: str | None = None
    website: str | None = None
    add_workspace_ids: Sequence[IdLike] | None = None
    remove_workspace_ids: Sequence[IdLike] | None = None
    external_reference: ExternalReferenceInput | Mapping[str, Any] | None = None


GROUP_FIELDS = frozenset(f.name for f in fields(WorkspaceGroupInput))
# WorkspaceGroupInput is the values plus the workspaces and the reference.
assert set(GROUP_VALUE_FIELDS) <= GROUP_FIELDS
_REFERENCE_FIELDS = frozenset(f.name for f in fields(ExternalReferenceInput))
_REFERENCE_REQUIRED = ("service_name", "service_model", "service_model_ref")


def _as_dict(payload: Any, what: str) -> dict[str, Any]:
    """The fields to send. None means "not given" in a dict as in a dataclass, so both
    shapes write the same thing; clear a text field with "" instead."""
    if is_dataclass(payload) and not isinstance(payload, type):
        # Shallow on purpose: a nested dataclass (external_reference) drops its own Nones.
        values = {f.name: getattr(payload, f.name) for f in fields(payload)}
    elif isinstance(payload, Mapping):
        values = dict(payload)
    else:
        raise InvalidRequest(f"{what}: expected a dict or dataclass, got {type(payload).__name__}")
    return {key: value for key, value in values.items() if value is not None}


def _external_reference(value: Any) -> dict[str, Any]:
    reference = _as_dict(value, "external_reference")
    unknown = set(reference) - _REFERENCE_FIELDS
    if unknown:
        raise InvalidRequest(f"external_reference: unknown fields {', '.join(sorted(unknown))}")
    missing = [key for key in _REFERENCE_REQUIRED if not reference.get(key)]
    if missing:
        raise InvalidRequest(f"external_reference: {', '.join(missing)} required")
    status = reference.get("status")
    if status is not None and status not in EXTERNAL_REFERENCE_STATUSES:
        raise InvalidRequest(
            f"external_reference.status: {status!r} is not one of "
            f"{', '.join(sorted(EXTERNAL_REFERENCE_STATUSES))}"
        )
    reference["service_model_ref"] = str(reference["service_model_ref"])
    return reference


def workspace_group_body(payload: Any, *, creating: bool) -> dict[str, Any]:
    """`{"workspace_group": {...}}` from a dict or `WorkspaceGroupInput`."""
    group = _as_dict(payload, "workspace_group")
    unknown = set(group) - GROUP_FIELDS
    if unknown:
        raise InvalidRequest(f"workspace_group: unknown fields {', '.join(sorted(unknown))}")
    if creating:
        if not isinstance(group.get("name"), str) or not group["name"].strip():
            raise InvalidRequest("workspace_group: name is required")
        if "remove_workspace_ids" in group:
            raise InvalidRequest("workspace_group: remove_workspace_ids only applies to updates")
    if not group:
        raise InvalidRequest("workspace_group: nothing to write")
    for key in GROUP_TEXT_FIELDS:
        value = group.get(key)
        if value is not None and not isinstance(value, str):
            raise InvalidRequest(f"workspace_group.{key}: expected text")
    if "company" in group and not isinstance(group["company"], bool):
        raise InvalidRequest("workspace_group.company: expected True or False")
    for key in ("add_workspace_ids", "remove_workspace_ids"):
        if key in group:
            ids = group[key]
            if isinstance(ids, int | str):
                ids = [ids]
            # The API documents these as integer arrays.
            group[key] = [int(encode_id(value, name=key)) for value in ids]
    if "external_reference" in group:
        group["external_reference"] = _external_reference(group["external_reference"])
    return {"workspace_group": group}


@dataclass(frozen=True)
class CustomFieldValueInput:
    """One value to create: a field's value on a subject (a workspace group by default).

    `value` is what `CustomFieldValue.typed_value` reads back: text, a date, a number,
    `Money`, or the chosen choice ids."""

    subject_id: IdLike
    custom_field_id: IdLike
    value: TypedValue | int | float
    subject_type: str = GROUP_VALUE_SUBJECT


def custom_field_values_body(values: Sequence[CustomFieldValueInput]) -> dict[str, Any]:
    """`{"custom_field_values": [...]}` for one create request of 1 to VALUE_CREATE_CAP."""
    if not 1 <= len(values) <= VALUE_CREATE_CAP:
        raise InvalidRequest(f"custom_field_values: 1 to {VALUE_CREATE_CAP} per request")
    items = []
    for value in values:
        if not isinstance(value, CustomFieldValueInput):
            raise InvalidRequest(
                f"custom_field_values: expected CustomFieldValueInput, got {type(value).__name__}"
            )
        items.append(
            {
                "subject_type": value.subject_type,
                # The API documents ids in write bodies as integers.
                "subject_id": int(encode_id(value.subject_id, name="subject_id")),
                "custom_field_id": int(encode_id(value.custom_field_id, name="custom_field_id")),
                "value": json_value(value.value),
            }
        )
    return {"custom_field_values": items}


def custom_field_value_body(value: TypedValue | int | float) -> dict[str, Any]:
    """`{"custom_field_value": {"value": ...}}`: a new value for one existing value."""
    return {"custom_field_value": {"value": json_value(value)}}
