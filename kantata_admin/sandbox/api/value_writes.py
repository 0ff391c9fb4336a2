"""POST, PUT/PATCH and DELETE of custom field values, as Kantata documents them, through
the shared write pipeline (writes.py):

- create: `{"custom_field_values": [{"subject_type", "subject_id", "custom_field_id",
  "value"}, ...]}`, 1 to MAX_CREATE values in one request, answered in the order sent;
- update: `{"custom_field_value": {"value": ...}}`;
- delete: 204.

Each value is checked against its field's type by the model's rule (models/values.py). A
wrong type, an unknown choice, a missing subject or field, or a second value for the same
field and subject is a 422 `validation` error naming the field, with `index` for the item
of a create.
"""

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kantata_admin.sandbox.api.envelope import ApiContext
from kantata_admin.sandbox.api.errors import ValidationFailed, bad_request
from kantata_admin.sandbox.api.params import parse_id
from kantata_admin.sandbox.api.resources import CUSTOM_FIELD_VALUES, own_values
from kantata_admin.sandbox.api.writes import Writer
from kantata_admin.sandbox.models import (
    CustomField,
    CustomFieldChoice,
    CustomFieldValue,
    WorkspaceGroup,
)
from kantata_admin.sandbox.models.groups import GROUP_SUBJECT, stored_subject_type
from kantata_admin.sandbox.models.values import ValueRefused

MAX_CREATE = 100
ALREADY_SET = "Custom field already has a value for this subject"


@dataclass
class _Context:
    """What a create's items are checked against, read in one query each."""

    groups: set[int]
    fields: dict[int, CustomField]
    choices: dict[int, list[CustomFieldChoice]]
    taken: set[tuple[int, int]]  # (field id, subject id) that already have a value


def _items(data: dict) -> list[Any]:
    items = data.get("custom_field_values")
    if not isinstance(items, list) or not items:
        raise bad_request("param is missing or the value is empty: custom_field_values")
    if len(items) > MAX_CREATE:
        raise bad_request(f"custom_field_values accepts at most {MAX_CREATE} values a request.")
    return items


def _ids(items: list[Any], name: str) -> set[int]:
    return {
        number
        for item in items
        if isinstance(item, dict) and (number := parse_id(str(item.get(name)).strip()))
    }


def _lookups(ctx: ApiContext, items: list[Any]) -> _Context:
    subject_ids, field_ids = _ids(items, "subject_id"), _ids(items, "custom_field_id")
    fields = CustomField.objects.filter(
        account=ctx.account, subject_type=GROUP_SUBJECT, pk__in=field_ids
    ).in_bulk()
    choices: dict[int, list[CustomFieldChoice]] = {}
    for choice in CustomFieldChoice.objects.filter(custom_field_id__in=fields):
        choices.setdefault(choice.custom_field_id, []).append(choice)
    taken = CustomFieldValue.objects.filter(
        subject_type=GROUP_SUBJECT, subject_id__in=subject_ids, custom_field_id__in=fields
    ).values_list("custom_field_id", "subject_id")
    groups = WorkspaceGroup.objects.filter(account=ctx.account, pk__in=subject_ids)
    return _Context(
        groups=set(groups.values_list("pk", flat=True)),
        fields=fields,
        choices=choices,
        taken=set(taken),
    )


def _check_item(
    ctx: ApiContext, item: Any, index: int, known: _Context, failures: list[tuple]
) -> CustomFieldValue | None:
    if not isinstance(item, dict):
        failures.append(("custom_field_values", "Each value must be an object", index))
        return None
    before = len(failures)
    spelling = item.get("subject_type")
    if not isinstance(spelling, str) or stored_subject_type(spelling) != GROUP_SUBJECT:
        failures.append(("subject_type", "Subject type must be workspace_group", index))
    subject_id = parse_id(str(item.get("subject_id")).strip())
    if subject_id not in known.groups:
        failures.append(("subject_id", "Subject can't be found", index))
    field = known.fields.get(parse_id(str(item.get("custom_field_id")).strip()) or 0)
    if field is None:
        failures.append(("custom_field_id", "Custom field can't be found", index))
    if len(failures) > before:
        return None
    value = CustomFieldValue(account=ctx.account, custom_field=field, subject_id=subject_id)
    if (field.pk, subject_id) in known.taken:
        failures.append(("custom_field_id", ALREADY_SET, index))
        return None
    known.taken.add((field.pk, subject_id))  # a second one in the same request is refused
    try:
        value.set_value(item.get("value"), known.choices.get(field.pk, []))
    except ValueRefused as refused:
        failures.append(("value", str(refused), index))
        return None
    return value


def _validate(
    ctx: ApiContext, data: dict, record: CustomFieldValue | None
) -> list[CustomFieldValue]:
    if record is not None:
        attrs = data.get("custom_field_value")
        if not isinstance(attrs, dict) or "value" not in attrs:
            raise bad_request("param is missing or the value is empty: custom_field_value")
        try:
            record.set_value(attrs["value"])
        except ValueRefused as refused:
            raise ValidationFailed([("value", str(refused))]) from None
        return [record]
    items = _items(data)
    known, failures = _lookups(ctx, items), []
    values = [_check_item(ctx, item, index, known, failures) for index, item in enumerate(items)]
    if failures:
        raise ValidationFailed(failures)
    return values


def _save(
    ctx: ApiContext, values: list[CustomFieldValue], record: CustomFieldValue | None
) -> list[CustomFieldValue]:
    now = timezone.now()
    try:
        with transaction.atomic():
            for value in values:
                value.setter = ctx.user
                value.updated_at = now
                if record is None:
                    value.created_at = now
                value.save()
                value.save_choices()
    except IntegrityError:
        # Another writer set the same field on the same subject meanwhile.
        raise ValidationFailed([("custom_field_id", ALREADY_SET)]) from None
    return values


def _remove(ctx: ApiContext, value: CustomFieldValue) -> None:
    value.delete()


VALUE_WRITER = Writer(
    resource=CUSTOM_FIELD_VALUES,
    what="custom field values",
    own=own_values,
    validate=_validate,
    save=_save,
    remove=_remove,
)
