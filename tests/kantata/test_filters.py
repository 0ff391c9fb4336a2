"""The query encoders: exact documented syntax out, a clear ValueError for bad input."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kantata_admin.kantata import (
    ChoiceValue,
    CurrencyValue,
    DateRange,
    InvalidRequest,
    NumberValue,
    TextValue,
    WorkspaceFilters,
    WorkspaceGroupFilters,
)
from kantata_admin.kantata.encoding import (
    encode_number,
    encode_order,
    encode_page,
    encode_window,
)
from kantata_admin.kantata.filters import WORKSPACE_GROUP_ORDERS
from kantata_admin.kantata.resources import group_params, workspace_params

PACIFIC = timezone(timedelta(hours=-7))


def params(**kwargs) -> dict[str, str]:
    return WorkspaceGroupFilters(**kwargs).to_params()


# --- custom values -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (ChoiceValue(1, (2,)), "1:2"),
        (ChoiceValue("1", ("2", 3)), "1:2,3"),
        (ChoiceValue(1, blank=True), "1:blank"),
        (ChoiceValue(1, (2,), blank=True), "1:2,blank"),
        ([ChoiceValue(1, (2, 3)), ChoiceValue(4, blank=True)], "(1:2,3):(4:blank)"),
    ],
)
def test_choice_values_use_the_documented_syntax(value, expected):
    assert params(by_custom_choice_value=value) == {"by_custom_choice_value": expected}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (CurrencyValue(1, Decimal("200.2"), "USD"), "1:200.2:USD"),
        (CurrencyValue(2, 100), "2:100"),
        ([CurrencyValue(1, "200.20", "USD"), CurrencyValue(2, 100)], "(1:200.2:USD):(2:100)"),
        (CurrencyValue(3, 1e-7), "3:0.0000001"),
        (CurrencyValue(3, Decimal("1E+3")), "3:1000"),
    ],
)
def test_currency_values_use_the_documented_syntax(value, expected):
    assert params(by_custom_currency_value=value) == {"by_custom_currency_value": expected}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (DateRange(1, date(2014, 12, 5), date(2014, 12, 25)), "1:2014-12-05:2014-12-25"),
        (DateRange(2, start=date(2014, 12, 5)), "2:2014-12-05"),
        (DateRange(3, end=date(2014, 12, 25)), "3::2014-12-25"),
        (
            [DateRange(1, date(2014, 12, 5), date(2014, 12, 25)), DateRange(2, date(2014, 12, 5))],
            "(1:2014-12-05:2014-12-25):(2:2014-12-05)",
        ),
    ],
)
def test_date_ranges_use_the_documented_syntax(value, expected):
    assert params(by_custom_date_value=value) == {"by_custom_date_value": expected}


def test_numbers_and_texts_use_the_documented_syntax():
    assert params(by_custom_number_value=[NumberValue(1, 200), NumberValue(2, 101)]) == {
        "by_custom_number_value": "(1:200):(2:101)"
    }
    assert params(by_custom_number_value=NumberValue(1, Decimal("2.50"))) == {
        "by_custom_number_value": "1:2.5"
    }
    assert params(by_custom_text_value=[TextValue(1, "something"), TextValue(2, "else")]) == {
        "by_custom_text_value": "(1:something):(2:else)"
    }
    assert params(by_custom_text_value=TextValue(1)) == {"by_custom_text_value": "1"}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"by_custom_choice_value": ChoiceValue(1)},
        {"by_custom_choice_value": ChoiceValue(0, (1,))},
        {"by_custom_choice_value": ChoiceValue(1, ("x",))},
        {"by_custom_choice_value": []},
        {"by_custom_choice_value": TextValue(1, "x")},
        {"by_custom_currency_value": CurrencyValue(1, 5, "usd")},
        {"by_custom_currency_value": CurrencyValue(1, float("nan"))},
        {"by_custom_currency_value": CurrencyValue(1, "12abc")},
        {"by_custom_date_value": DateRange(1)},
        {"by_custom_date_value": DateRange(1, date(2020, 2, 1), date(2020, 1, 1))},
        {"by_custom_date_value": DateRange(1, datetime(2020, 1, 1, tzinfo=UTC))},
        {"by_custom_number_value": NumberValue(1, True)},
        {"by_custom_number_value": NumberValue(1, float("inf"))},
        {"by_custom_text_value": TextValue(1, "a:b")},
        {"by_custom_text_value": TextValue(1, "(x)")},
        {"by_custom_text_value": TextValue(1, "   ")},
    ],
)
def test_bad_custom_values_are_refused_before_any_request(kwargs):
    with pytest.raises(InvalidRequest) as caught:
        WorkspaceGroupFilters(**kwargs)
    assert isinstance(caught.value, ValueError)
    assert next(iter(kwargs)) in str(caught.value)


# --- scalars ---------------------------------------------------------------------------


def test_booleans_are_true_or_false():
    assert params(companies_only=True, has_external_references=False) == {
        "companies_only": "true",
        "has_external_references": "false",
    }
    with pytest.raises(InvalidRequest):
        WorkspaceGroupFilters(companies_only=1)


def test_datetimes_are_iso_8601_with_offset_and_must_be_aware():
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=PACIFIC)
    assert params(created_after=moment, updated_before=moment.astimezone(UTC)) == {
        "created_after": "2026-01-02T03:04:05-07:00",
        "updated_before": "2026-01-02T10:04:05+00:00",
    }
    with pytest.raises(InvalidRequest, match="timezone-aware"):
        WorkspaceGroupFilters(created_before=datetime(2026, 1, 1))
    with pytest.raises(InvalidRequest):
        WorkspaceGroupFilters(updated_after=date(2026, 1, 1))


def test_id_lists_and_texts():
    assert params(
        only=[5, "6", 7],
        has_value_for_custom_field_ids=(1, 2),
        external_reference_service_model_refs=["A-1", 22],
        external_reference_service_model_ref=12,
        matching="acme",
        external_reference_service_name="salesforce",
        without_external_reference_service_name="hubspot",
        external_reference_status="successful",
        external_reference_external_status="Active",
        external_reference_external_message="Synced OK",
        external_reference_service_model="Account",
    ) == {
        "only": "5,6,7",
        "has_value_for_custom_field_ids": "1,2",
        "external_reference_service_model_refs": "A-1,22",
        "external_reference_service_model_ref": "12",
        "matching": "acme",
        "external_reference_service_name": "salesforce",
        "without_external_reference_service_name": "hubspot",
        "external_reference_status": "successful",
        "external_reference_external_status": "Active",
        "external_reference_external_message": "Synced OK",
        "external_reference_service_model": "Account",
    }


@pytest.mark.parametrize(
    "kwargs",
    [
        {"only": []},
        {"only": ["5,6"]},
        {"only": [-1]},
        {"has_value_for_custom_field_ids": ["x"]},
        {"external_reference_service_model_refs": [str(n) for n in range(201)]},
        {"external_reference_service_model_refs": ["a,b"]},
        {"external_reference_service_model_ref": "abc"},
        {"matching": ""},
    ],
)
def test_bad_scalars_are_refused(kwargs):
    with pytest.raises(InvalidRequest):
        WorkspaceGroupFilters(**kwargs)


def test_unknown_filter_names_are_refused_from_a_mapping():
    assert WorkspaceGroupFilters.from_mapping({"matching": "x", "only": None}).to_params() == {
        "matching": "x"
    }
    with pytest.raises(InvalidRequest, match="unknown"):
        WorkspaceGroupFilters.from_mapping({"nope": 1})


# --- listing options ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "order",
    [
        "created_at:asc",
        "created_at:desc",
        "name:asc",
        "name:desc",
        "updated_at:asc",
        "updated_at:desc",
    ],
)
def test_the_six_group_orders_are_accepted(order):
    assert encode_order(order, allowed=WORKSPACE_GROUP_ORDERS) == order
    assert encode_order(order.upper(), allowed=WORKSPACE_GROUP_ORDERS) == order


@pytest.mark.parametrize("order", ["name", "title:asc", "name:up", "", "name:asc,id:asc"])
def test_other_orders_are_refused(order):
    with pytest.raises(InvalidRequest, match="order"):
        encode_order(order, allowed=WORKSPACE_GROUP_ORDERS)


def test_include_and_optional_fields():
    assert group_params(include=["workspaces", "rate_card_sets", "workspaces"]) == {
        "include": "workspaces,rate_card_sets"
    }
    assert group_params(optional_fields=["can_edit"], order="name:desc") == {
        "optional_fields": "can_edit",
        "order": "name:desc",
    }
    with pytest.raises(InvalidRequest, match="include"):
        group_params(include=["users"])


def test_workspace_includes_and_orders_are_checked_like_groups():
    assert workspace_params(include=["workspace_groups"], order="title:asc") == {
        "include": "workspace_groups",
        "order": "title:asc",
    }
    with pytest.raises(InvalidRequest, match="include"):
        workspace_params(include=["workspaces"])
    with pytest.raises(InvalidRequest, match="order"):
        workspace_params(order="name:asc")


def test_paging_bounds():
    assert encode_page(2, 200) == {"page": "2", "per_page": "200"}
    assert encode_window(15, 0) == {"limit": "15", "offset": "0"}
    for page, per_page in [(0, 20), (1, 0), (1, 201), (True, 20)]:
        with pytest.raises(InvalidRequest):
            encode_page(page, per_page)
    for limit, offset in [(0, 0), (201, 0), (10, -1)]:
        with pytest.raises(InvalidRequest):
            encode_window(limit, offset)


def test_workspace_filters():
    assert WorkspaceFilters(workspace_groups=[1, 2], include_archived=True).to_params() == {
        "workspace_groups": "1,2",
        "include_archived": "true",
    }


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-1e9, max_value=1e9))
def test_numbers_round_trip_in_plain_notation(value):
    text = encode_number(value, name="n")
    assert "E" not in text.upper()
    assert Decimal(text) == value
