"""A custom field value's `value`, read into a Python type by its field's value type.

The API sends `"foo"` (string), `"2014-02-25"` (date), `13` or `13.5` (number),
`[99800, "USD"]` (currency: an amount in cents and an ISO 4217 code) and `[1, 2, 4]`
(single or multi choice: the chosen choice ids). Choice ids come back as numbers or
strings; they are read as strings, like every id in this client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import MalformedResponse

VALUE_TYPES = frozenset({"string", "date", "number", "currency", "single", "multi"})


@dataclass(frozen=True, slots=True)
class Money:
    """A currency value: `cents` in the smallest unit, as the API counts it."""

    cents: int
    currency: str

    @property
    def amount(self) -> Decimal:
        return Decimal(self.cents) / 100

    def __str__(self) -> str:
        return f"{self.amount:,.2f} {self.currency}"


TypedValue = str | date | Decimal | Money | tuple[str, ...]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _money(value: Any) -> Money:
    if (
        isinstance(value, list)
        and len(value) == 2
        and _is_number(value[0])
        and float(value[0]).is_integer()
        and isinstance(value[1], str)
    ):
        return Money(cents=int(value[0]), currency=value[1])
    raise MalformedResponse(f"{value!r} is not a currency value [cents, 'ISO']")


def _choices(value: Any) -> tuple[str, ...]:
    # A single choice may come as one id rather than a list of one.
    items = value if isinstance(value, list) else [value]
    if not all(_is_number(item) or (isinstance(item, str) and item) for item in items):
        raise MalformedResponse(f"{value!r} is not a list of choice ids")
    return tuple(str(int(item)) if _is_number(item) else item for item in items)


def _number(value: Any) -> Decimal:
    if _is_number(value) or isinstance(value, str):
        try:
            # Through str, so 0.1 reads as Decimal("0.1"), not the float's binary expansion.
            number = Decimal(str(value))
        except InvalidOperation:
            pass
        else:
            if number.is_finite():
                return number
    raise MalformedResponse(f"{value!r} is not a number")


def _date(value: Any) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise MalformedResponse(f"{value!r} is not an ISO 8601 date") from None


def _guess(value: Any) -> TypedValue:
    """An answer without `type` (older ones): read the value by its JSON shape alone. A
    string stays a string, since a text field may hold what looks like a date."""
    if isinstance(value, list):
        if len(value) == 2 and isinstance(value[1], str) and _is_number(value[0]):
            return _money(value)
        return _choices(value)
    if _is_number(value):
        return _number(value)
    return str(value)


def typed_value(value_type: str, value: Any) -> TypedValue | None:
    """`value` as its type's Python value; None when unset (`null`, `""` or `[]`)."""
    if value is None or value == "" or value == []:
        return None
    match value_type:
        case "string":
            return str(value)
        case "date":
            return _date(value)
        case "number":
            return _number(value)
        case "currency":
            return _money(value)
        case "single" | "multi":
            return _choices(value)
        case _:
            return _guess(value)
