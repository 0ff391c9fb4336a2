"""The client reads the shapes recorded from the real service (../shared/kantata-api-notes.md,
"What real responses show"), with no server: null and "" text, integer references, custom
field values and their types, included values, request ids in errors and the call log."""

import logging
from datetime import date
from decimal import Decimal

import pytest

from kantata_admin.kantata import (
    WORKSPACE_GROUP_INCLUDES,
    CustomFieldValue,
    MalformedResponse,
    Money,
    NotFound,
    Page,
    Workspace,
    WorkspaceGroup,
    error_for_response,
    typed_value,
)
from kantata_admin.kantata.custom_field_value_resource import value_subject_params
from kantata_admin.kantata.observability import Call, ClientCounters, record_call
from kantata_admin.kantata.pagination import records_from_envelope
from kantata_admin.kantata.resources import group_params

# Recorded: a custom field value, exactly as the service sent it (subject_id and account_id
# are integers; the other references strings; subject_type snake_case).
RECORDED_VALUE = {
    "subject_type": "workspace_group",
    "subject_id": 2223265,
    "value": "cus_Fxp123",
    "account_id": 6300575,
    "custom_field_name": "Stripe ID",
    "type": "string",
    "display_value": "cus_Fxp123",
    "can_edit": True,
    "created_at": "2020-01-02T12:30:06-08:00",
    "updated_at": "2020-01-02T12:30:06-08:00",
    "custom_field_id": "602325",
    "setter_id": "12304555",
    "id": "314259865",
}

# Recorded: in one real page, never-set fields were null and cleared ones "".
GROUP_WITH_NULLS = {
    "id": "2223265",
    "name": "Initech",
    "company": True,
    "contact_name": None,
    "email": None,
    "phone_number": "",
    "address": None,
    "website": "",
    "notes": None,
    "created_at": "2019-08-19T09:41:55-07:00",
    "updated_at": "2020-04-21T04:26:22-07:00",
}


def _envelope(groups: list[dict], values: list[dict] | None = None) -> dict:
    body = {
        "count": len(groups),
        "results": [{"key": "workspace_groups", "id": g["id"]} for g in groups],
        "workspace_groups": {g["id"]: g for g in groups},
    }
    if values is not None:
        body["custom_field_values"] = {v["id"]: v for v in values}
    return body


def test_null_and_empty_text_both_read_as_empty():
    (group,) = records_from_envelope(_envelope([GROUP_WITH_NULLS]), WorkspaceGroup, path="/x")
    texts = ("notes", "contact_name", "email", "phone_number", "address", "website")
    assert {name: getattr(group, name) for name in texts} == dict.fromkeys(texts, "")


def test_a_recorded_custom_field_value_reads_every_field():
    value = CustomFieldValue.from_json(RECORDED_VALUE)
    assert (value.id, value.subject_id, value.account_id) == ("314259865", "2223265", "6300575")
    assert (value.custom_field_id, value.setter_id) == ("602325", "12304555")
    assert (value.subject_type, value.type, value.can_edit) == ("workspace_group", "string", True)
    assert value.custom_field_name == "Stripe ID" and value.display_value == "cus_Fxp123"
    assert value.typed_value == "cus_Fxp123"
    assert value.created_at.utcoffset().total_seconds() == -8 * 3600


def test_an_older_value_without_the_new_fields_still_reads():
    older = {k: v for k, v in RECORDED_VALUE.items() if k not in ("type", "can_edit", "setter_id")}
    value = CustomFieldValue.from_json({**older, "subject_id": "2223265", "display_value": None})
    assert value.subject_id == "2223265" and value.type == "" and value.display_value == ""
    assert value.can_edit is None and value.setter_id is None


@pytest.mark.parametrize(
    ("value_type", "raw", "expected"),
    [
        ("currency", [99800, "USD"], Money(cents=99800, currency="USD")),
        ("currency", [5, "EUR"], Money(cents=5, currency="EUR")),
        ("multi", [1, 2, 4], ("1", "2", "4")),
        ("multi", ["7", "8"], ("7", "8")),
        ("single", [3], ("3",)),
        ("single", 3, ("3",)),
        ("date", "2014-02-25", date(2014, 2, 25)),
        ("number", 13, Decimal(13)),
        ("number", 0.1, Decimal("0.1")),
        ("string", "2014-02-25", "2014-02-25"),
        ("string", "foo", "foo"),
        # No `type` in the answer: read by the JSON shape; a string stays a string.
        ("", [99800, "USD"], Money(cents=99800, currency="USD")),
        ("", [1, 2], ("1", "2")),
        ("", 13, Decimal(13)),
        ("", "2014-02-25", "2014-02-25"),
    ],
)
def test_values_read_by_their_type(value_type, raw, expected):
    assert typed_value(value_type, raw) == expected


@pytest.mark.parametrize("value_type", ["string", "date", "number", "currency", "multi", ""])
@pytest.mark.parametrize("raw", [None, "", []])
def test_unset_values_are_none(value_type, raw):
    assert typed_value(value_type, raw) is None


@pytest.mark.parametrize(
    ("value_type", "raw"),
    [
        ("currency", [998.5, "USD"]),
        ("currency", "998 USD"),
        ("currency", [99800]),
        ("date", "25/02/2014"),
        ("number", "thirteen"),
        ("number", True),
        ("multi", [1, None]),
    ],
)
def test_values_that_do_not_fit_their_type_are_malformed(value_type, raw):
    with pytest.raises(MalformedResponse):
        typed_value(value_type, raw)


def test_money_reads_as_kantata_shows_it():
    money = Money(cents=123456, currency="USD")
    assert money.amount == Decimal("1234.56") and str(money) == "1,234.56 USD"


def test_a_workspace_with_an_integer_account_and_empty_dates():
    workspace = Workspace.from_json(
        {
            "id": "77",
            "title": "Rollout",
            "account_id": 6300575,
            "start_date": "",
            "due_date": "",
            "status": {"color": "green", "key": 300, "message": "Active"},
        }
    )
    assert workspace.account_id == "6300575"
    assert workspace.start_date is None and workspace.due_date is None
    assert workspace.status.key == "300"


def test_included_values_are_on_their_group_by_ids():
    other = {**RECORDED_VALUE, "id": "9", "subject_id": 1, "custom_field_id": "5"}
    group = {**GROUP_WITH_NULLS, "custom_field_value_ids": ["314259865"]}
    body = _envelope([group, {**GROUP_WITH_NULLS, "id": "1", "name": "B"}], [RECORDED_VALUE, other])
    first, second = records_from_envelope(body, WorkspaceGroup, path="/x")
    assert [v.id for v in first.custom_field_values] == ["314259865"]
    assert first.custom_field_value_ids == ("314259865",)
    # The second group lists no ids: its values are matched by their integer subject_id.
    assert [(v.id, v.custom_field_id) for v in second.custom_field_values] == [("9", "5")]


def test_values_without_the_include_are_empty():
    (group,) = records_from_envelope(_envelope([GROUP_WITH_NULLS]), WorkspaceGroup, path="/x")
    assert group.custom_field_values == () and group.custom_field_value_ids is None


def test_custom_field_values_is_an_allowed_group_include():
    assert "custom_field_values" in WORKSPACE_GROUP_INCLUDES
    assert group_params(include=["custom_field_values"]) == {"include": "custom_field_values"}


@pytest.mark.parametrize("asked", ["workspace_group", "WorkspaceGroup"])
def test_values_are_asked_for_with_the_recorded_subject_type(asked):
    params = value_subject_params(asked, [2223265])
    assert params == {
        "subject_type": "workspace_group",
        "with_subject_id": "2223265",
        "include": "custom_field",  # documented: custom_field_id comes only with it
    }


def test_an_error_answer_carries_its_request_id():
    error = error_for_response(
        404,
        {"errors": [{"type": "system", "message": "Not found"}]},
        path="/workspace_groups/5.json",
        method="GET",
        headers={"X-Request-Id": "3c1f9a0e-77b2"},
    )
    assert type(error) is NotFound and error.request_id == "3c1f9a0e-77b2"
    assert str(error) == "404 on GET /workspace_groups/5.json: Not found (request id 3c1f9a0e-77b2)"
    no_id = error_for_response(404, None, path="/x.json", headers={})
    assert no_id.request_id is None and "request id" not in str(no_id)


def test_the_call_log_records_the_request_id(caplog):
    with caplog.at_level(logging.INFO, logger="kantata_admin.kantata"):
        record_call(Call("GET", "/x.json", 200, 1.0, 0, "3c1f9a0e-77b2"), ClientCounters())
    (line,) = caplog.records
    assert "3c1f9a0e-77b2" in line.getMessage() and line.kantata_request_id == "3c1f9a0e-77b2"


def test_a_page_keeps_its_etag():
    page = Page.from_envelope(
        _envelope([GROUP_WITH_NULLS]), WorkspaceGroup, path="/x", page=1, per_page=20, etag='W/"a"'
    )
    assert page.etag == 'W/"a"'
