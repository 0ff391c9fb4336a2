"""The custom field inputs of the group form: one per WorkspaceGroup custom field, fitting
its type (text, number, money with its currency, date picker, select, multi-select), filled
from the group's values and read back as typed values. An empty input clears the value.

The definitions are the cached ones the list's filter panel uses
(`selectors.group_custom_fields`). The browser's checks only help: each input is checked
here again, and Kantata's own 422 comes back on the input it concerns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core import signing

from kantata_admin.groups.changes import FieldValue, GroupValues, comparable
from kantata_admin.groups.custom_types import (
    custom_type,
    input_name,
    is_editable,
)
from kantata_admin.groups.field_specs import CustomFieldSpec
from kantata_admin.kantata import MalformedResponse, typed_value

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


def currency_name(spec: CustomFieldSpec) -> str:
    return input_name(spec, "currency")


def editable(specs: Iterable[CustomFieldSpec]) -> tuple[CustomFieldSpec, ...]:
    """The fields the form has an input for (the registry's types); a field of another
    type is left off the form, and so never cleared by it."""
    return tuple(spec for spec in specs if is_editable(spec))


def inputs_for(spec: CustomFieldSpec) -> dict[str, forms.Field]:
    """The form fields of one custom field; disabled, with the reason, when read-only."""
    inputs = custom_type(spec).inputs(spec)
    if spec.read_only:
        for field in inputs.values():
            field.disabled = True
        inputs[input_name(spec)].help_text = spec.read_only
    return inputs


def initial_for(specs: Iterable[CustomFieldSpec], values: GroupValues) -> dict[str, Any]:
    """The inputs filled with the group's values (money starts in DEFAULT_CURRENCY)."""
    initial: dict[str, Any] = {}
    for spec in specs:
        held = values.custom_values.get(spec.id)
        try:
            typed = typed_value(spec.value_type, held.value) if held else None
        except MalformedResponse:
            typed = None  # a value not of its field's type: the input starts empty
        initial |= custom_type(spec).initial(spec, typed)
    return initial


def check(form: forms.Form, specs: Iterable[CustomFieldSpec]) -> None:
    """What one input cannot check alone (an amount needs its currency)."""
    for spec in specs:
        custom_type(spec).check_inputs(form, spec)


def typed_values(
    specs: Iterable[CustomFieldSpec], data: Mapping[str, Any]
) -> dict[str, FieldValue]:
    """The values typed into a valid form's inputs, by field id; empty inputs are left out
    (their values are to be cleared)."""
    values = {}
    for spec in specs:
        if spec.read_only:
            continue  # never written: the save leaves it as Kantata holds it
        kind = custom_type(spec)
        typed = kind.typed(spec, data)
        if typed is not None:
            values[spec.id] = FieldValue(
                comparable(typed), spec.name, kind.display(spec, typed), spec.value_type
            )
    return values


@dataclass(frozen=True)
class CustomInput:
    """One custom field on the form: its inputs (two for money), for the template."""

    spec: CustomFieldSpec
    fields: list[forms.BoundField]

    @property
    def is_money(self) -> bool:
        return custom_type(self.spec).has_currency
