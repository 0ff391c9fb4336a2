"""Property: for generated filters, the sandbox returns exactly what a Python predicate
selects from the seeded data.

Each filter is exercised on its own, with values drawn mostly from the seeded data (so most
cases expect some groups) and sometimes from outside it (so some expect none); a run that
rarely expects anything would prove little, so each run checks its share of non-empty
cases. A hand-written case per filter makes sure every filter matches something at least
once, and a smaller test combines filters, biased (and checked) the same way.

The predicates, in filter_predicates.py, spell out the semantics the sandbox implements (see
kantata_admin/sandbox/api/groups.py and custom_filters.py).
"""

from dataclasses import fields
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kantata_admin.kantata import (
    ChoiceValue,
    CurrencyValue,
    DateRange,
    NumberValue,
    TextValue,
    WorkspaceGroup,
    WorkspaceGroupFilters,
)
from tests.kantata.filter_predicates import REFERENCE_FILTERS, TIMES, expected_ids, money

# Seeded timestamps are whole seconds at or before this; groups that tests create later are
# newer, so thresholds drawn from seeded times never split a second of theirs.
SEED_ANCHOR = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789", min_size=1, max_size=8)
FAKE_FIELD = "999999"
SERVICES = ["salesforce", "hubspot", "netsuite", "zendesk"]
MIN_NON_EMPTY_SHARE = 0.4

FILTER_NAMES = sorted(f.name for f in fields(WorkspaceGroupFilters))

PROPERTY_SETTINGS = settings(
    max_examples=16,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- the seeded data, as the strategies need it ------------------------------------------


def _groups(seeded) -> list[WorkspaceGroup]:
    return sorted(seeded.groups.values(), key=lambda g: g.id)


def _refs(seeded) -> list:
    return [r for g in _groups(seeded) for r in g.external_references or ()]


def _fields_of(seeded, *types: str) -> list[str]:
    return sorted(f.id for f in seeded.fields.values() if f.value_type in types)


def _values_of(seeded, field_id: str) -> list:
    return [v for (_, f), v in sorted(seeded.values.items()) if f == field_id and v is not None]


def _filled(seeded, *types: str) -> list[str]:
    """Fields of these types that some group has a value for."""
    return [f for f in _fields_of(seeded, *types) if _values_of(seeded, f)]


# --- strategies: values mostly from the seeded data --------------------------------------


def _from_data(draw) -> bool:
    # Most cases draw from the seeded data. A wide range, because hypothesis favours the
    # ends of one; 0, its first pick, means "yes".
    return draw(st.integers(0, 99)) < 80


def _custom_clause(draw, seeded, name: str, field_id: str | None = None):
    """One clause; on `field_id` when given, else on a field drawn from the data."""
    known = _from_data(draw)
    if name == "by_custom_text_value":
        if field_id is None:
            field_id = draw(st.sampled_from(_filled(seeded, "string"))) if known else FAKE_FIELD
        seen = sorted({v for v in _values_of(seeded, field_id) if v})
        text = draw(st.sampled_from(seen)) if seen else draw(WORDS)
        return TextValue(field_id, draw(st.sampled_from([text, text.upper(), None])))
    if name == "by_custom_number_value":
        field_id = field_id or draw(st.sampled_from(_filled(seeded, "number")))
        seen = sorted(set(_values_of(seeded, field_id)))
        number = draw(st.sampled_from(seen)) if known else draw(st.integers(0, 1000))
        return NumberValue(field_id, number)
    if name == "by_custom_currency_value":
        field_id = field_id or draw(st.sampled_from(_filled(seeded, "currency")))
        amount, code = money(draw(st.sampled_from(_values_of(seeded, field_id))))
        if known:
            return CurrencyValue(field_id, amount, draw(st.sampled_from([code, None])))
        return CurrencyValue(field_id, amount + 1, draw(st.sampled_from(["EUR", "JPY", None])))
    if name == "by_custom_date_value":
        field_id = field_id or draw(st.sampled_from(_filled(seeded, "date")))
        day = draw(st.sampled_from(sorted(set(_values_of(seeded, field_id)))))
        day = date.fromisoformat(day) + timedelta(days=0 if known else draw(st.integers(-60, 60)))
        before, after = (timedelta(days=draw(st.integers(0, 30))) for _ in range(2))
        start = draw(st.sampled_from([day - before, None]))
        end = draw(st.sampled_from([day + after, None])) if start else day + after
        return DateRange(field_id, start, end)
    field_id = field_id or draw(st.sampled_from(_filled(seeded, "single", "multi")))
    if known:
        chosen = draw(st.sampled_from([v for v in _values_of(seeded, field_id) if v]))
        ids = draw(st.lists(st.sampled_from(chosen), min_size=1, max_size=2, unique=True))
        return ChoiceValue(field_id, tuple(ids), draw(st.booleans()))
    return ChoiceValue(field_id, (), blank=True)


def _reference_value(draw, seeded, name: str):
    refs = _refs(seeded)
    known = _from_data(draw)
    attr = REFERENCE_FILTERS[name]
    if name == "external_reference_service_model_refs":
        seen = sorted({r.service_model_ref for r in refs})
        return draw(st.lists(st.sampled_from(seen) if known else WORDS, min_size=1, max_size=4))
    seen = sorted({getattr(r, attr) for r in refs if getattr(r, attr)})
    if name == "external_reference_service_model_ref":
        return int(draw(st.sampled_from(seen))) if known else 123456789
    if name == "external_reference_service_name" and not known:
        return "zendesk"
    return draw(st.sampled_from(seen)) if known else draw(WORDS)


def _value(draw, seeded, name: str):
    """A value for filter `name`."""
    if name.startswith("by_custom_"):
        clauses = [_custom_clause(draw, seeded, name)]
        if draw(st.booleans()):
            # Mostly on the same field (any may match), else on another (all must match).
            same = _from_data(draw)
            field_id = str(clauses[0].field_id) if same else None
            clauses.append(_custom_clause(draw, seeded, name, field_id))
        return clauses
    if name in REFERENCE_FILTERS:
        return _reference_value(draw, seeded, name)
    groups = _groups(seeded)
    known = _from_data(draw)
    if name in TIMES:
        attr = name.split("_")[0] + "_at"
        seeded_times = sorted(getattr(g, attr) for g in groups if g.created_at <= SEED_ANCHOR)
        # The middle of the seeded range, so both sides hold groups; the ends for misses.
        if known:
            middle = len(seeded_times) // 4, 3 * len(seeded_times) // 4
            base = draw(st.sampled_from(seeded_times[middle[0] : middle[1]]))
        else:
            base = draw(st.sampled_from([seeded_times[0], seeded_times[-1]]))
        return base + timedelta(seconds=draw(st.sampled_from([0, -1, 1, -86400, 86400])))
    if name == "matching":
        title = draw(st.sampled_from(groups)).name
        cut = draw(st.integers(0, max(0, len(title) - 3)))
        if not known:
            return draw(WORDS)
        return draw(st.sampled_from([title, title[cut : cut + 4].strip() or title, title.upper()]))
    if name == "only":
        ids = st.sampled_from([g.id for g in groups]) if known else st.just("999999")
        return draw(st.lists(ids, min_size=1, max_size=5))
    if name in ("companies_only", "has_external_references"):
        return draw(st.booleans())
    if name == "has_value_for_custom_field_ids":
        ids = st.sampled_from(sorted(seeded.fields)) if known else st.just(FAKE_FIELD)
        return draw(st.lists(ids, min_size=1, max_size=2))
    if name == "without_external_reference_service_name":
        return draw(st.sampled_from(SERVICES))
    raise AssertionError(f"no strategy for {name}")


# --- running a case -----------------------------------------------------------------------


def _check(client, seeded, chosen: dict) -> set[str]:
    """Assert the sandbox selects exactly the predicate's groups; returns those."""
    filters = WorkspaceGroupFilters(**chosen)
    got = {g.id for g in client.workspace_groups.iter_all(filters)} & set(seeded.groups)
    expected = expected_ids(seeded, chosen)
    assert got == expected, (filters.to_params(), sorted(got ^ expected)[:10])
    return expected


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_each_filter_selects_exactly_what_its_predicate_selects(seeded, client, name):
    outcomes: list[bool] = []

    @PROPERTY_SETTINGS
    @given(st.data())
    def check(data):
        chosen = {name: _value(data.draw, seeded, name)}
        outcomes.append(bool(_check(client, seeded, chosen)))

    check()
    share = sum(outcomes) / len(outcomes)
    assert share >= MIN_NON_EMPTY_SHARE, f"{name}: only {share:.0%} of cases expected groups"


def _known_positive(seeded, name: str):
    """A value of filter `name` that selects at least one seeded group, written by hand."""
    groups = _groups(seeded)
    ref = next(r for r in _refs(seeded) if r.external_message and r.external_status)
    first_value = lambda *types: next(  # noqa: E731
        (f, v) for f in _filled(seeded, *types) for v in _values_of(seeded, f) if v
    )
    middle = groups[len(groups) // 2]
    positives = {
        "by_custom_choice_value": lambda: (lambda f, v: ChoiceValue(f, (v[0],)))(
            *first_value("single", "multi")
        ),
        "by_custom_currency_value": lambda: (lambda f, v: CurrencyValue(f, *money(v)))(
            *first_value("currency")
        ),
        "by_custom_date_value": lambda: (
            lambda f, v: DateRange(f, date.fromisoformat(v), date.fromisoformat(v))
        )(*first_value("date")),
        "by_custom_number_value": lambda: NumberValue(*first_value("number")),
        "by_custom_text_value": lambda: TextValue(*first_value("string")),
        "companies_only": lambda: True,
        "created_after": lambda: middle.created_at - timedelta(days=1),
        "created_before": lambda: middle.created_at + timedelta(seconds=1),
        "external_reference_external_message": lambda: ref.external_message,
        "external_reference_external_status": lambda: ref.external_status,
        "external_reference_service_model": lambda: ref.service_model,
        "external_reference_service_model_ref": lambda: int(ref.service_model_ref),
        "external_reference_service_model_refs": lambda: [ref.service_model_ref, "nope"],
        "external_reference_service_name": lambda: ref.service_name,
        "external_reference_status": lambda: ref.status,
        "has_external_references": lambda: True,
        "has_value_for_custom_field_ids": lambda: [first_value("string")[0]],
        "matching": lambda: middle.name[1:5],
        "only": lambda: [middle.id, "999999"],
        "updated_after": lambda: middle.updated_at - timedelta(days=1),
        "updated_before": lambda: middle.updated_at + timedelta(seconds=1),
        "without_external_reference_service_name": lambda: "salesforce",
    }
    return positives[name]()


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_each_filter_matches_a_known_group(seeded, client, name):
    assert _check(client, seeded, {name: _known_positive(seeded, name)})


def _combination(draw, seeded, *, aim_non_empty: bool, attempts: int = 20) -> dict:
    """Two or three filters with values. Combined filters rarely all hold for one group, so
    when aiming, combinations that select nothing are drawn again (checked against the
    predicates, without a request) until one selects something or attempts run out."""
    for _ in range(attempts):
        names = draw(st.lists(st.sampled_from(FILTER_NAMES), min_size=2, max_size=3, unique=True))
        chosen = {name: _value(draw, seeded, name) for name in names}
        if not aim_non_empty or expected_ids(seeded, chosen):
            break
    return chosen


def test_combined_filters_select_what_all_their_predicates_select(seeded, client):
    outcomes: list[bool] = []

    @PROPERTY_SETTINGS
    @given(st.data())
    def check(data):
        chosen = _combination(data.draw, seeded, aim_non_empty=_from_data(data.draw))
        outcomes.append(bool(_check(client, seeded, chosen)))

    check()
    share = sum(outcomes) / len(outcomes)
    assert share >= MIN_NON_EMPTY_SHARE, f"only {share:.0%} of combined cases expected groups"


@pytest.mark.parametrize(
    ("filters", "expect_some"),
    [
        (WorkspaceGroupFilters(companies_only=True), True),
        (WorkspaceGroupFilters(has_external_references=False), True),
        (WorkspaceGroupFilters(matching="zzzz-no-such-group"), False),
    ],
)
def test_simple_filters_are_sent_and_applied(client, filters, expect_some):
    assert bool(client.workspace_groups.list(filters).records) is expect_some
