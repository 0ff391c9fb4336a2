"""POST, PUT/PATCH and DELETE of custom field values, as Kantata documents them, through
the shared write pipeline (writes.py):

- create: `{"custom_field_value": {"subject_type", "subject_id", "custom_field_id",
  "value"}}`, or up to MAX_BATCH of them as `{"custom_field_values": [...]}`, answered in the
  order sent. A create for a field and subject that already have a value overrides it:
  the old value goes and the new one has a new id (choices are replaced, not added to);
- update one: `PUT /custom_field_values/{id}` with `{"custom_field_value": {"value": ...}}`;
- update many: `PUT /custom_field_values` with `{"custom_field_values": [{"id", "value"},
  ...]}`, up to MAX_BATCH, all or nothing;
- delete one: 204; delete many: `DELETE /custom_field_values?ids=1,2` (or `{"ids": "1,2"}`
  in the body), up to MAX_BATCH, all or nothing.

Each value is checked against its field's type by the model's rule (models/values.py) and
against the field's `write_access`. A wrong type, an unknown choice, a missing subject or
field, a field the user may not write, or two values for one field and subject in one
request is a 422 `validation` error naming the field, with `index` for an item of a
many-record request. Nothing of a refused request is written.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from kantata_admin.sandbox.api import params
from kantata_admin.sandbox.api.body import read_body
from kantata_admin.sandbox.api.custom_fields import CUSTOM_FIELD_VALUES, own_values
from kantata_admin.sandbox.api.envelope import ApiContext, records_response, single_shape
from kantata_admin.sandbox.api.errors import ValidationFailed, bad_request, no_content
from kantata_admin.sandbox.api.params import parse_id
from kantata_admin.sandbox.api.writes import Writer, require_writer
from kantata_admin.sandbox.models import (
    CustomField,
    CustomFieldChoice,
    CustomFieldValue,
    WorkspaceGroup,
)
from kantata_admin.sandbox.models.groups import GROUP_SUBJECT, stored_subject_type
from kantata_admin.sandbox.models.values import ValueRefused

MAX_BATCH = 100
MAX_CREATE = MAX_BATCH  # the name other modules know
ALREADY_SET = "Custom field already has a value for this subject"


def no_write_access(custom_field: CustomField) -> str:
    return f"You do not have permission to change {custom_field.name}"


@dataclass
class _Context:
    """What a create's items are checked against, read in one query each."""

    groups: set[int]
    fields: dict[int, CustomField]
    choices: dict[int, list[CustomFieldChoice]]
    held: dict[tuple[int, int], int]  # (field id, subject id) -> the value it has now
    seen: set[tuple[int, int]] = field(default_factory=set)  # earlier in this request


@dataclass
class Creation:
    values: list[CustomFieldValue]
    replaced: list[int]  # ids of the values the create overrides


def _items(data: dict, *, plural: str, singular: str | None) -> tuple[list[Any], bool]:
    """The items of a request, and whether it was the plural (many-record) form."""
    if singular is not None and plural not in data and isinstance(data.get(singular), dict):
        return [data[singular]], False
    items = data.get(plural)
    if not isinstance(items, list) or not items:
        names = plural if singular is None else f"{singular} or {plural}"
        raise bad_request(f"param is missing or the value is empty: {names}")
    if len(items) > MAX_BATCH:
        raise bad_request(f"{plural} accepts at most {MAX_BATCH} values a request.")
    return items, True


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
    held = CustomFieldValue.objects.filter(
        subject_type=GROUP_SUBJECT, subject_id__in=subject_ids, custom_field_id__in=fields
    ).values_list("custom_field_id", "subject_id", "pk")
    groups = WorkspaceGroup.objects.filter(account=ctx.account, pk__in=subject_ids)
    return _Context(
        groups=set(groups.values_list("pk", flat=True)),
        fields=fields,
        choices=choices,
        held={(field_id, subject): pk for field_id, subject, pk in held},
    )


def _check_item(
    ctx: ApiContext, item: Any, index: int | None, known: _Context, failures: list[tuple]
) -> CustomFieldValue | None:
    def fail(name: str, message: str) -> None:
        failures.append((name, message) if index is None else (name, message, index))

    if not isinstance(item, dict):
        fail("custom_field_values", "Each value must be an object")
        return None
    before = len(failures)
    spelling = item.get("subject_type")
    if not isinstance(spelling, str) or stored_subject_type(spelling) != GROUP_SUBJECT:
        fail("subject_type", "Subject type must be workspace_group")
    subject_id = parse_id(str(item.get("subject_id")).strip())
    if subject_id not in known.groups:
        fail("subject_id", "Subject can't be found")
    custom_field = known.fields.get(parse_id(str(item.get("custom_field_id")).strip()) or 0)
    if custom_field is None:
        fail("custom_field_id", "Custom field can't be found")
    elif not custom_field.writable_by(ctx.user):
        fail("custom_field_id", no_write_access(custom_field))
    if len(failures) > before:
        return None
    if (custom_field.pk, subject_id) in known.seen:
        fail("custom_field_id", ALREADY_SET)  # two values for one field in one request
        return None
    known.seen.add((custom_field.pk, subject_id))
    value = CustomFieldValue(account=ctx.account, custom_field=custom_field, subject_id=subject_id)
    try:
        value.set_value(item.get("value"), known.choices.get(custom_field.pk, []))
    except ValueRefused as refused:
        fail("value", str(refused))
        return None
    return value


def _set(record: CustomFieldValue, ctx: ApiContext, raw: Any, index: int | None = None) -> list:
    """Change an existing value; the failures, as (field, message[, index])."""
    at = () if index is None else (index,)
    if not record.custom_field.writable_by(ctx.user):
        return [("custom_field_id", no_write_access(record.custom_field), *at)]
    try:
        record.set_value(raw)
    except ValueRefused as refused:
        return [("value", str(refused), *at)]
    return []


def _validate(ctx: ApiContext, data: dict, record: CustomFieldValue | None) -> Any:
    if record is not None:
        attrs = data.get("custom_field_value")
        if not isinstance(attrs, dict) or "value" not in attrs:
            raise bad_request("param is missing or the value is empty: custom_field_value")
        if failures := _set(record, ctx, attrs["value"]):
            raise ValidationFailed(failures)
        return Creation([record], [])
    items, plural = _items(data, plural="custom_field_values", singular="custom_field_value")
    known, failures = _lookups(ctx, items), []
    values = [
        _check_item(ctx, item, index if plural else None, known, failures)
        for index, item in enumerate(items)
    ]
    if failures:
        raise ValidationFailed(failures)
    replaced = [
        pk for v in values if (pk := known.held.get((v.custom_field_id, v.subject_id))) is not None
    ]
    return Creation(values, replaced)


def _save(ctx: ApiContext, change: Creation, record: CustomFieldValue | None) -> list:
    now = timezone.now()
    try:
        with transaction.atomic():
            # A create overrides the values it names: they go, the new ones get new ids.
            CustomFieldValue.objects.filter(pk__in=change.replaced).delete()
            for value in change.values:
                value.setter = ctx.user
                value.updated_at = now
                if record is None:
                    value.created_at = now
                value.save()
                value.save_choices()
    except IntegrityError:
        # Another writer set the same field on the same subject meanwhile.
        raise ValidationFailed([("custom_field_id", ALREADY_SET)]) from None
    return change.values


def _remove(ctx: ApiContext, value: CustomFieldValue) -> None:
    if not value.custom_field.writable_by(ctx.user):
        raise ValidationFailed([("custom_field_id", no_write_access(value.custom_field))])
    value.delete()


VALUE_WRITER = Writer(
    resource=CUSTOM_FIELD_VALUES,
    what="custom field values",
    own=own_values,
    validate=_validate,
    save=_save,
    remove=_remove,
)


def update_many(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    """`PUT /custom_field_values` with `{"custom_field_values": [{"id", "value"}, ...]}`."""
    require_writer(ctx, VALUE_WRITER)
    shape = single_shape(CUSTOM_FIELD_VALUES, ctx.params)
    items, _ = _items(read_body(request), plural="custom_field_values", singular=None)
    wanted = [parse_id(str(i.get("id")).strip()) if isinstance(i, dict) else None for i in items]
    now = timezone.now()
    with transaction.atomic():
        records = (
            own_values(ctx)
            .select_for_update(of=("self",))
            .in_bulk([pk for pk in wanted if pk is not None])
        )
        failures, changed = [], []
        for index, (item, pk) in enumerate(zip(items, wanted, strict=True)):
            record = records.get(pk)
            if record is None or not isinstance(item, dict) or "value" not in item:
                message = "Custom field value can't be found" if record is None else "No value"
                failures.append(("id" if record is None else "value", message, index))
                continue
            if pk in {r.pk for r in changed}:
                failures.append(("id", "The same value is named twice", index))
                continue
            failures += _set(record, ctx, item["value"], index)
            changed.append(record)
        if failures:
            raise ValidationFailed(failures)
        for record in changed:
            record.setter, record.updated_at = ctx.user, now
            record.save()
            record.save_choices()
    return records_response(
        ctx, CUSTOM_FIELD_VALUES, own_values(ctx), [r.pk for r in changed], shape
    )


def _delete_ids(request: HttpRequest, ctx: ApiContext) -> list[int]:
    raw: Any = params.present(ctx.params, "ids")
    if raw is None and request.body:
        raw = read_body(request).get("ids")
    if isinstance(raw, list):
        raw = ",".join(str(part) for part in raw)
    if not isinstance(raw, str) or not raw.strip():
        raise bad_request("param is missing or the value is empty: ids")
    ids = [params.to_id(part, "ids") for part in raw.split(",") if part.strip()]
    if not ids:
        raise bad_request("param is missing or the value is empty: ids")
    if len(ids) > MAX_BATCH:
        raise bad_request(f"ids accepts at most {MAX_BATCH} ids a request.")
    return list(dict.fromkeys(ids))


def delete_many(request: HttpRequest, ctx: ApiContext) -> HttpResponse:
    """`DELETE /custom_field_values?ids=1,2` (or the ids in the body): all or nothing."""
    require_writer(ctx, VALUE_WRITER)
    ids = _delete_ids(request, ctx)
    with transaction.atomic():
        records = own_values(ctx).select_for_update(of=("self",)).in_bulk(ids)
        failures = []
        for pk in ids:
            record = records.get(pk)
            if record is None:
                failures.append(("ids", f"Custom field value {pk} can't be found"))
            elif not record.custom_field.writable_by(ctx.user):
                failures.append(("ids", f"{no_write_access(record.custom_field)} ({pk})"))
        if failures:
            raise ValidationFailed(failures)
        CustomFieldValue.objects.filter(pk__in=ids).delete()
    return no_content()
