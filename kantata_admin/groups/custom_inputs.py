"""The custom field inputs of the group form: one per WorkspaceGroup custom field, fitting
its type (text, number, money with its currency, date picker, select, multi-select), filled
from the group's values and read back as typed values. An empty input clears the value.

The definitions are the cached ones the list's filter panel uses
(`selectors.group_custom_fields`). The browser's checks only help: each input is checked
here again, and Kantata's own 422 comes back on the input it concerns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core import signing

from kantata_admin.groups.changes import FieldValue, GroupValues, comparable
from kantata_admin.groups.field_specs import CustomFieldSpec
from kantata_admin.groups.filter_fields import DateInput
from kantata_admin.kantata import MalformedResponse, Money, TypedValue, typed_value

PREFIX = "custom_"
CURRENCY_SUFFIX = "_currency"
# The types the form has an input for; a field of another type is left off the form (and
# so never cleared by it).
EDITABLE_TYPES = frozenset({"string", "number", "currency", "date", "single", "multi"})
# The currency a new money value starts in; the member may type another ISO 4217 code.
DEFAULT_CURRENCY = "USD"
_ISO_CURRENCY = re.compile(r"[A-Za-z]{3}")
_SHOWN_SALT = "groups.form.custom-fields"


def shown_token(specs: Iterable[CustomFieldSpec]) -> str:
    """The custom fields a page shows, signed into the form: its save writes exactly these,
    with no second look-up of the definitions (and none that could fail), and a field the
    page did not show is never cleared."""
    data = [[s.id, s.name, s.value_type, [list(c) for c in s.choices], s.read_only] for s in specs]
    return signing.dumps(data, salt=_SHOWN_SALT, compress=True)


def shown_fields(token: str) -> tuple[CustomFieldSpec, ...]:
    """The custom fields of `shown_token`; raises signing.BadSignature when forged."""
    if not token:
        return ()
    return tuple(
        CustomFieldSpec(
            str(id_),
            str(name),
            str(kind),
            tuple((str(c), str(label)) for c, label in choices),
            read_only=str(read_only[0]) if read_only else "",
        )
        for id_, name, kind, choices, *read_only in signing.loads(token, salt=_SHOWN_SALT)
    )


def written_field_ids(specs: Iterable[CustomFieldSpec]) -> frozenset[str]:
    """The custom fields a save of this form writes: the ones the member may change."""
    return frozenset(spec.id for spec in specs if not spec.read_only)


def input_name(spec: CustomFieldSpec) -> str:
    """The form field of a custom field's value (the amount, for money)."""
    return f"{PREFIX}{spec.id}"


def currency_name(spec: CustomFieldSpec) -> str:
    return f"{input_name(spec)}{CURRENCY_SUFFIX}"


def editable(specs: Iterable[CustomFieldSpec]) -> tuple[CustomFieldSpec, ...]:
    return tuple(spec for spec in specs if spec.value_type in EDITABLE_TYPES)


def inputs_for(spec: CustomFieldSpec) -> dict[str, forms.Field]:
    """The form fields of one custom field; disabled, with the reason, when read-only."""
    inputs = _inputs_for(spec)
    if spec.read_only:
        for field in inputs.values():
            field.disabled = True
        inputs[input_name(spec)].help_text = spec.read_only
    return inputs


def _inputs_for(spec: CustomFieldSpec) -> dict[str, forms.Field]:
    name, label = input_name(spec), spec.name
    match spec.value_type:
        case "number":
            return {
                name: forms.DecimalField(
                    label=label, required=False, widget=forms.NumberInput(attrs={"step": "any"})
                )
            }
        case "currency":
            return {
                name: forms.DecimalField(
                    label=label,
                    required=False,
                    decimal_places=2,
                    widget=forms.NumberInput(attrs={"step": "0.01"}),
                ),
                currency_name(spec): forms.CharField(
                    label="Currency",
                    required=False,
                    max_length=3,
                    widget=forms.TextInput(
                        attrs={
                            # Shown beside the amount as "Currency"; read out in full.
                            "aria-label": f"{label}: currency",
                            "size": 3,
                            "autocomplete": "off",
                            "pattern": "[A-Za-z]{3}",
                        }
                    ),
                ),
            }
        case "date":
            return {name: forms.DateField(label=label, required=False, widget=DateInput())}
        case "single":
            choices = [("", "—"), *spec.choices]
            return {name: forms.ChoiceField(label=label, required=False, choices=choices)}
        case "multi":
            return {
                name: forms.MultipleChoiceField(
                    label=label,
                    required=False,
                    choices=spec.choices,
                    help_text="Hold Ctrl (⌘ on a Mac) to pick several or to unpick one.",
                    widget=forms.SelectMultiple(attrs={"size": min(max(len(spec.choices), 2), 6)}),
                )
            }
        case _:
            return {name: forms.CharField(label=label, required=False)}


def initial_for(specs: Iterable[CustomFieldSpec], values: GroupValues) -> dict[str, Any]:
    """The inputs filled with the group's values (money starts in DEFAULT_CURRENCY)."""
    initial: dict[str, Any] = {}
    for spec in specs:
        if spec.value_type == "currency":
            initial[currency_name(spec)] = DEFAULT_CURRENCY
        held = values.custom_values.get(spec.id)
        try:
            typed = typed_value(spec.value_type, held.value) if held else None
        except MalformedResponse:
            typed = None  # a value not of its field's type: the input starts empty
        match typed:
            case None:
                continue
            case Money():
                initial[input_name(spec)] = typed.amount
                initial[currency_name(spec)] = typed.currency
            case tuple() if spec.value_type == "single":
                initial[input_name(spec)] = typed[0]
            case tuple():
                initial[input_name(spec)] = list(typed)
            case _:
                initial[input_name(spec)] = typed
    return initial


def check(form: forms.Form, specs: Iterable[CustomFieldSpec]) -> None:
    """What one input cannot check alone: an amount needs its currency."""
    for spec in specs:
        if spec.value_type != "currency":
            continue
        amount = form.cleaned_data.get(input_name(spec))
        code = (form.cleaned_data.get(currency_name(spec)) or "").strip()
        if amount is not None and not _ISO_CURRENCY.fullmatch(code):
            form.add_error(currency_name(spec), "Give a three-letter currency code, such as USD.")


def _typed(spec: CustomFieldSpec, data: Mapping[str, Any]) -> TypedValue | None:
    value = data.get(input_name(spec))
    match spec.value_type:
        case "currency":
            if value is None:
                return None
            code = (data.get(currency_name(spec)) or "").strip().upper()
            return Money(cents=int(value * 100), currency=code)
        case "single":
            return (value,) if value else None
        case "multi":
            return tuple(value) if value else None
        case "string":
            return value.strip() or None
        case _:
            return value  # a Decimal, a date, or None when empty


def _display(spec: CustomFieldSpec, typed: TypedValue) -> str:
    """A typed value as the form's member reads it (Kantata's own display comes back in
    its answer and replaces this once saved)."""
    if isinstance(typed, tuple):
        labels = dict(spec.choices)
        return ", ".join(labels.get(choice, choice) for choice in typed)
    if isinstance(typed, Decimal):
        return format(typed.normalize(), "f")
    return str(typed)


def typed_values(
    specs: Iterable[CustomFieldSpec], data: Mapping[str, Any]
) -> dict[str, FieldValue]:
    """The values typed into a valid form's inputs, by field id; empty inputs are left out
    (their values are to be cleared)."""
    values = {}
    for spec in specs:
        if spec.read_only:
            continue  # never written: the save leaves it as Kantata holds it
        typed = _typed(spec, data)
        if typed is not None:
            values[spec.id] = FieldValue(
                comparable(typed), spec.name, _display(spec, typed), spec.value_type
            )
    return values


@dataclass(frozen=True)
class CustomInput:
    """One custom field on the form: its inputs (two for money), for the template."""

    spec: CustomFieldSpec
    fields: list[forms.BoundField]

    @property
    def is_money(self) -> bool:
        return self.spec.value_type == "currency"
