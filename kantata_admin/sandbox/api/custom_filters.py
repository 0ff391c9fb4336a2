"""The five by_custom_*_value filters: their syntax and what they match.

Syntax shared by all five: clauses `field_id:argument`, several of them separated by
semicolons (`1:a;2:b`, a trailing one tolerated) or parenthesised and joined by colons
(`(1:a):(2:b)`). Clauses for different fields must all match (AND); clauses for the same
field match any (OR). A bare `field_id` matches every object with a value for that field.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import Exists, OuterRef, Q

from kantata_admin.sandbox.api.errors import bad_request
from kantata_admin.sandbox.api.params import parse_id
from kantata_admin.sandbox.models import CustomFieldValue
from kantata_admin.sandbox.models.groups import GROUP_SUBJECT
from kantata_admin.sandbox.models.values import COLUMNS, MAX_NUMBER, Kind

_FIELD_ID = re.compile(r"^\d+$")
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")
# date.fromisoformat alone also takes 20240821 and week dates (2024-W34-3).
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class Clause:
    field_id: int
    argument: str | None  # everything after the first colon; None for a bare id


def parse_clauses(raw: str, name: str) -> list[Clause]:
    text = raw.strip()
    if text.endswith(";"):  # `1:a;2:b;`, as a client joining clauses naively writes it
        text = text[:-1].rstrip()
    if text.startswith("("):
        parts, rest = [], text
        while rest:
            end = rest.find(")")
            if not rest.startswith("(") or end < 0:
                raise bad_request(f"{name}: unbalanced parentheses in {raw!r}.")
            parts.append(rest[1:end])
            rest = rest[end + 1 :]
            if rest:
                if not rest.startswith(":("):
                    raise bad_request(f"{name}: join parenthesised clauses with ':' in {raw!r}.")
                rest = rest[1:]
    else:
        parts = text.split(";")
    clauses = []
    for part in parts:
        field_id, colon, argument = part.strip().partition(":")
        number = parse_id(field_id) if _FIELD_ID.match(field_id) else None
        if number is None:
            raise bad_request(f"{name}: {field_id!r} is not a custom field id in {raw!r}.")
        clauses.append(Clause(number, argument if colon else None))
    return clauses


def _values(field_id: int, condition: Q | None = None) -> Exists:
    return Exists(
        CustomFieldValue.objects.filter(
            condition or Q(),
            custom_field_id=field_id,
            subject_type=GROUP_SUBJECT,
            subject_id=OuterRef("pk"),
        )
    )


def _decimal(text: str, name: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise bad_request(f"{name}: {text!r} is not a number.") from None
    if not value.is_finite():
        raise bad_request(f"{name}: {text!r} is not a number.")
    if abs(value) >= MAX_NUMBER:
        # Past what the value column holds (18 digits, 4 of them decimals).
        raise bad_request(f"{name}: {text!r} is out of range.")
    return value


def _date(text: str, name: str) -> date:
    if not _DATE.match(text.strip()):
        raise bad_request(f"{name}: {text!r} is not a date (YYYY-MM-DD).")
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise bad_request(f"{name}: {text!r} is not a date (YYYY-MM-DD).") from None


# The columns come from the model's rule for value types (models/values.py).
def _text(arg: str, name: str) -> Q | Exists:
    return Q(**{f"{COLUMNS[Kind.STRING]}__iexact": arg})


def _number(arg: str, name: str) -> Q:
    return Q(**{COLUMNS[Kind.NUMBER]: _decimal(arg, name)})


def _currency(arg: str, name: str) -> Q:
    """The amount in the currency's unit (`1:200.2:USD`), as the seed writes it."""
    amount, _, code = arg.partition(":")
    condition = Q(**{COLUMNS[Kind.CURRENCY]: _decimal(amount, name)})
    if code:
        if not _CURRENCY.match(code):
            raise bad_request(f"{name}: {code!r} is not an ISO currency code.")
        condition &= Q(currency_code__iexact=code)
    return condition


def _date_range(arg: str, name: str) -> Q:
    start, _, end = arg.partition(":")
    if not start.strip() and not end.strip():
        raise bad_request(f"{name}: give a starting date, an ending date or both.")
    condition = Q()
    column = COLUMNS[Kind.DATE]
    if start.strip():
        condition &= Q(**{f"{column}__gte": _date(start, name)})
    if end.strip():
        condition &= Q(**{f"{column}__lte": _date(end, name)})
    return condition


def _choice_filter(field_id: int, arg: str, name: str) -> Q:
    """Any of the listed choices; `blank` matches objects without a chosen value."""
    wanted, blank = [], False
    for part in arg.split(","):
        part = part.strip()
        if part.lower() == "blank":
            blank = True
        elif _FIELD_ID.match(part) and (choice := parse_id(part)) is not None:
            wanted.append(choice)
        else:
            raise bad_request(f"{name}: {part!r} is not a choice id or 'blank'.")
    result = Q(pk__in=[])
    if wanted:
        result |= Q(_values(field_id, Q(choices__in=wanted)))
    if blank:
        result |= ~Q(_values(field_id, Q(choices__isnull=False)))
    return result


_CONDITIONS: dict[str, Callable[[str, str], Q]] = {
    "by_custom_text_value": _text,
    "by_custom_number_value": _number,
    "by_custom_currency_value": _currency,
    "by_custom_date_value": _date_range,
}
FILTER_NAMES = (*_CONDITIONS, "by_custom_choice_value")


def custom_value_filter(name: str, raw: str) -> Q:
    """A Q on WorkspaceGroup for one by_custom_*_value parameter."""
    if not raw.strip():
        return Q()
    by_field: dict[int, list[Clause]] = {}
    for clause in parse_clauses(raw, name):
        by_field.setdefault(clause.field_id, []).append(clause)
    result = Q()
    for field_id, clauses in by_field.items():
        any_of = Q(pk__in=[])
        for clause in clauses:
            if clause.argument is None:
                any_of |= Q(_values(field_id))
            elif name == "by_custom_choice_value":
                any_of |= _choice_filter(field_id, clause.argument, name)
            else:
                any_of |= Q(_values(field_id, _CONDITIONS[name](clause.argument, name)))
        result &= any_of
    return result
