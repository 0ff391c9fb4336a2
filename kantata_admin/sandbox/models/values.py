"""A custom field's value on a subject, and the one rule for value types: which column
each type is stored in, what a write may send, and how it is answered (`value`,
`display_value`). A new value type touches this module, CustomField.ValueType and, for a
filter of its own, api/custom_filters.py."""

import re
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import timezone

from kantata_admin.sandbox.models.directory import Account, SandboxUser
from kantata_admin.sandbox.models.groups import GROUP_SUBJECT, CustomField, CustomFieldChoice

Kind = CustomField.ValueType
# The column each type is stored in (choices live in the `choices` relation); filters
# compare these columns.
COLUMNS = {
    Kind.STRING: "text_value",
    Kind.NUMBER: "number_value",
    Kind.CURRENCY: "number_value",
    Kind.DATE: "date_value",
}
# number_value holds 18 digits, 4 of them decimals.
DECIMAL_PLACES = 4
MAX_NUMBER = Decimal(10) ** (18 - DECIMAL_PLACES)
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # not 20240821, not week dates
_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


class ValueRefused(ValueError):
    """A value that does not fit its field's type; the message names what would."""


def cents(amount: Decimal) -> int:
    """A currency amount in its minor unit: the spec's `[amount_in_cents, "USD"]`."""
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def money(amount: Decimal, code: str) -> str:
    """How Kantata displays an amount: "$1,250.00", "€80.50", "1,000.00 CHF"."""
    sign, text = ("-" if amount < 0 else ""), f"{abs(amount):,.2f}"
    symbol = _CURRENCY_SYMBOLS.get(code)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {code}"


def json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _is_integer(raw: Any) -> bool:
    return isinstance(raw, int) and not isinstance(raw, bool)


def _number(raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
        raise ValueRefused("Value must be a number")
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueRefused("Value must be a number") from None
    if not number.is_finite() or abs(number) >= MAX_NUMBER:
        raise ValueRefused(f"Value must be a number smaller than {MAX_NUMBER:,}")
    return number.quantize(Decimal(1).scaleb(-DECIMAL_PLACES), rounding=ROUND_HALF_UP)


def _choice_ids(raw: Any, *, single: bool) -> list[int]:
    items = raw if isinstance(raw, list) else [raw]
    ids = []
    for item in items:
        text = str(item).strip() if isinstance(item, str) else None
        if _is_integer(item):
            ids.append(item)
        elif text and text.isdigit() and len(text) < 19:
            ids.append(int(text))
        else:
            raise ValueRefused("Value must be a list of choice ids")
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ValueRefused("Value can't be blank")
    if single and len(ids) > 1:
        raise ValueRefused("Value must be a single choice")
    return ids


class CustomFieldValue(models.Model):
    """One field's value on one subject, stored in a typed column so filters can compare."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    custom_field = models.ForeignKey(CustomField, on_delete=models.CASCADE, related_name="values")
    subject_type = models.CharField(max_length=40, default=GROUP_SUBJECT)
    subject_id = models.BigIntegerField()
    text_value = models.TextField(null=True, blank=True)  # noqa: DJ001
    number_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    currency_code = models.CharField(max_length=3, blank=True, default="")
    date_value = models.DateField(null=True, blank=True)
    choices = models.ManyToManyField(CustomFieldChoice, related_name="values", blank=True)
    # Who last set the value (the recorded `setter_id`).
    setter = models.ForeignKey(
        SandboxUser, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["custom_field", "subject_type", "subject_id"],
                name="sandbox_one_value_per_field_and_subject",
            )
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.custom_field_id} on {self.subject_type} {self.subject_id}"

    # --- the value-type rule -------------------------------------------------------------

    def set_value(self, raw: Any, choices: Iterable[CustomFieldChoice] | None = None) -> None:
        """Store `raw`, a value in its JSON form ("text", 13, [99800, "USD"], "2024-02-25",
        [choice ids]), in the column of the field's type; ValueRefused when it does not
        fit. `choices` are the field's choices (read when not given); chosen ids wait in
        `chosen_ids` until save_choices() can link them to a saved row."""
        kind = self.custom_field.value_type
        self.text_value, self.number_value, self.date_value = None, None, None
        self.currency_code, self.chosen_ids = "", []
        match kind:
            case Kind.STRING:
                if not isinstance(raw, str):
                    raise ValueRefused("Value must be text")
                if not raw.strip():
                    raise ValueRefused("Value can't be blank")
                self.text_value = raw
            case Kind.NUMBER:
                self.number_value = _number(raw)
            case Kind.CURRENCY:
                if not (isinstance(raw, list) and len(raw) == 2 and _is_integer(raw[0])):
                    raise ValueRefused('Value must be [amount_in_cents, "ISO currency code"]')
                if not isinstance(raw[1], str) or not _CURRENCY_CODE.match(raw[1].upper()):
                    raise ValueRefused(f"Value has no ISO currency code: {raw[1]!r}")
                self.number_value = _number(Decimal(raw[0]) / 100)
                self.currency_code = raw[1].upper()
            case Kind.DATE:
                try:
                    if not isinstance(raw, str) or not _DATE.match(raw):
                        raise ValueError
                    self.date_value = date.fromisoformat(raw)
                except ValueError:
                    raise ValueRefused("Value must be a date (YYYY-MM-DD)") from None
            case Kind.SINGLE | Kind.MULTI:
                ids = _choice_ids(raw, single=kind == Kind.SINGLE)
                known = {c.pk for c in (choices if choices is not None else self._field_choices())}
                if unknown := [i for i in ids if i not in known]:
                    listed = ", ".join(str(i) for i in unknown)
                    raise ValueRefused(
                        f"Value {listed} is not a choice of {self.custom_field.name}"
                    )
                self.chosen_ids = ids
            case _:
                raise ValueRefused(f"Fields of type {kind!r} take no values")

    def save_choices(self) -> None:
        """Link the chosen choices of the last set_value(), once the row is saved."""
        if self.custom_field.value_type in (Kind.SINGLE, Kind.MULTI):
            self.choices.set(getattr(self, "chosen_ids", []))

    def _field_choices(self) -> list[CustomFieldChoice]:
        return list(CustomFieldChoice.objects.filter(custom_field_id=self.custom_field_id))

    def chosen(self) -> list[CustomFieldChoice]:
        """The chosen choices, in the field's order (prefetched)."""
        return sorted(self.choices.all(), key=lambda c: (c.position, c.pk))

    @property
    def value(self) -> Any:
        """The JSON form, as the real service answers: "foo", 13, [99800, "USD"],
        "2014-02-25", [1, 2]."""
        match self.custom_field.value_type:
            case Kind.NUMBER:
                return None if self.number_value is None else json_number(self.number_value)
            case Kind.CURRENCY:
                return [cents(self.number_value or Decimal(0)), self.currency_code or "USD"]
            case Kind.DATE:
                return self.date_value.isoformat() if self.date_value else None
            case Kind.SINGLE | Kind.MULTI:
                return [c.pk for c in self.chosen()]
            case _:
                return self.text_value

    @property
    def display_value(self) -> str:
        """The value as Kantata shows it: money with its symbol, choices by label."""
        match self.custom_field.value_type:
            case Kind.CURRENCY:
                return money(self.number_value or Decimal(0), self.currency_code or "USD")
            case Kind.SINGLE | Kind.MULTI:
                return ", ".join(c.label for c in self.chosen())
            case _:
                value = self.value
                return "" if value is None else str(value)
