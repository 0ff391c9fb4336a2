"""The values of the `by_custom_*_value` filters, and their one encoder.

Each class is one documented syntax (`cf:choice1,choice2`, `cf:amount:USD`, `cf:start:end`,
`cf:number`, `cf:text`); several fields go together as `(cf1:v):(cf2:v)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from .encoding import (
    IdLike,
    Number,
    encode_id,
    encode_number,
    encode_plain,
    encode_text,
    is_currency_code,
)
from .errors import InvalidRequest


@dataclass(frozen=True, slots=True)
class ChoiceValue:
    """Groups whose choice field holds any of `choice_ids` (or nothing, with `blank`)."""

    field_id: IdLike
    choice_ids: tuple[IdLike, ...] = ()
    blank: bool = False

    def encode(self) -> str:
        name = "by_custom_choice_value"
        parts = [encode_id(choice, name=name) for choice in self.choice_ids]
        if self.blank:
            parts.append("blank")
        if not parts:
            raise InvalidRequest(f"{name}: give choice ids, blank=True, or both")
        return f"{encode_id(self.field_id, name=name)}:{','.join(parts)}"


@dataclass(frozen=True, slots=True)
class CurrencyValue:
    """Groups whose currency field holds `amount`, in `currency` (ISO 4217) when given."""

    field_id: IdLike
    amount: Number
    currency: str | None = None

    def encode(self) -> str:
        name = "by_custom_currency_value"
        text = f"{encode_id(self.field_id, name=name)}:{encode_number(self.amount, name=name)}"
        if self.currency is not None:
            if not isinstance(self.currency, str) or not is_currency_code(self.currency):
                raise InvalidRequest(f"{name}: {self.currency!r} is not an ISO 4217 code")
            text += f":{self.currency}"
        return text


@dataclass(frozen=True, slots=True)
class DateRange:
    """Groups whose date field falls in [start, end]; either end may be open."""

    field_id: IdLike
    start: date | None = None
    end: date | None = None

    def encode(self) -> str:
        name = "by_custom_date_value"
        for bound in (self.start, self.end):
            # A datetime is a date subclass; its time part would be silently dropped.
            if bound is not None and (not isinstance(bound, date) or isinstance(bound, datetime)):
                raise InvalidRequest(f"{name}: expected dates, got {type(bound).__name__}")
        if self.start is None and self.end is None:
            raise InvalidRequest(f"{name}: give a start date, an end date, or both")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise InvalidRequest(f"{name}: start {self.start} is after end {self.end}")
        field_id = encode_id(self.field_id, name=name)
        if self.end is None:
            return f"{field_id}:{self.start.isoformat()}"  # type: ignore[union-attr]
        start = self.start.isoformat() if self.start is not None else ""
        return f"{field_id}:{start}:{self.end.isoformat()}"


@dataclass(frozen=True, slots=True)
class NumberValue:
    """Groups whose number field equals `value`."""

    field_id: IdLike
    value: Number

    def encode(self) -> str:
        name = "by_custom_number_value"
        return f"{encode_id(self.field_id, name=name)}:{encode_number(self.value, name=name)}"


@dataclass(frozen=True, slots=True)
class TextValue:
    """Groups whose text field matches `value`; `None` matches any value at all."""

    field_id: IdLike
    value: str | None = None

    def encode(self) -> str:
        name = "by_custom_text_value"
        field_id = encode_id(self.field_id, name=name)
        if self.value is None:
            return field_id
        return f"{field_id}:{encode_plain(encode_text(self.value, name=name), name=name)}"


CustomValue = ChoiceValue | CurrencyValue | DateRange | NumberValue | TextValue


def encode_custom_values(values: Sequence[CustomValue], *, kind: type, name: str) -> str:
    """One field as `cf:value`; several as `(cf1:v):(cf2:v)` (the documented form)."""
    if isinstance(values, kind):
        values = (values,)
    if not isinstance(values, Sequence) or isinstance(values, str):
        raise InvalidRequest(
            f"{name}: expected {kind.__name__} values, got {type(values).__name__}"
        )
    if not values:
        raise InvalidRequest(f"{name}: give at least one value")
    for value in values:
        if not isinstance(value, kind):
            raise InvalidRequest(f"{name}: expected {kind.__name__}, got {type(value).__name__}")
    encoded = [value.encode() for value in values]
    if len(encoded) == 1:
        return encoded[0]
    return ":".join(f"({part})" for part in encoded)
