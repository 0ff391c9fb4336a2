"""Custom field value write bodies, with no server: each type's JSON form (the inverse of
reading it), the create body and its cap, and what is refused before anything is sent."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from kantata_admin.kantata import (
    VALUE_CREATE_CAP,
    CustomFieldValueInput,
    InvalidRequest,
    Money,
    json_value,
    typed_value,
)
from kantata_admin.kantata.errors import error_for_response
from kantata_admin.kantata.payloads import custom_field_value_body, custom_field_values_body


@pytest.mark.parametrize(
    ("value_type", "value", "sent"),
    [
        ("string", "cus_Fxp123", "cus_Fxp123"),
        ("date", date(2014, 2, 25), "2014-02-25"),
        ("number", 13, 13),
        ("number", Decimal("13.50"), 13.5),
        ("number", Decimal("12345678901234567890"), 12345678901234567890),
        ("currency", Money(cents=99800, currency="usd"), [99800, "USD"]),
        ("single", ("7",), [7]),
        ("multi", ["1", 2, "4"], [1, 2, 4]),
    ],
)
def test_each_type_is_sent_as_the_api_reads_it(value_type, value, sent):
    assert json_value(value) == sent
    # What is sent reads back as the value written.
    read = typed_value(value_type, sent)
    if value_type == "currency":
        assert read == Money(cents=99800, currency="USD")
    elif value_type in ("single", "multi"):
        assert read == tuple(str(v) for v in value)
    else:
        assert read == (Decimal(str(value)) if value_type == "number" else value)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        (),
        True,
        datetime(2014, 2, 25, 10, 0),
        Decimal("NaN"),
        float("inf"),
        Money(cents=1.5, currency="USD"),
        Money(cents=100, currency="US"),
        ["not-an-id"],
        {"a": 1},
    ],
)
def test_values_that_cannot_be_sent_are_refused_before_sending(value):
    with pytest.raises(InvalidRequest):
        json_value(value)


def test_a_create_body_names_subject_field_and_value():
    body = custom_field_values_body(
        [CustomFieldValueInput(subject_id="2223265", custom_field_id=602325, value="x")]
    )
    assert body == {
        "custom_field_values": [
            {
                "subject_type": "workspace_group",
                "subject_id": 2223265,
                "custom_field_id": 602325,
                "value": "x",
            }
        ]
    }
    assert custom_field_value_body(Decimal(5)) == {"custom_field_value": {"value": 5}}


def test_one_create_request_holds_at_most_the_cap():
    one = CustomFieldValueInput(subject_id=1, custom_field_id=2, value="x")
    assert VALUE_CREATE_CAP == 100
    assert len(custom_field_values_body([one] * 100)["custom_field_values"]) == 100
    for count in (0, 101):
        with pytest.raises(InvalidRequest):
            custom_field_values_body([one] * count)


def test_a_validation_error_keeps_the_failing_items_index():
    body = {
        "errors": [{"type": "validation", "message": "is not a date", "field": "value", "index": 3}]
    }
    error = error_for_response(422, body, path="/custom_field_values.json")
    assert [(d.field, d.index) for d in error.details] == [("value", 3)]
