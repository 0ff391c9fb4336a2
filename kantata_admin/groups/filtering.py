"""The filter panel of the group list, and its one mapping to the API's query.

`GroupFilterForm` holds every filter Kantata OX offers for workspace groups (custom-field
filters built from the account's WorkspaceGroup custom fields) plus the list's own options
(sort, page, page size, includes, extra columns). `GroupFilterForm.query()` turns a valid
form into a `ListQuery`: what the table, the export and the API call all read from, so a
value the form refuses never reaches Kantata.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from kantata_admin.groups import column_layout
from kantata_admin.groups.custom_types import custom_type
from kantata_admin.groups.field_specs import CustomFieldSpec
from kantata_admin.groups.filter_fields import (
    MAX_REFS,
    ColumnKeysField,
    DateTimeLocalInput,
    ExternalIdListField,
    IdListField,
    KnownChoicesField,
)
from kantata_admin.kantata import (
    InvalidRequest,
    WorkspaceGroupFilters,
)

PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 20
DEFAULT_ORDER = "name:asc"
ORDER_CHOICES = (
    ("name:asc", "Name, A to Z"),
    ("name:desc", "Name, Z to A"),
    ("created_at:desc", "Newest first"),
    ("created_at:asc", "Oldest first"),
    ("updated_at:desc", "Recently updated"),
    ("updated_at:asc", "Least recently updated"),
)
INCLUDE_CHOICES = (
    ("workspaces", "Workspaces"),
    ("rate_card_sets", "Rate card sets"),
    ("external_references", "External references"),
)
# What the API documents for external_reference_status ("successful or fail"); records say
# "failed", and the API reads "fail" as that.
REFERENCE_STATUS_CHOICES = (
    ("", "Any"),
    ("successful", "Successful"),
    ("fail", "Failed"),
    ("pending", "Pending"),
)

# The form fields that are list options rather than filters (they never narrow the list).
OPTION_NAMES = ("order", "per_page", "page", "include", "columns")


def _when(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=False, widget=DateTimeLocalInput())


@dataclass(frozen=True)
class ListQuery:
    """One list request: the filters plus how to show them."""

    filters: WorkspaceGroupFilters
    order: str
    page: int
    per_page: int
    includes: tuple[str, ...]
    # Custom fields shown as columns (their values come in the same call).
    columns: tuple[CustomFieldSpec, ...]
    # The keys of the columns shown, in order (column_layout.resolve: never empty).
    layout: tuple[str, ...]

    @property
    def api_includes(self) -> tuple[str, ...]:
        return self.includes + (("custom_field_values",) if self.columns else ())

    @property
    def is_filtered(self) -> bool:
        return bool(self.filters.to_params())


@dataclass(frozen=True)
class FilterSection:
    """A fold of the filter panel; open when one of its fields holds a value or an error."""

    title: str
    fields: list[forms.BoundField]
    is_open: bool


# The filter panel's folds, by field name; custom-field filters get a fold of their own.
DATE_FILTERS = ("created_after", "created_before", "updated_after", "updated_before")
REFERENCE_FILTERS = (
    "has_external_references",
    "external_reference_service_name",
    "external_reference_service_model",
    "external_reference_service_model_ref",
    "external_reference_service_model_refs",
    "external_reference_status",
    "external_reference_external_status",
    "external_reference_external_message",
    "without_external_reference_service_name",
)
# The plain (not custom-value) filters, by their API names, which are also the form's names.
WORKSPACE_GROUP_FILTER_NAMES = (
    "matching",
    "companies_only",
    *DATE_FILTERS,
    "only",
    *REFERENCE_FILTERS,
    "has_value_for_custom_field_ids",
)
SECTIONS = (
    ("Dates", DATE_FILTERS),
    ("External references", REFERENCE_FILTERS),
    ("Group ids", ("only",)),
)


@dataclass(frozen=True)
class CustomFilter:
    """The form fields of one custom field's filter, for the template to lay out."""

    spec: CustomFieldSpec
    names: tuple[str, ...]


class GroupFilterForm(forms.Form):
    """A plain GET form: every filter of `GET /workspace_groups.json` and the list options."""

    matching = forms.CharField(
        label="Name contains",
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    companies_only = forms.BooleanField(label="Companies only", required=False)
    created_after = _when("Created after")
    created_before = _when("Created before")
    updated_after = _when("Updated after")
    updated_before = _when("Updated before")
    only = IdListField(label="Group ids", required=False, limit=MAX_REFS)
    has_external_references = forms.TypedChoiceField(
        label="Has external references",
        required=False,
        choices=(("", "Either"), ("true", "Yes"), ("false", "No")),
        coerce=lambda value: value == "true",
        empty_value=None,
    )
    external_reference_service_name = forms.CharField(
        label="Integration (service name)", required=False, max_length=100
    )
    external_reference_service_model = forms.CharField(
        label="External object type (service model)", required=False, max_length=100
    )
    external_reference_service_model_ref = forms.IntegerField(
        label="External id", required=False, min_value=1, max_value=2**31 - 1
    )
    external_reference_service_model_refs = ExternalIdListField(
        label="External ids",
        required=False,
        help_text=f"Up to {MAX_REFS}, separated by commas.",
    )
    external_reference_status = forms.ChoiceField(
        label="Integration status", required=False, choices=REFERENCE_STATUS_CHOICES
    )
    external_reference_external_status = forms.CharField(
        label="Status in the external system", required=False, max_length=100
    )
    external_reference_external_message = forms.CharField(
        label="External message", required=False, max_length=500
    )
    without_external_reference_service_name = forms.CharField(
        label="Without a reference from (service name)", required=False, max_length=100
    )
    has_value_for_custom_field_ids = forms.MultipleChoiceField(
        label="Has a value for", required=False, widget=forms.CheckboxSelectMultiple
    )

    order = forms.ChoiceField(label="Sort by", required=False, choices=ORDER_CHOICES)
    per_page = forms.TypedChoiceField(
        label="Per page",
        required=False,
        choices=[(size, str(size)) for size in PAGE_SIZES],
        coerce=int,
        empty_value=DEFAULT_PAGE_SIZE,
    )
    page = forms.IntegerField(
        required=False, min_value=1, max_value=10**6, widget=forms.HiddenInput
    )
    # The columns are chosen in the list's column chooser; the panel carries them along.
    include = KnownChoicesField(
        label="Show",
        required=False,
        choices=INCLUDE_CHOICES,
        widget=forms.MultipleHiddenInput,
    )
    columns = ColumnKeysField(label="Columns", required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        custom_fields: Sequence[CustomFieldSpec] = (),
        remembered_columns: Sequence[str] | None = None,
    ) -> None:
        super().__init__(data, label_suffix="")
        self.custom_fields = tuple(custom_fields)
        # The member's own layout, shown when the query names none.
        self.remembered_columns = remembered_columns
        field_choices = [(spec.id, spec.name) for spec in self.custom_fields]
        self.fields["has_value_for_custom_field_ids"].choices = field_choices
        self.custom_filters = tuple(self._add_custom_filter(spec) for spec in self.custom_fields)

    # --- building ----------------------------------------------------------------------

    def _add_custom_filter(self, spec: CustomFieldSpec) -> CustomFilter:
        added = custom_type(spec).filter_fields(spec)
        self.fields.update(added)
        return CustomFilter(spec=spec, names=tuple(added))

    # --- validation --------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._check_range("created_after", "created_before")
        self._check_range("updated_after", "updated_before")
        for spec in self.custom_fields:
            custom_type(spec).check_filter(self, spec)
        if not self.errors:
            try:
                # Built once: `query()` sends what was checked here.
                self._checked_filters = self._filters()
            except InvalidRequest as error:
                # A last guard: the client's encoders refuse what the fields let through.
                raise ValidationError(f"This filter cannot be sent: {error}") from error
        return cleaned

    def _check_range(self, start_name: str, end_name: str) -> None:
        start, end = self.cleaned_data.get(start_name), self.cleaned_data.get(end_name)
        if start is not None and end is not None and start > end:
            self.add_error(end_name, "This is before the start of the range.")

    # --- the query ---------------------------------------------------------------------

    def _custom_values(self) -> Iterator[tuple[str, Any]]:
        for spec in self.custom_fields:
            if (value := custom_type(spec).filter_value(spec, self.cleaned_data)) is not None:
                yield value

    def _filters(self) -> WorkspaceGroupFilters:
        data = self.cleaned_data
        values: dict[str, Any] = {}
        for name in WORKSPACE_GROUP_FILTER_NAMES:
            value = data.get(name)
            if isinstance(value, str):
                value = value.strip()
            # Unticked "companies only" means every group, not "only non-companies".
            if value in (None, "", []) or (name == "companies_only" and not value):
                continue
            values[name] = value
        custom: dict[str, list[Any]] = {}
        for kind, value in self._custom_values():
            custom.setdefault(kind, []).append(value)
        values.update({kind: tuple(items) for kind, items in custom.items()})
        return WorkspaceGroupFilters.from_mapping(values)

    def query(self) -> ListQuery:
        """The list request this valid form describes."""
        data = self.cleaned_data
        layout = column_layout.resolve(
            data.get("columns") or (),
            includes=data.get("include") or (),
            custom_ids=[spec.id for spec in self.custom_fields],
            remembered=self.remembered_columns,
        )
        by_key = {column_layout.custom_key(spec.id): spec for spec in self.custom_fields}
        return ListQuery(
            filters=self._checked_filters,
            order=data.get("order") or DEFAULT_ORDER,
            page=data.get("page") or 1,
            per_page=data.get("per_page") or DEFAULT_PAGE_SIZE,
            includes=column_layout.includes_of(layout),
            columns=tuple(by_key[key] for key in layout if key in by_key),
            layout=layout,
        )

    # --- what the template shows -------------------------------------------------------

    def _section(self, title: str, names: Sequence[str]) -> FilterSection:
        bound = [self[name] for name in names]
        used = self.is_bound and any(
            self.data.getlist(name) not in ([], [""]) or self.errors.get(name) for name in names
        )
        return FilterSection(title, bound, bool(used))

    def sections(self) -> list[FilterSection]:
        """The folds of the filter panel, in order."""
        sections = [self._section(title, names) for title, names in SECTIONS]
        if self.custom_fields:
            names = ["has_value_for_custom_field_ids"]
            names += [name for custom in self.custom_filters for name in custom.names]
            sections.append(self._section("Custom fields", names))
        return sections

    def error_fields(self) -> list[forms.BoundField]:
        """The fields whose error slots the results fragment refreshes (all but the hidden
        ones: the page, and the columns the chooser sets, which are never refused)."""
        return [field for field in self if field.name not in ("page", "include", "columns")]
