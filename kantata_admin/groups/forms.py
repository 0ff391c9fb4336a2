"""The create and edit form of a workspace group.

Browser checks (required, e-mail, URL, lengths) only help: every rule is checked here
again, and Kantata's own answer (a 422) is put back on the matching field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django import forms
from django.core import signing
from django.forms.utils import ErrorDict

from kantata_admin.groups import custom_inputs
from kantata_admin.groups.changes import GroupValues, ReferenceValues
from kantata_admin.groups.custom_inputs import CustomInput
from kantata_admin.groups.field_specs import CustomFieldSpec
from kantata_admin.groups.value_writes import WHOLE_FORM
from kantata_admin.kantata import ValidationFailed

REFERENCE_PREFIX = "external_reference_"
REFERENCE_REQUIRED = ("service_name", "service_model", "service_model_ref")
REFERENCE_STATUSES = [
    ("", "—"),
    ("pending", "Pending"),
    ("successful", "Successful"),
    ("failed", "Failed"),
]
_SNAPSHOT_SALT = "groups.edit.opened"
# Kantata's field names for the workspace lists: both belong to the one picker.
_WORKSPACE_FIELDS = {"add_workspace_ids", "remove_workspace_ids", "workspace_ids", "workspaces"}


class WorkspaceIdsField(forms.Field):
    """The ids of the picked workspaces (checkboxes named `workspaces`)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> frozenset[str]:
        ids = set()
        for item in value or ():
            text = str(item).strip()
            if not text.isdigit() or not 0 < int(text) < 2**63:
                raise forms.ValidationError("Pick workspaces from the search results.")
            ids.add(str(int(text)))
        return frozenset(ids)


class WorkspaceTitlesField(forms.Field):
    """`id:title` pairs that label the picked workspaces when the form comes back."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> dict[str, str]:
        titles = {}
        for item in value or ():
            workspace_id, _, title = str(item).partition(":")
            if workspace_id.isdigit():
                titles[workspace_id] = title[:255]
        return titles


def opened_snapshot(values: GroupValues, updated_at: datetime | None) -> str:
    """The version of the group the form shows, signed so it cannot be forged."""
    stamp = updated_at.isoformat() if updated_at else None
    return signing.dumps({"values": values.to_json(), "updated_at": stamp}, salt=_SNAPSHOT_SALT)


def _read_snapshot(token: str) -> tuple[GroupValues, datetime | None]:
    data = signing.loads(token, salt=_SNAPSHOT_SALT)
    stamp = data.get("updated_at")
    return GroupValues.from_json(data["values"]), datetime.fromisoformat(stamp) if stamp else None


class MultilineField(forms.CharField):
    """Text of several lines. Browsers send a textarea's line breaks as CRLF (HTML's form
    encoding) while Kantata keeps what was written, usually LF: without this, saving a form
    unchanged would rewrite every multi-line field and record it as a change."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n")


class GroupForm(forms.Form):
    name = forms.CharField(max_length=255)
    company = forms.BooleanField(label="This group is a company", required=False)
    notes = MultilineField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    contact_name = forms.CharField(label="Contact name", max_length=255, required=False)
    email = forms.EmailField(label="E-mail", max_length=255, required=False)
    phone_number = forms.CharField(label="Phone number", max_length=100, required=False)
    address = MultilineField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    website = forms.URLField(max_length=255, required=False, assume_scheme="https")
    workspaces = WorkspaceIdsField(required=False)
    workspace_titles = WorkspaceTitlesField(required=False)
    external_reference_service_name = forms.CharField(
        label="Service name", max_length=100, required=False
    )
    external_reference_service_model = forms.CharField(
        label="Service model", max_length=100, required=False
    )
    external_reference_service_model_ref = forms.CharField(
        label="Model ref", max_length=255, required=False
    )
    external_reference_external_link = forms.URLField(
        label="Link", max_length=500, required=False, assume_scheme="https"
    )
    external_reference_external_message = MultilineField(
        label="Message", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    external_reference_external_status = forms.CharField(
        label="External status", max_length=100, required=False
    )
    external_reference_status = forms.ChoiceField(
        label="Sync status", choices=REFERENCE_STATUSES, required=False
    )
    # Edit only: the version the member is editing (stale-edit guard).
    opened = forms.CharField(widget=forms.HiddenInput, required=False)
    # The custom fields the page showed inputs for, signed: only these are written.
    custom_fields_shown = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        editing: bool = False,
        custom_fields: Iterable[CustomFieldSpec] = (),
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.opened_values: GroupValues | None = None
        self.opened_updated_at: datetime | None = None
        self.forged_custom_fields = False
        if self.is_bound:
            # A posted form writes the custom fields its page showed, read from the page.
            try:
                custom_fields = custom_inputs.shown_fields(
                    str(self.data.get("custom_fields_shown", ""))
                )
            except (signing.BadSignature, TypeError, ValueError):
                custom_fields, self.forged_custom_fields = (), True
        specs = custom_inputs.editable(custom_fields)
        self.custom_fields = specs
        for spec in specs:
            self.fields.update(custom_inputs.inputs_for(spec))
        self.initial["custom_fields_shown"] = custom_inputs.shown_token(specs)

    @classmethod
    def for_group(
        cls,
        values: GroupValues,
        updated_at: datetime | None,
        custom_fields: Iterable[CustomFieldSpec] = (),
    ) -> GroupForm:
        """An edit form filled with the group as Kantata holds it now."""
        initial: dict[str, Any] = values.field_values()
        initial["workspaces"] = sorted(values.workspace_ids, key=int)
        initial["workspace_titles"] = dict(values.workspace_titles)
        for name, value in values.external_reference.__dict__.items():
            initial[REFERENCE_PREFIX + name] = value
        initial["opened"] = opened_snapshot(values, updated_at)
        custom_fields = custom_inputs.editable(custom_fields)
        initial |= custom_inputs.initial_for(custom_fields, values)
        return cls(initial=initial, editing=True, custom_fields=custom_fields)

    @classmethod
    def for_new(cls, custom_fields: Iterable[CustomFieldSpec] = ()) -> GroupForm:
        """An empty create form (money inputs start in the default currency)."""
        custom_fields = custom_inputs.editable(custom_fields)
        initial = custom_inputs.initial_for(custom_fields, GroupValues(name=""))
        return cls(initial=initial, custom_fields=custom_fields)

    # --- grouping for the template --------------------------------------------------

    def group_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("name", "company", "notes")]

    def contact_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("contact_name", "email", "phone_number", "address", "website")]

    def reference_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(REFERENCE_PREFIX)]

    def custom_field_inputs(self) -> list[CustomInput]:
        """The custom fields' inputs, by field name (two for money: amount, currency)."""
        return [
            CustomInput(spec, [self[name] for name in custom_inputs.inputs_for(spec)])
            for spec in self.custom_fields
        ]

    def picked_workspaces(self) -> list[tuple[str, str, bool]]:
        """(id, title, still picked) of every workspace the form knows of, so one that was
        unticked stays on screen and can be ticked again."""
        if self.is_bound:
            titles = self.fields["workspace_titles"].to_python(
                self.data.getlist("workspace_titles")
            )
            picked = set(self.data.getlist("workspaces"))
        else:
            titles = dict(self.initial.get("workspace_titles", {}))
            picked = set(self.initial.get("workspaces", ()))
        ids = sorted(set(titles) | {i for i in picked if i.isdigit()}, key=int)
        return [(i, titles.get(i) or f"Workspace #{i}", i in picked) for i in ids]

    def stored_name(self) -> str:
        """The group's name as Kantata held it when this edit form was opened (its signed
        version): the title and breadcrumb show it, so a rename Kantata refused does not
        read as saved. "" on a create form."""
        if not self.editing:
            return ""
        if self.opened_values is not None:
            return self.opened_values.name
        token = self.data.get("opened") if self.is_bound else self.initial.get("opened")
        try:
            return _read_snapshot(str(token or ""))[0].name
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return ""

    def unchecked(self) -> GroupForm:
        """This bound form shown as typed without its checks: a search, not a save."""
        self._errors = ErrorDict()
        self.cleaned_data = {}
        return self

    # --- validation -----------------------------------------------------------------

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the group a name.")
        return name

    def clean_opened(self) -> str:
        token = self.cleaned_data.get("opened", "")
        if not self.editing:
            return ""
        try:
            self.opened_values, self.opened_updated_at = _read_snapshot(token)
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise forms.ValidationError(
                "This form is out of date. Open the group again to edit it."
            ) from None
        return token

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        reference = {
            name: (cleaned.get(REFERENCE_PREFIX + name) or "").strip()
            for name in ReferenceValues.__dataclass_fields__
        }
        if any(reference.values()):
            for name in REFERENCE_REQUIRED:
                if not reference[name] and REFERENCE_PREFIX + name not in self.errors:
                    self.add_error(
                        REFERENCE_PREFIX + name,
                        "Service name, model and model ref are required together.",
                    )
        if self.editing and "opened" in self.errors:
            self.add_error(None, self.errors["opened"][0])
        custom_inputs.check(self, self.custom_fields)
        if self.forged_custom_fields:
            self.add_error(None, "This form is out of date. Open it again to save it.")
        return cleaned

    def values(self) -> GroupValues:
        """The typed group, once `is_valid()`."""
        data = self.cleaned_data
        reference = ReferenceValues(
            **{
                name: (data.get(REFERENCE_PREFIX + name) or "").strip()
                for name in ReferenceValues.__dataclass_fields__
            }
        )
        return GroupValues(
            name=data["name"],
            company=data["company"],
            notes=data["notes"],
            contact_name=data["contact_name"].strip(),
            email=data["email"],
            phone_number=data["phone_number"].strip(),
            address=data["address"],
            website=data["website"],
            workspace_ids=data["workspaces"],
            external_reference=reference,
            workspace_titles=data["workspace_titles"],
            custom_values=custom_inputs.typed_values(self.custom_fields, data),
            custom_field_ids=custom_inputs.written_field_ids(self.custom_fields),
        )

    def add_upstream_errors(self, error: ValidationFailed) -> None:
        """Put Kantata's 422 messages on the matching fields (`external_reference.*`
        included); the rest on the form."""
        for field, messages in error.field_errors.items():
            target = _form_field(field)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)

    def add_value_errors(self, refused: Mapping[str, list[str]]) -> None:
        """Kantata's 422s on custom values, each on its field's input (`WHOLE_FORM`, and a
        field no longer on the form, above the form)."""
        inputs = {spec.id: custom_inputs.input_name(spec) for spec in self.custom_fields}
        for field_id, messages in refused.items():
            target = inputs.get(field_id) if field_id != WHOLE_FORM else None
            for message in messages:
                self.add_error(target, message)


def _form_field(upstream: str) -> str | None:
    name = upstream.strip()
    if name in _WORKSPACE_FIELDS:
        return "workspaces"
    if name.startswith("external_reference."):
        return REFERENCE_PREFIX + name.removeprefix("external_reference.")
    if name.startswith("external_reference"):
        return REFERENCE_PREFIX + "service_name"
    return name if name in GroupForm.base_fields and name != "opened" else None


def draft_from(data: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """What the member typed, JSON-ready for the session (no CSRF token)."""
    return [(key, list(values)) for key, values in data.lists() if key != "csrfmiddlewaretoken"]
