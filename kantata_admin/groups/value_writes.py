"""Writing a group's custom field values: the difference between what Kantata holds and what
the member typed, in the fewest calls the API allows, with Kantata's bulk forms: every new
value in one create, every changed value in one update, every cleared value in one delete
(VALUE_CREATE_CAP a request each).

Kantata refuses a create or an update request whole, naming the wrong items by `index`:
the valid ones are sent once more on their own. A refused delete (one of its values
already gone, or not the member's to clear) is retried value by value. Kantata's 422s are
kept per field, so each shows on its own input; another failure stops the writes that
follow, and the outcome says which values were saved and which were not.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import batched

from kantata_admin.groups.changes import FieldValue, GroupValues, changed_custom_fields, custom_name
from kantata_admin.kantata import (
    VALUE_CREATE_CAP,
    CustomFieldValue,
    CustomFieldValueInput,
    KantataClient,
    KantataError,
    NotFound,
    ValidationFailed,
    WorkspaceGroup,
)

# Where a 422 that names no item of a create goes: above the form.
WHOLE_FORM = "__all__"
CLEARED_MEANWHILE = "This value was cleared in Kantata OX meanwhile: save again to set it."


@dataclass
class ValueWrites:
    """What became of the custom values a save had to write."""

    # Field id -> the value Kantata now holds (None: cleared), for every write that worked.
    saved: dict[str, FieldValue | None] = field(default_factory=dict)
    # Field id (or WHOLE_FORM) -> Kantata's messages for the values it refused (422).
    refused: dict[str, list[str]] = field(default_factory=dict)
    # The failure that stopped the writes after it (not a 422), if one did.
    failure: KantataError | None = None
    # The names of the fields the save had to write that Kantata did not.
    not_saved: list[str] = field(default_factory=list)
    # Field id -> Kantata's answer for each saved value (None: deleted), for the next page.
    answers: dict[str, CustomFieldValue | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.not_saved and self.failure is None and not self.refused

    def applied_to(self, values: GroupValues) -> GroupValues:
        """`values` (what Kantata held before) with the saved writes applied."""
        held = dict(values.custom_values)
        for field_id, value in self.saved.items():
            if value is None:
                held.pop(field_id, None)
            else:
                held[field_id] = value
        return replace(values, custom_values=held)

    def applied_to_group(self, group: WorkspaceGroup) -> WorkspaceGroup:
        """`group` as Kantata answered its write, with the saved values' own answers."""
        if not self.answers:
            return group
        records = {record.custom_field_id: record for record in group.custom_field_values}
        for field_id, record in self.answers.items():
            if record is None:
                records.pop(field_id, None)
            else:
                records[field_id] = record
        return replace(group, custom_field_values=tuple(records.values()))


def _refuse(writes: ValueWrites, field_id: str, error: ValidationFailed) -> None:
    writes.refused.setdefault(field_id, []).extend(error.messages or ["Kantata OX refused it."])


def _refused_items(writes: ValueWrites, field_ids: list[str], error: ValidationFailed) -> list:
    """Put a refused many-value request's messages on the fields its `index`es name (a
    value cleared meanwhile is named by its `id`); the fields to send once more alone, or
    none when a failure named no item."""
    wrong = set()
    for detail in error.details:
        known = detail.index is not None and 0 <= detail.index < len(field_ids)
        target = field_ids[detail.index] if known else WHOLE_FORM
        message = CLEARED_MEANWHILE if detail.field == "id" else detail.message
        writes.refused.setdefault(target, []).append(message)
        wrong.add(target)
    return [] if WHOLE_FORM in wrong else [i for i in field_ids if i not in wrong]


def _create(
    client: KantataClient,
    group_id: str,
    typed: GroupValues,
    field_ids: list[str],
    writes: ValueWrites,
    *,
    again: bool = True,
) -> None:
    """One create request. Kantata refuses a create whole, naming the wrong items by
    `index`; the others are sent once more on their own, so only the wrong values wait."""
    inputs = [
        CustomFieldValueInput(group_id, field_id, typed.custom_values[field_id].typed)
        for field_id in field_ids
    ]
    try:
        made = client.custom_field_values.create(inputs)
    except ValidationFailed as error:
        rest = _refused_items(writes, field_ids, error)
        if again and rest:
            _create(client, group_id, typed, rest, writes, again=False)
        return
    for value in made:
        writes.saved[value.custom_field_id] = FieldValue.from_record(value)
        writes.answers[value.custom_field_id] = value


def _update(
    client: KantataClient,
    records: dict[str, CustomFieldValue],
    typed: GroupValues,
    field_ids: list[str],
    writes: ValueWrites,
    *,
    again: bool = True,
) -> None:
    """One bulk update. Kantata refuses it whole, naming the wrong items by `index` (a
    value cleared meanwhile is named by its `id`); the others go once more on their own."""
    changes = [(records[i].id, typed.custom_values[i].typed) for i in field_ids]
    try:
        made = client.custom_field_values.update_many(changes)
    except ValidationFailed as error:
        rest = _refused_items(writes, field_ids, error)
        if again and rest:
            _update(client, records, typed, rest, writes, again=False)
        return
    for field_id, value in zip(field_ids, made, strict=True):
        writes.saved[field_id] = FieldValue.from_record(value)
        writes.answers[field_id] = value


def _delete(
    client: KantataClient,
    records: dict[str, CustomFieldValue],
    field_ids: list[str],
    writes: ValueWrites,
) -> None:
    """One bulk delete; refused (all or nothing), each value is deleted on its own, so a
    value already cleared elsewhere (what the member asked for) stops none of the others."""
    try:
        client.custom_field_values.delete_many(records[i].id for i in field_ids)
    except ValidationFailed:
        for field_id in field_ids:
            try:
                client.custom_field_values.delete(records[field_id].id)
            except NotFound:
                pass  # cleared elsewhere already
            except ValidationFailed as error:
                _refuse(writes, field_id, error)
                continue
            writes.saved[field_id] = None
            writes.answers[field_id] = None
        return
    for field_id in field_ids:
        writes.saved[field_id] = None
        writes.answers[field_id] = None


def custom_values_write(
    client: KantataClient, group: WorkspaceGroup, held: GroupValues, typed: GroupValues
) -> ValueWrites:
    """Write what differs between `held` (the values of `group` in Kantata) and `typed`,
    among the fields `typed` speaks for. Never raises an upstream error: the outcome holds
    it (an AuthenticationError too, which the caller raises once it has recorded what was
    done)."""
    records: dict[str, CustomFieldValue] = {r.custom_field_id: r for r in group.custom_field_values}
    changed = changed_custom_fields(held, typed)
    creates = [i for i in changed if i in typed.custom_values and i not in records]
    updates = [i for i in changed if i in typed.custom_values and i in records]
    deletes = [i for i in changed if i not in typed.custom_values and i in records]
    writes = ValueWrites()
    try:
        for chunk in batched(creates, VALUE_CREATE_CAP, strict=False):
            _create(client, group.id, typed, list(chunk), writes)
        for chunk in batched(updates, VALUE_CREATE_CAP, strict=False):
            _update(client, records, typed, list(chunk), writes)
        for chunk in batched(deletes, VALUE_CREATE_CAP, strict=False):
            _delete(client, records, list(chunk), writes)
    except KantataError as error:
        writes.failure = error
    writes.not_saved = [custom_name(i, typed, held) for i in changed if i not in writes.saved]
    return writes
