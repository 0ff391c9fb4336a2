"""A custom field value's `value`: read into a Python type by its field's value type
(`typed_value`), and written back as the API's JSON (`json_value`). One place for each
type's two forms.

The API sends `"foo"` (string), `"2014-02-25"` (date), `13` or `13.5` (number),
`[99800, "USD"]` (currency: an amount in cents and an ISO 4217 code) and `[1, 2, 4]`
(single or multi choice: the chosen choice ids). Choice ids come back as numbers or
strings; they are read as strings, like every id in this client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .encoding import encode_id
from .errors import InvalidRequest, MalformedResponse

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


def json_value(value: TypedValue | int | float) -> Any:
    """What to send as a value's `value`: text as is, a date as ISO 8601, a number as a
    JSON number, Money as `[cents, "ISO"]`, choices as a list of integer ids. Clearing a
    value is a delete, not a write of nothing, so an empty value is refused."""
    if value is None or value == "" or value == () or value == []:
        raise InvalidRequest("value: empty; delete the value to clear it")
    if isinstance(value, bool | datetime):
        raise InvalidRequest(f"value: {type(value).__name__} is not a custom field value")
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Money):
        if not isinstance(value.currency, str) or not re.fullmatch(r"[A-Za-z]{3}", value.currency):
            raise InvalidRequest(f"value: {value.currency!r} is not an ISO 4217 code")
        if isinstance(value.cents, bool) or not isinstance(value.cents, int):
            raise InvalidRequest(f"value: {value.cents!r} is not a whole number of cents")
        return [value.cents, value.currency.upper()]
    if isinstance(value, Decimal | int | float):
        number = Decimal(str(value))
        if not number.is_finite():
            raise InvalidRequest(f"value: {value!r} is not a finite number")
        # JSON has no decimals: a whole number goes as an integer, keeping every digit.
        return int(number) if number == number.to_integral_value() else float(number)
    if isinstance(value, tuple | list):
        return [int(encode_id(choice, name="value")) for choice in value]
    raise InvalidRequest(f"value: {type(value).__name__} is not a custom field value")
