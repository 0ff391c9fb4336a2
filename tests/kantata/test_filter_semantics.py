"""Property: for generated filters, the sandbox returns exactly what a Python predicate
selects from the seeded data. Values are drawn from the data's own fields and values (so
filters do match things) plus random others (so they also miss).

The predicates spell out the semantics the sandbox implements (see
kantata_admin/sandbox/api/groups.py and custom_filters.py).
"""

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kantata_admin.kantata import (
    ChoiceValue,
    CurrencyValue,
    DateRange,
    KantataClient,
    NumberValue,
    TextValue,
    WorkspaceGroup,
    WorkspaceGroupFilters,
)

# Seeded timestamps are whole seconds at or before this; groups that tests create later are
# newer, so thresholds drawn from seeded times never split a second of theirs.
SEED_ANCHOR = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789", min_size=1, max_size=8)

Predicate = Callable[[WorkspaceGroup], bool]


@dataclass
class Case:
    filters: dict
    predicates: list[Predicate]


def _fields_of(seeded, *types: str) -> list[str]:
    return sorted(f.id for f in seeded.fields.values() if f.value_type in types)


def _values_of(seeded, field_id: str) -> list:
    return [v for (_, f), v in sorted(seeded.values.items()) if f == field_id]


def _value(seeded, group: WorkspaceGroup, field_id: str):
    return seeded.values.get((group.id, field_id))


def _per_field(clauses, matches) -> Predicate:
    """Different fields must all match; clauses on one field match if any does."""
    by_field: dict[str, list] = {}
    for clause in clauses:
        by_field.setdefault(str(clause.field_id), []).append(clause)
    return lambda g: all(
        any(matches(g, field_id, clause) for clause in group_clauses)
        for field_id, group_clauses in by_field.items()
    )


FAKE_FIELD = "999999"


def _with_fake(field_ids: list[str]) -> list[str]:
    # Mostly real fields, so filters often match; sometimes one that does not exist.
    return field_ids * 4 + [FAKE_FIELD]


def _custom(draw, seeded, name: str) -> tuple[object, Predicate]:
    """A clause list for one by_custom_*_value filter, and its predicate."""
    value = lambda g, f: _value(seeded, g, f)  # noqa: E731
    count = draw(st.integers(1, 2))

    if name == "by_custom_text_value":
        # case-insensitive equality; a bare field id means "has any value"
        fields = _with_fake(_fields_of(seeded, "string"))
        clauses = []
        for _ in range(count):
            field_id = draw(st.sampled_from(fields))
            known = sorted({v for v in _values_of(seeded, field_id) if v})
            text = draw(st.sampled_from(known) | WORDS if known else WORDS)
            clauses.append(TextValue(field_id, draw(st.sampled_from([text, text.upper(), None]))))

        def matches(g, f, c):
            v = value(g, f)
            if c.value is None:
                return v is not None
            return isinstance(v, str) and v.lower() == c.value.lower()

    elif name == "by_custom_number_value":
        fields = _with_fake(_fields_of(seeded, "number"))
        clauses = []
        for _ in range(count):
            field_id = draw(st.sampled_from(fields))
            known = sorted(set(_values_of(seeded, field_id))) or [1]
            number = draw(st.sampled_from(known) | st.integers(0, 1000) | st.just(Decimal("12.5")))
            clauses.append(NumberValue(field_id, number))

        def matches(g, f, c):
            v = value(g, f)
            return v is not None and Decimal(str(v)) == Decimal(str(c.value))

    elif name == "by_custom_currency_value":
        # amount equality, and the ISO code (any case) when given
        fields = _with_fake(_fields_of(seeded, "currency"))
        clauses = []
        for _ in range(count):
            field_id = draw(st.sampled_from(fields))
            known = _values_of(seeded, field_id) or [[100, "USD"]]
            amount, code = draw(st.sampled_from(known))
            amount = draw(st.sampled_from([amount, amount + 1]))
            code = draw(st.sampled_from([code, None, "EUR", "JPY"]))
            clauses.append(CurrencyValue(field_id, amount, code))

        def matches(g, f, c):
            v = value(g, f)
            if not v:
                return False
            return Decimal(str(v[0])) == Decimal(str(c.amount)) and (
                c.currency is None or c.currency.lower() == v[1].lower()
            )

    elif name == "by_custom_date_value":
        # inclusive range, either end open
        fields = _with_fake(_fields_of(seeded, "date"))
        clauses = []
        for _ in range(count):
            field_id = draw(st.sampled_from(fields))
            known = sorted({date.fromisoformat(v) for v in _values_of(seeded, field_id)})
            around = st.builds(
                lambda d, n: d + timedelta(days=n),
                st.sampled_from(known or [date(2024, 6, 1)]),
                st.integers(-60, 60),
            )
            start, end = draw(st.none() | around), draw(st.none() | around)
            if start is None and end is None:
                start = draw(around)
            if start and end and start > end:
                start, end = end, start
            clauses.append(DateRange(field_id, start, end))

        def matches(g, f, c):
            v = value(g, f)
            if v is None:
                return False
            d = date.fromisoformat(v)
            return (c.start is None or d >= c.start) and (c.end is None or d <= c.end)

    else:
        # choice: any of the ids; `blank` means no choice made
        fields = _fields_of(seeded, "single", "multi")
        clauses = []
        for _ in range(count):
            field_id = draw(st.sampled_from(fields))
            options = list(seeded.fields[field_id].choice_ids)
            ids = draw(st.lists(st.sampled_from(options), max_size=3, unique=True))
            blank = draw(st.booleans()) if ids else True
            clauses.append(ChoiceValue(field_id, tuple(ids), blank))

        def matches(g, f, c):
            chosen = {str(i) for i in (value(g, f) or [])}
            return bool(chosen & {str(i) for i in c.choice_ids}) or (c.blank and not chosen)

    return clauses, _per_field(clauses, matches)


def _scalar(draw, seeded, name: str) -> tuple[object, Predicate]:
    """A value for one of the other filters, and its predicate."""
    groups = sorted(seeded.groups.values(), key=lambda g: g.id)
    refs = [r for g in groups for r in g.external_references or ()]
    ref_of = lambda g: g.external_references or ()  # noqa: E731

    def seen(attr: str) -> str:
        return draw(st.sampled_from(sorted({getattr(r, attr) or "x" for r in refs})) | WORDS)

    if name in ("created_after", "created_before", "updated_after", "updated_before"):
        attr = name.split("_")[0] + "_at"
        base = draw(st.sampled_from([g for g in groups if g.created_at <= SEED_ANCHOR]))
        offset = draw(st.sampled_from([-86400, -1, 0, 1, 86400]))
        moment = getattr(base, attr) + timedelta(seconds=offset)
        if name.endswith("_after"):
            return moment, lambda g: getattr(g, attr) > moment
        return moment, lambda g: getattr(g, attr) < moment
    if name == "matching":
        title = draw(st.sampled_from(groups)).name
        cut = draw(st.integers(0, max(0, len(title) - 3)))
        text = draw(
            st.sampled_from([title, title[cut : cut + 4].strip() or title, title.upper()]) | WORDS
        )
        return text, lambda g: text.strip().lower() in g.name.lower()
    if name == "only":
        ids = draw(
            st.lists(st.sampled_from([g.id for g in groups] + ["999999"]), min_size=1, max_size=5)
        )
        return ids, lambda g: g.id in ids
    if name == "companies_only":
        flag = draw(st.booleans())
        return flag, lambda g: g.company or not flag
    if name == "has_value_for_custom_field_ids":
        ids = draw(
            st.lists(st.sampled_from([*sorted(seeded.fields), FAKE_FIELD]), min_size=1, max_size=2)
        )
        return ids, lambda g: any((g.id, f) in seeded.values for f in ids)
    if name == "has_external_references":
        flag = draw(st.booleans())
        return flag, lambda g: bool(ref_of(g)) == flag
    if name == "without_external_reference_service_name":
        service = draw(st.sampled_from(["salesforce", "hubspot", "netsuite", "zendesk"]))
        return service, lambda g: not any(r.service_name == service for r in ref_of(g))
    # external_reference_*: checked together by _same_reference
    if name == "external_reference_service_name":
        return draw(st.sampled_from(["salesforce", "hubspot", "netsuite", "zendesk"])), None
    if name == "external_reference_status":
        return draw(st.sampled_from(["pending", "successful", "failed", "fail"])), None
    if name == "external_reference_service_model_ref":
        return int(
            draw(st.sampled_from(sorted({r.service_model_ref for r in refs})) | st.just("123"))
        ), None
    if name == "external_reference_service_model_refs":
        known = sorted({r.service_model_ref for r in refs})
        return draw(st.lists(st.sampled_from(known) | WORDS, min_size=1, max_size=4)), None
    return seen(REFERENCE_FILTERS[name]), None


FILTER_NAMES = sorted(f.name for f in fields(WorkspaceGroupFilters))


REFERENCE_FILTERS = {
    "external_reference_service_name": "service_name",
    "external_reference_status": "status",
    "external_reference_external_status": "external_status",
    "external_reference_external_message": "external_message",
    "external_reference_service_model": "service_model",
    "external_reference_service_model_ref": "service_model_ref",
    "external_reference_service_model_refs": "service_model_ref",
}


def _same_reference(chosen: dict) -> Predicate:
    """All external_reference_* filters given must hold for one and the same reference."""

    def holds(ref, name, wanted) -> bool:
        actual = getattr(ref, REFERENCE_FILTERS[name])
        if name == "external_reference_service_model_refs":
            return actual in wanted
        return actual == (str(wanted) if name.endswith("_ref") else wanted)

    ref_filters = {k: v for k, v in chosen.items() if k in REFERENCE_FILTERS}
    return lambda g: any(
        all(holds(r, name, wanted) for name, wanted in ref_filters.items())
        for r in g.external_references or ()
    )


@st.composite
def filter_cases(draw, seeded) -> Case:
    names = draw(st.lists(st.sampled_from(FILTER_NAMES), min_size=1, max_size=3, unique=True))
    chosen, predicates = {}, []
    for name in names:
        make = _custom if name.startswith("by_custom_") else _scalar
        chosen[name], predicate = make(draw, seeded, name)
        if predicate is not None:
            predicates.append(predicate)
    if any(name in REFERENCE_FILTERS for name in names):
        predicates.append(_same_reference(chosen))
    return Case(filters=chosen, predicates=predicates)


@pytest.fixture(scope="module")
def admin_client(sandbox, admin_token) -> KantataClient:
    return KantataClient(admin_token, base_url=sandbox.api_url)


def test_filters_select_exactly_what_the_predicate_selects(seeded, admin_client):
    snapshot = seeded.groups

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def check(data):
        case = data.draw(filter_cases(seeded))
        filters = WorkspaceGroupFilters(**case.filters)
        got = {g.id for g in admin_client.workspace_groups.iter_all(filters)} & set(snapshot)
        expected = {g.id for g in snapshot.values() if all(p(g) for p in case.predicates)}
        assert got == expected, (filters.to_params(), sorted(got ^ expected)[:10])

    check()


@pytest.mark.parametrize(
    ("filters", "expect_some"),
    [
        (WorkspaceGroupFilters(companies_only=True), True),
        (WorkspaceGroupFilters(has_external_references=False), True),
        (WorkspaceGroupFilters(matching="zzzz-no-such-group"), False),
    ],
)
def test_simple_filters_are_sent_and_applied(admin_client, filters, expect_some):
    assert bool(admin_client.workspace_groups.list(filters).records) is expect_some
