"""What each WorkspaceGroupFilters filter selects, as Python predicates over the seeded
groups (see test_filter_semantics.py): the semantics the sandbox implements, spelled out
(kantata_admin/sandbox/api/groups.py and custom_filters.py).

`seeded` is tests/kantata/conftest.py's Seeded: groups, custom fields and their values.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from kantata_admin.kantata import WorkspaceGroup, typed_value

REFERENCE_FILTERS = {
    "external_reference_service_name": "service_name",
    "external_reference_status": "status",
    "external_reference_external_status": "external_status",
    "external_reference_external_message": "external_message",
    "external_reference_service_model": "service_model",
    "external_reference_service_model_ref": "service_model_ref",
    "external_reference_service_model_refs": "service_model_ref",
}
TIMES = ("created_after", "created_before", "updated_after", "updated_before")

Predicate = Callable[[WorkspaceGroup], bool]


def money(value) -> tuple[Decimal, str]:
    """A currency value as the filter takes it: the amount in units (the API sends cents)
    and the ISO code."""
    parsed = typed_value("currency", value)
    return parsed.amount, parsed.currency


def _custom_matches(seeded, name: str) -> Callable:
    def value(g, f):
        return seeded.values.get((g.id, f))

    def text(g, f, c):
        # case-insensitive equality; a bare field id means "has any value"
        v = value(g, f)
        if c.value is None:
            return v is not None
        return isinstance(v, str) and v.lower() == c.value.lower()

    def number(g, f, c):
        v = value(g, f)
        return v is not None and Decimal(str(v)) == Decimal(str(c.value))

    def currency(g, f, c):
        # amount equality, and the ISO code (any case) when given
        v = value(g, f)
        if not v:
            return False
        amount, code = money(v)
        return amount == Decimal(str(c.amount)) and (
            c.currency is None or c.currency.lower() == code.lower()
        )

    def day(g, f, c):
        # inclusive range, either end open
        v = value(g, f)
        if v is None:
            return False
        d = date.fromisoformat(v)
        return (c.start is None or d >= c.start) and (c.end is None or d <= c.end)

    def choice(g, f, c):
        # any of the ids; `blank` means no choice made
        chosen = {str(i) for i in (value(g, f) or [])}
        return bool(chosen & {str(i) for i in c.choice_ids}) or (c.blank and not chosen)

    return {
        "by_custom_text_value": text,
        "by_custom_number_value": number,
        "by_custom_currency_value": currency,
        "by_custom_date_value": day,
        "by_custom_choice_value": choice,
    }[name]


def _per_field(clauses, matches) -> Predicate:
    """Different fields must all match; clauses on one field match if any does."""
    if not isinstance(clauses, list | tuple):
        clauses = [clauses]
    by_field: dict[str, list] = {}
    for clause in clauses:
        by_field.setdefault(str(clause.field_id), []).append(clause)
    return lambda g: all(
        any(matches(g, field_id, clause) for clause in group_clauses)
        for field_id, group_clauses in by_field.items()
    )


def _same_reference(chosen: dict) -> Predicate:
    """All external_reference_* filters given must hold for one and the same reference."""

    def holds(ref, name, wanted) -> bool:
        actual = getattr(ref, REFERENCE_FILTERS[name])
        if name == "external_reference_service_model_refs":
            return actual in [str(w) for w in wanted]
        return actual == (str(wanted) if name.endswith("_ref") else wanted)

    ref_filters = {k: v for k, v in chosen.items() if k in REFERENCE_FILTERS}
    return lambda g: any(
        all(holds(r, name, wanted) for name, wanted in ref_filters.items())
        for r in g.external_references or ()
    )


def _predicate(seeded, name: str, value) -> Predicate:
    """The predicate of one filter other than the external_reference_* ones."""
    refs_of = lambda g: g.external_references or ()  # noqa: E731
    if name.startswith("by_custom_"):
        return _per_field(value, _custom_matches(seeded, name))
    if name in TIMES:
        attr = name.split("_")[0] + "_at"
        if name.endswith("_after"):
            return lambda g: getattr(g, attr) > value
        return lambda g: getattr(g, attr) < value
    if name == "matching":
        return lambda g: value.strip().lower() in g.name.lower()
    if name == "only":
        return lambda g: g.id in {str(i) for i in value}
    if name == "companies_only":
        return lambda g: g.company or not value
    if name == "has_value_for_custom_field_ids":
        return lambda g: any((g.id, str(f)) in seeded.values for f in value)
    if name == "has_external_references":
        return lambda g: bool(refs_of(g)) == value
    if name == "without_external_reference_service_name":
        return lambda g: not any(r.service_name == value for r in refs_of(g))
    raise AssertionError(f"no predicate for {name}")


def _predicates(seeded, chosen: dict) -> list[Predicate]:
    predicates = [
        _predicate(seeded, name, value)
        for name, value in chosen.items()
        if name not in REFERENCE_FILTERS
    ]
    if any(name in REFERENCE_FILTERS for name in chosen):
        predicates.append(_same_reference(chosen))
    return predicates


def expected_ids(seeded, chosen: dict) -> set[str]:
    """The ids of the seeded groups all the chosen filters' predicates select."""
    predicates = _predicates(seeded, chosen)
    return {g.id for g in seeded.groups.values() if all(p(g) for p in predicates)}
