"""One class per Kantata custom field value type, and the one registry of them: everything
the dashboard does with a type lives in its class (NetBox's custom field types, one class
each). A type gives

- its filter panel fields, the check across them, and their value as the client's filter
  argument (`by_custom_*_value`);
- its form inputs, their initial value from a held value, the check across them, the
  typed value read back, and how a typed value reads to the member;
- its CSV cells: in the export for a spreadsheet, and in the export for re-import, read
  back (`parse_cell`) by the import.

The client keeps the typed values (kantata/typed_values.py) and the filter syntax
(kantata/custom_value_filters.py); the sandbox keeps its own rule (models/values.py).
A new Kantata value type is a new class here and one entry in CUSTOM_TYPES.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django import forms

from kantata_admin.groups.field_specs import CustomFieldSpec
from kantata_admin.groups.filter_fields import DateInput, PlainTextField
from kantata_admin.kantata import (
    ChoiceValue,
    CurrencyValue,
    CustomFieldValue,
    DateRange,
    KantataError,
    Money,
    NumberValue,
    TextValue,
    TypedValue,
    is_currency_code,
)

# The filter panel's "(no value)" choice of a choice field.
BLANK_CHOICE = "blank"
# The currency a new money value starts in; the member may type another ISO 4217 code.
DEFAULT_CURRENCY = "USD"
FORM_PREFIX = "custom_"
# The largest number or amount an imported cell may hold: 10^MAX_DIGITS.
MAX_DIGITS = 15
# How several choices share one cell of the re-import file.
CHOICE_SEPARATOR = "; "
_MONEY_CELL = re.compile(r"^\s*(-?[\d,]*\d(?:\.\d{1,2})?)\s*([A-Za-z]{3})\s*$")


class CellRefused(ValueError):
    """A cell of an imported file its field's type cannot take; the message says why."""


def custom_field_name(spec: CustomFieldSpec, part: str = "") -> str:
    """The query parameter of a custom field's filter, e.g. `cf_3` or `cf_3_from`."""
    return f"cf_{spec.id}{'_' + part if part else ''}"


def input_name(spec: CustomFieldSpec, part: str = "") -> str:
    """The form field of a custom field's value (the amount, for money), or of a part."""
    return f"{FORM_PREFIX}{spec.id}{'_' + part if part else ''}"


class CustomType:
    """A text field; the other types override what differs."""

    value_type: ClassVar[str] = "string"
    # Whether the value has a currency beside it (two inputs, two filter fields).
    has_currency: ClassVar[bool] = False

    # --- the filter panel ----------------------------------------------------------------

    def filter_fields(self, spec: CustomFieldSpec) -> dict[str, forms.Field]:
        return {
            custom_field_name(spec): PlainTextField(label=spec.name, required=False, max_length=255)
        }

    def check_filter(self, form: forms.Form, spec: CustomFieldSpec) -> None:
        """What one filter field cannot check alone."""

    def filter_value(self, spec: CustomFieldSpec, data: dict[str, Any]) -> tuple[str, Any] | None:
        """(the filter's name, the client's argument), or None when not filtering."""
        if text := (data.get(custom_field_name(spec)) or "").strip():
            return "by_custom_text_value", TextValue(spec.id, text)
        return None

    # --- the group form ------------------------------------------------------------------

    def inputs(self, spec: CustomFieldSpec) -> dict[str, forms.Field]:
        return {input_name(spec): forms.CharField(label=spec.name, required=False)}

    def initial(self, spec: CustomFieldSpec, typed: TypedValue | None) -> dict[str, Any]:
        return {} if typed is None else {input_name(spec): typed}

    def check_inputs(self, form: forms.Form, spec: CustomFieldSpec) -> None:
        """What one input cannot check alone."""

    def typed(self, spec: CustomFieldSpec, data: dict[str, Any]) -> TypedValue | None:
        """The typed value of a valid form's inputs; None when empty (to be cleared)."""
        return (data.get(input_name(spec)) or "").strip() or None

    def display(self, spec: CustomFieldSpec, typed: TypedValue) -> str:
        """A typed value as the member reads it (Kantata's own display replaces it once
        saved)."""
        return str(typed)

    # --- the CSV export ------------------------------------------------------------------

    def csv_cell(self, value: CustomFieldValue | None) -> str:
        """As Kantata displays the value."""
        return value.display_value if value is not None else ""

    def spreadsheet_headers(self, spec: CustomFieldSpec) -> list[str]:
        """The export "for a spreadsheet": the field's columns."""
        return [spec.name]

    def spreadsheet_cells(self, spec: CustomFieldSpec, value: CustomFieldValue | None) -> list[str]:
        return [self.csv_cell(value)]

    def reimport_cell(self, spec: CustomFieldSpec, value: CustomFieldValue | None) -> str:
        """The export "for re-import": the value as `parse_cell` reads it back."""
        try:
            typed = value.typed_value if value is not None else None
        except KantataError:  # a value that does not fit its type: as Kantata shows it
            return self.csv_cell(value)
        return "" if typed is None else self.cell_text(spec, typed)

    def cell_text(self, spec: CustomFieldSpec, typed: TypedValue) -> str:
        return str(typed)

    def parse_cell(self, spec: CustomFieldSpec, text: str) -> TypedValue | None:
        """A cell of an imported file as a typed value (None: no value); CellRefused."""
        return text if text.strip() else None


class NumberType(CustomType):
    value_type = "number"

    def filter_fields(self, spec: CustomFieldSpec) -> dict[str, forms.Field]:
        field = forms.DecimalField(label=spec.name, required=False, max_digits=20, decimal_places=6)
        return {custom_field_name(spec): field}

    def filter_value(self, spec: CustomFieldSpec, data: dict[str, Any]) -> tuple[str, Any] | None:
        if (number := data.get(custom_field_name(spec))) is not None:
            return "by_custom_number_value", NumberValue(spec.id, number)
        return None

    def inputs(self, spec: CustomFieldSpec) -> dict[str, forms.Field]:
        widget = forms.NumberInput(attrs={"step": "any"})
        return {
            input_name(spec): forms.DecimalField(label=spec.name, required=False, widget=widget)
        }

    def typed(self, spec: CustomFieldSpec, data: dict[str, Any]) -> TypedValue | None:
        return data.get(input_name(spec))  # a Decimal, or None when empty

    def display(self, spec: CustomFieldSpec, typed: TypedValue) -> str:
        return format(typed.normalize(), "f") if isinstance(typed, Decimal) else str(typed)

    def cell_text(self, spec: CustomFieldSpec, typed: TypedValue) -> str:
        return self.display(spec, typed)

    def spreadsheet_cells(self, spec: CustomFieldSpec, value: CustomFieldValue | None) -> list[str]:
        return [self.reimport_cell(spec, value)]

    def parse_cell(self, spec: CustomFieldSpec, text: str) -> TypedValue | None:
        if not text.strip():
            return None
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise CellRefused(f"{text.strip()[:40]!r} is not a number")
        if number.adjusted() > MAX_DIGITS:  # 1e999999999 would be a billion digits to send
            raise CellRefused(f"{text.strip()[:40]!r} is too large a number")
        return number


class CurrencyType(CustomType):
    value_type = "currency"
    has_currency = True

    def filter_fields(self, spec: CustomFieldSpec) -> dict[str, forms.Field]:
        return {
            custom_field_name(spec): forms.DecimalField(
                label=f"{spec.name}: amount", required=False, max_digits=20, decimal_places=2
            ),
            custom_field_name(spec, "currency"): forms.CharField(
                label=f"{spec.name}: currency",
                required=False,
                max_length=3,
                help_text="Optional ISO code, e.g. USD.",
                widget=forms.TextInput(attrs={"size": 3, "autocomplete": "off"}),
            ),
        }

    def check_filter(self, form: forms.Form, spec: CustomFieldSpec) -> None:
        code_name = custom_field_name(spec, "currency")
        code = form.cleaned_data.get(code_name) or ""
        if code and not is_currency_code(code, any_case=True):
            form.add_error(code_name, "Give a three-letter ISO code, such as USD.")
        elif code and form.cleaned_data.get(custom_field_name(spec)) is None:
            form.add_error(custom_field_name(spec), "Give an amount for this currency.")

    def filter_value(self, spec: CustomFieldSpec, data: dict[str, Any]) -> tuple[str, Any] | None:
        if (amount := data.get(custom_field_name(spec))) is not None:
            code = (data.get(custom_field_name(spec, "currency")) or "").upper()
            return "by_custom_currency_value", CurrencyValue(spec.id, amount, code or None)
        return None

    def inputs(self, spec: CustomFieldSpec) -> dict[str, forms.Field]:
        return {
            input_name(spec): forms.DecimalField(
                label=spec.name,
                required=False,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.01"}),
            ),
            input_name(spec, "currency"): forms.CharField(
                label="Currency",
                required=False,
                max_length=3,
                widget=forms.TextInput(
                    attrs={
                        # Shown beside the amount as "Currency"; read out in full.
                        "aria-label": f"{spec.name}: currency",
                        "size": 3,
                        "autocomplete": "off",
                        "pattern": "[A-Za-z]{3}",
                    }
                ),
            ),
        }

    def initial(self, spec: CustomFieldSpec, typed: TypedValue | None) -> dict[str, Any]:
        if isinstance(typed, Money):
            return {input_name(spec): typed.amount, input_name(spec, "currency"): typed.currency}
        return {input_name(spec, "currency"): DEFAULT_CURRENCY}

    def check_inputs(self, form: forms.Form, spec: CustomFieldSpec) -> None:
        amount = form.cleaned_data.get(input_name(spec))
        code = (form.cleaned_data.get(input_name(spec, "currency")) or "").strip()
        if amount is not None and not is_currency_code(code, any_case=True):
            form.add_error(
                input_name(spec, "currency"), "Give a three-letter currency code, such as USD."
            )

    def typed(self, spec: CustomFieldSpec, data: dict[str, Any]) -> TypedValue | None:
        if (amount := data.get(input_name(spec))) is None:
            return None
        code = (data.get(input_name(spec, "currency")) or "").strip().upper()
        return Money(cents=int(amount * 100), currency=code)

    def cell_text(self, spec: CustomFieldSpec, typed: TypedValue) -> str:
        return f"{typed.amount:.2f} {typed.currency}" if isinstance(typed, Money) else str(typed)

    def spreadsheet_headers(self, spec: CustomFieldSpec) -> list[str]:
        return [spec.name, f"{spec.name} currency"]

    def spreadsheet_cells(self, spec: CustomFieldSpec, value: CustomFieldValue | None) -> list[str]:
        """The amount as a number a spreadsheet sums, and its currency beside it."""
        try:
            typed = value.typed_value if value is not None else None
        except KantataError:
            return [self.csv_cell(value), ""]
        if not isinstance(typed, Money):
            return ["", ""]
        return [f"{typed.amount:.2f}", typed.currency]

    def parse_cell(self, spec: CustomFieldSpec, text: str) -> TypedValue | None:
        if not text.strip():
            return None
        match = _MONEY_CELL.match(text)
        if match is None:
            raise CellRefused(
                f"{text.strip()[:40]!r} is not an amount and a code, e.g. 1250.00 USD"
            )
        try:
            amount = Decimal(match[1].replace(",", ""))
        except InvalidOperation:
            raise CellRefused(f"{match[1]!r} is not an amount") from None
        if amount.adjusted() > MAX_DIGITS:
            raise CellRefused(f"{match[1][:40]!r} is too large an amount")
        return Money(cents=int(amount * 100), currency=match[2].upper())


class DateType(CustomType):
    value_type = "date"

    def filter_fields(self, spec: CustomFieldSpec) -> dict[str, forms.Field]:
        return {
            custom_field_name(spec, part): forms.DateField(
                label=f"{spec.name}: {part}", required=False, widget=DateInput()
            )
            for part in ("from", "to")
        }

    def check_filter(self, form: forms.Form, spec: CustomFieldSpec) -> None:
        start_name, end_name = custom_field_name(spec, "from"), custom_field_name(spec, "to")
        start, end = form.cleaned_data.get(start_name), form.cleaned_data.get(end_name)
        if start is not None and end is not None and start > end:
            form.add_error(end_name, "This is before the start of the range.")

    def filter_value(self, spec: CustomFieldSpec, data: dict[str, Any]) -> tuple[str, Any] | None:
        start = data.get(custom_field_name(spec, "from"))
        end = data.get(custom_field_name(spec, "to"))
        if start is not None or end is not None:
            return "by_custom_date_value", DateRange(spec.id, start, end)
        return None

    def inputs(self, spec: CustomFieldSpec) -> dict[str, forms.Field]:
        field = forms.DateField(label=spec.name, required=False, widget=DateInput())
        return {input_name(spec): field}

    def typed(self, spec: CustomFieldSpec, data: dict[str, Any]) -> TypedValue | None:
        return data.get(input_name(spec))

    def cell_text(self, spec: CustomFieldSpec, typed: TypedValue) -> str:
        return typed.isoformat() if isinstance(typed, date) else str(typed)

    def parse_cell(self, spec: CustomFieldSpec, text: str) -> TypedValue | None:
        if not text.strip():
            return None
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            raise CellRefused(f"{text.strip()[:40]!r} is not a date (YYYY-MM-DD)") from None


class ChoiceType(CustomType):
    """A choice among the field's: single here, several in MultiChoiceType."""

    value_type = "single"

    def filter_fields(self, spec: CustomFieldSpec) -> dict[str, forms.Field]:
        choices = [*spec.choices, (BLANK_CHOICE, "(no value)")]
        field = forms.MultipleChoiceField(
            label=spec.name,
            required=False,
            choices=choices,
            widget=forms.SelectMultiple(attrs={"size": min(len(choices), 5)}),
        )
        return {custom_field_name(spec): field}

    def filter_value(self, spec: CustomFieldSpec, data: dict[str, Any]) -> tuple[str, Any] | None:
        picked = data.get(custom_field_name(spec)) or []
        if not picked:
            return None
        ids = tuple(value for value in picked if value != BLANK_CHOICE)
        return "by_custom_choice_value", ChoiceValue(spec.id, ids, blank=BLANK_CHOICE in picked)

    def inputs(self, spec: CustomFieldSpec) -> dict[str, forms.Field]:
        choices = [("", "—"), *spec.choices]
        return {
            input_name(spec): forms.ChoiceField(label=spec.name, required=False, choices=choices)
        }

    def initial(self, spec: CustomFieldSpec, typed: TypedValue | None) -> dict[str, Any]:
        return {input_name(spec): typed[0]} if isinstance(typed, tuple) and typed else {}

    def typed(self, spec: CustomFieldSpec, data: dict[str, Any]) -> TypedValue | None:
        value = data.get(input_name(spec))
        return (value,) if value else None

    def display(self, spec: CustomFieldSpec, typed: TypedValue) -> str:
        labels = dict(spec.choices)
        return ", ".join(labels.get(choice, choice) for choice in typed)

    def cell_text(self, spec: CustomFieldSpec, typed: TypedValue) -> str:
        """The chosen labels, so a spreadsheet user edits words and the import reads them
        back; a choice whose label could be read as another choice (a label two choices
        share, one that is another choice's id, or one holding the separator) by its id."""
        labels = _readable_labels(spec)
        parts = []
        for choice in typed if isinstance(typed, tuple) else (str(typed),):
            parts.append(labels.get(choice, choice))
        return CHOICE_SEPARATOR.join(parts)

    def parse_cell(self, spec: CustomFieldSpec, text: str) -> TypedValue | None:
        if not text.strip():
            return None
        known = {cid for cid, _ in spec.choices}
        by_label = {label.casefold(): cid for cid, label in _readable_labels(spec).items()}
        shared = {label.casefold() for _, label in spec.choices} - by_label.keys()
        picked: list[str] = []
        for part in (p.strip() for p in text.split(CHOICE_SEPARATOR.strip())):
            if not part:
                continue
            # An id is itself; a label names a choice only when it names just one.
            choice = part if part in known else by_label.get(part.casefold(), part)
            if choice not in known:
                if part.casefold() in shared:
                    raise CellRefused(
                        f"{part[:40]!r} names more than one choice: give the choice's id"
                    )
                offered = ", ".join(label for _, label in spec.choices)
                raise CellRefused(f"{part[:40]!r} is not one of the choices ({offered})")
            if choice not in picked:
                picked.append(choice)
        if self.value_type == "single" and len(picked) > 1:
            raise CellRefused("only one choice may be given")
        return tuple(sorted(picked, key=lambda c: (len(c), c))) if picked else None


def _readable_labels(spec: CustomFieldSpec) -> dict[str, str]:
    """Choice id -> label, for the choices whose label reads back as that choice alone: a
    label no other choice shares (case aside), that is no other choice's id, and that holds
    no separator and no surrounding spaces."""
    ids = {cid.casefold() for cid, _ in spec.choices}
    seen: dict[str, int] = {}
    for _, label in spec.choices:
        seen[label.casefold()] = seen.get(label.casefold(), 0) + 1
    readable = {}
    for cid, label in spec.choices:
        key = label.casefold()
        if (
            label
            and label.strip() == label
            and CHOICE_SEPARATOR.strip() not in label
            and seen[key] == 1
            and key not in ids - {cid.casefold()}
        ):
            readable[cid] = label
    return readable


# A multiple choice of more than this many choices gets a box filtering them (static/js).
FILTER_CHOICES_OVER = 8


class ChoiceBoxes(forms.CheckboxSelectMultiple):
    """A multiple choice as checkboxes in a fieldset (the form draws it, legend and all):
    a plain click picks or unpicks one choice and leaves the others alone."""

    def __init__(self, *args: Any, filterable: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Whether the page offers a box that narrows a long list of choices.
        self.filterable = filterable


class MultiChoiceType(ChoiceType):
    value_type = "multi"

    def inputs(self, spec: CustomFieldSpec) -> dict[str, forms.Field]:
        return {
            input_name(spec): forms.MultipleChoiceField(
                label=spec.name,
                required=False,
                choices=spec.choices,
                help_text="Tick every choice that applies.",
                widget=ChoiceBoxes(filterable=len(spec.choices) > FILTER_CHOICES_OVER),
            )
        }

    def initial(self, spec: CustomFieldSpec, typed: TypedValue | None) -> dict[str, Any]:
        return {input_name(spec): list(typed)} if isinstance(typed, tuple) else {}

    def typed(self, spec: CustomFieldSpec, data: dict[str, Any]) -> TypedValue | None:
        value = data.get(input_name(spec))
        return tuple(value) if value else None


CUSTOM_TYPES: dict[str, CustomType] = {
    kind.value_type: kind
    for kind in (
        CustomType(),
        NumberType(),
        CurrencyType(),
        DateType(),
        ChoiceType(),
        MultiChoiceType(),
    )
}
_FALLBACK = CUSTOM_TYPES["string"]


def custom_type(spec: CustomFieldSpec) -> CustomType:
    """The one dispatch on a value type: a type the dashboard does not know filters as
    text (and has no input on the form: see `is_editable`)."""
    return CUSTOM_TYPES.get(spec.value_type, _FALLBACK)


def is_editable(spec: CustomFieldSpec) -> bool:
    return spec.value_type in CUSTOM_TYPES
