"""Custom field value writes against the sandbox: each type written and read back, the
batched create (150 values, 2 requests, counted), a refused item's index in the caller's
list, update and delete; a create whose answer was lost."""

from datetime import date
from decimal import Decimal

import pytest

from kantata_admin.kantata import (
    CustomFieldValueInput,
    Money,
    ValidationFailed,
    track_calls,
)
from tests.sandbox_harness import LATE_MS


@pytest.fixture
def fields(seeded) -> list:
    """One WorkspaceGroup field of each value type, in a fixed order."""
    by_type = {f.value_type: f for f in seeded.fields.values()}
    return [by_type[t] for t in ("string", "number", "currency", "date", "single", "multi")]


def _sample(field, n: int = 0) -> object:
    """A value of `field`'s type, varied by `n`."""
    match field.value_type:
        case "string":
            return f"Written by the client {n}"
        case "number":
            return Decimal("42.5") + n
        case "currency":
            return Money(cents=123456 + n, currency="EUR")
        case "date":
            return date(2026, 3, 1 + n % 28)
        case "single":
            return (field.choice_ids[n % len(field.choice_ids)],)
        case _:
            return tuple(field.choice_ids[:2])


def _inputs(groups, fields) -> list[CustomFieldValueInput]:
    """A value of every field on every group: distinct (group, field) pairs."""
    return [
        CustomFieldValueInput(subject_id=g.id, custom_field_id=f.id, value=_sample(f, n))
        for n, g in enumerate(groups)
        for f in fields
    ]


def _as_read(value: object) -> object:
    # Choice ids read back as strings.
    return tuple(map(str, value)) if isinstance(value, tuple) else value


def test_each_type_is_written_and_read_back(client, new_group, fields):
    group = new_group()
    inputs = _inputs([group], fields)
    created = client.custom_field_values.create(inputs)
    assert [v.custom_field_id for v in created] == [f.id for f in fields]
    stored = client.custom_field_values.for_group(group.id)
    assert {v.custom_field_id: v.typed_value for v in stored} == {
        str(i.custom_field_id): _as_read(i.value) for i in inputs
    }
    # Kantata documents no include of values on groups: asked for, it is ignored.
    again = client.workspace_groups.get(group.id, include=["custom_field_values"])
    assert again.custom_field_values == () and not again.custom_field_values_included


def test_150_values_are_created_in_two_requests(client, new_group, fields):
    groups = [new_group() for _ in range(25)]
    inputs = _inputs(groups, fields)
    assert len(inputs) == 150
    with track_calls() as calls:
        created = client.custom_field_values.create(inputs)
    assert [(c.method, c.status) for c in calls.calls] == [("POST", 200), ("POST", 200)]
    assert [(v.subject_id, v.custom_field_id) for v in created] == [
        (str(i.subject_id), str(i.custom_field_id)) for i in inputs
    ]
    stored = {v.id for v in client.custom_field_values.iter_all(subject_ids=[g.id for g in groups])}
    assert stored == {v.id for v in created}


def test_a_refused_item_is_named_by_its_index_in_the_whole_list(client, new_group, fields):
    groups = [new_group() for _ in range(17)]
    inputs = _inputs(groups, fields)[:101]
    # Item 101, the second of the second request: a second value for a field and group.
    inputs.append(inputs[100])
    with pytest.raises(ValidationFailed) as caught:
        client.custom_field_values.create(inputs)
    assert [(d.field, d.index) for d in caught.value.details] == [("custom_field_id", 101)]
    # The first request's 100 values stay; nothing of the refused one was written.
    stored = list(client.custom_field_values.iter_all(subject_ids=[g.id for g in groups]))
    assert len(stored) == 100


def test_a_value_is_updated_and_deleted(client, new_group, fields):
    group = new_group()
    number = fields[1]
    (value,) = client.custom_field_values.create(
        [CustomFieldValueInput(subject_id=group.id, custom_field_id=number.id, value=7)]
    )
    assert value.typed_value == Decimal(7)
    updated = client.custom_field_values.update(value.id, Decimal("8.25"))
    assert updated.id == value.id and updated.typed_value == Decimal("8.25")
    assert [v.typed_value for v in client.custom_field_values.for_group(group.id)] == [
        Decimal("8.25")
    ]
    client.custom_field_values.delete(value.id)
    assert client.custom_field_values.for_group(group.id) == ()


def test_a_create_whose_answer_was_lost_returns_the_values_it_made(
    sandbox, fresh_token, slow, client, new_group, fields
):
    group = new_group()
    inputs = _inputs([group], fields)
    sandbox.fault(fresh_token, kind="delay", delay_ms=LATE_MS)
    with track_calls() as calls:
        created = slow.custom_field_values.create(inputs)
    # Looked up, found every value made by this call, and did not send again.
    assert [(c.method, c.status) for c in calls.calls] == [("POST", None), ("GET", 200)]
    assert [v.custom_field_id for v in created] == [f.id for f in fields]
    stored = client.custom_field_values.for_group(group.id)
    assert sorted(v.id for v in stored) == sorted(v.id for v in created)


def test_a_lost_create_over_a_value_set_before_is_recovered_as_the_override(
    sandbox, fresh_token, slow, client, new_group, fields
):
    """Kantata: a create where a value exists overrides it (a new id). Its answer lost,
    the value found is the one this call made (newer, and the value sent), so it is taken
    without a resend; the value set before is gone."""
    group, text = new_group(), fields[0]
    theirs_input = CustomFieldValueInput(subject_id=group.id, custom_field_id=text.id, value="a")
    (theirs,) = client.custom_field_values.create([theirs_input])
    ours = CustomFieldValueInput(subject_id=group.id, custom_field_id=text.id, value="b")
    sandbox.fault(fresh_token, kind="delay", delay_ms=LATE_MS)
    with track_calls() as calls:
        (made,) = slow.custom_field_values.create([ours])
    assert [(c.method, c.status) for c in calls.calls] == [("POST", None), ("GET", 200)]
    stored = client.custom_field_values.for_group(group.id)
    assert [(v.id, v.value) for v in stored] == [(made.id, "b")] and made.id != theirs.id
