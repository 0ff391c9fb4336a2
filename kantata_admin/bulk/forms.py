"""The action form: first the action, then only the inputs that action needs."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from kantata_admin.bulk.actions import ACTIONS, FIELD_LABELS
from kantata_admin.bulk.changes import BULK_FIELDS
from kantata_admin.groups.field_specs import CustomFieldSpec

CURRENCY = re.compile(r"^\s*(-?[\d,]+(?:\.\d{1,2})?)\s*([A-Za-z]{3})\s*$")


class ActionChoiceForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("", "Choose…")] + [(a.name, a.label) for a in ACTIONS.values()]
    )


class BulkActionForm(forms.Form):
    """The values of one action; built with only the inputs that action needs."""

    def __init__(
        self, data: Any = None, *, action: str, custom_fields: tuple[CustomFieldSpec, ...] = ()
    ) -> None:
        super().__init__(data, label_suffix="")
        self.action = action
        self.custom_fields = {spec.id: spec for spec in custom_fields}
        needs = ACTIONS[action].needs
        field_choices = [(name, FIELD_LABELS[name].capitalize()) for name in BULK_FIELDS]
        custom_choices = [(spec.id, spec.name) for spec in custom_fields]
        if "field" in needs:
            self.fields["field"] = forms.ChoiceField(label="Field", choices=field_choices)
        if "workspace_id" in needs:
            self.fields["workspace_id"] = forms.RegexField(
                label="Workspace id", regex=r"^\d{1,18}$", help_text="The workspace's number."
            )
        if "field_id" in needs:
            self.fields["field_id"] = forms.ChoiceField(
                label="Custom field", choices=custom_choices
            )
        if "value" in needs:
            self.fields["value"] = forms.CharField(
                label="New value",
                required=False,
                max_length=500,
                help_text=(
                    "Company: yes or no. Currency: amount and code (1250.00 USD). Date: "
                    "YYYY-MM-DD. Choices: the choice ids, separated by commas."
                    if action == "set_custom" or action == "set_field"
                    else ""
                ),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.action == "set_custom" and "field_id" in data:
            spec = self.custom_fields[data["field_id"]]
            data["value"] = self._custom_value(spec, data.get("value") or "")
        return data

    def _custom_value(self, spec: CustomFieldSpec, text: str) -> Any:
        text = text.strip()
        if not text:
            raise forms.ValidationError({"value": "Give a value, or choose Clear a custom field."})
        if spec.value_type == "currency":
            match = CURRENCY.match(text)
            if not match:
                raise forms.ValidationError({"value": "An amount and a code, e.g. 1250.00 USD."})
            try:
                cents = int(Decimal(match[1].replace(",", "")) * 100)
            except InvalidOperation:
                raise forms.ValidationError({"value": "Not an amount."}) from None
            return [cents, match[2].upper()]
        if spec.value_type in ("single", "multi"):
            labels = {label.casefold(): cid for cid, label in spec.choices}
            ids = [labels.get(part.strip().casefold(), part.strip()) for part in text.split(",")]
            known = {cid for cid, _ in spec.choices}
            if (
                not ids
                or any(i not in known for i in ids)
                or (spec.value_type == "single" and len(ids) != 1)
            ):
                names = ", ".join(f"{label} ({cid})" for cid, label in spec.choices)
                raise forms.ValidationError({"value": f"Choose from: {names}."})
            return [int(i) for i in ids]
        return text

    def values(self) -> dict[str, Any]:
        """The job's values: the cleaned inputs, with a custom field's type and name."""
        values = {name: self.cleaned_data.get(name) for name in self.fields}
        if "field_id" in values:
            spec = self.custom_fields[values["field_id"]]
            values["value_type"] = spec.value_type
            values["field_name"] = spec.name
            values["field_names"] = {spec.id: spec.name}
        return values
