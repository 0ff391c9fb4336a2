"""The filter sets of the listings: every documented filter of `GET /workspace_groups.json`
and those of `GET /workspaces.json` used here, with each endpoint's orders and includes,
and the query a listing sends (`group_params`, `workspace_params`).

Filters validate when built, so a caller's mistake raises `InvalidRequest` where it is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Literal, get_args

from .custom_value_filters import (
    ChoiceValue,
    CurrencyValue,
    DateRange,
    NumberValue,
    TextValue,
    encode_custom_values,
)
from .encoding import (
    IdLike,
    encode_bool,
    encode_datetime,
    encode_id,
    encode_id_list,
    encode_names,
    encode_order,
    encode_plain,
    encode_text,
)
from .errors import InvalidRequest

MAX_SERVICE_MODEL_REFS = 200

WorkspaceGroupOrder = Literal[
    "created_at:asc",
    "created_at:desc",
    "name:asc",
    "name:desc",
    "updated_at:asc",
    "updated_at:desc",
]
WORKSPACE_GROUP_ORDERS: frozenset[str] = frozenset(get_args(WorkspaceGroupOrder))
# custom_field_values: the official gem's specification; brings the page's values in the
# same answer (WorkspaceGroup.custom_field_values).
WORKSPACE_GROUP_INCLUDES = frozenset(
    {"workspaces", "rate_card_sets", "external_references", "custom_field_values"}
)

WORKSPACE_ORDERS = frozenset(
    f"{field}:{direction}"
    for field in ("created_at", "title", "updated_at")
    for direction in ("asc", "desc")
)
WORKSPACE_INCLUDES = frozenset({"workspace_groups"})

# The order `iter_all` walks in when the caller names none: creation time never changes, so
# an edit during the walk cannot move a record onto a page already read (or one not yet read).
STABLE_ORDER = "created_at:asc"


_CUSTOM_KINDS: dict[str, type] = {
    "by_custom_choice_value": ChoiceValue,
    "by_custom_currency_value": CurrencyValue,
    "by_custom_date_value": DateRange,
    "by_custom_number_value": NumberValue,
    "by_custom_text_value": TextValue,
}
_BOOLEANS = ("companies_only", "has_external_references")
_DATETIMES = ("created_after", "created_before", "updated_after", "updated_before")
_TEXTS = (
    "external_reference_external_message",
    "external_reference_external_status",
    "external_reference_service_model",
    "external_reference_service_name",
    "external_reference_status",
    "matching",
    "without_external_reference_service_name",
)


def _encode_service_model_refs(values: Iterable[IdLike]) -> str:
    name = "external_reference_service_model_refs"
    if isinstance(values, int | str):
        values = [values]
    refs = [encode_plain(encode_text(str(value), name=name), name=name) for value in values]
    if any("," in ref for ref in refs):
        raise InvalidRequest(f"{name}: an external id may not contain a comma")
    if not refs or len(refs) > MAX_SERVICE_MODEL_REFS:
        raise InvalidRequest(f"{name}: give 1 to {MAX_SERVICE_MODEL_REFS} external ids")
    return ",".join(refs)


@dataclass(frozen=True)
class WorkspaceGroupFilters:
    """Every documented filter of `GET /workspace_groups.json`; `None` leaves one unset.

    Custom-value fields take one value object or a sequence of them (several fields at once).
    """

    by_custom_choice_value: ChoiceValue | Sequence[ChoiceValue] | None = None
    by_custom_currency_value: CurrencyValue | Sequence[CurrencyValue] | None = None
    by_custom_date_value: DateRange | Sequence[DateRange] | None = None
    by_custom_number_value: NumberValue | Sequence[NumberValue] | None = None
    by_custom_text_value: TextValue | Sequence[TextValue] | None = None
    companies_only: bool | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    external_reference_external_message: str | None = None
    external_reference_external_status: str | None = None
    external_reference_service_model: str | None = None
    external_reference_service_model_ref: int | None = None
    external_reference_service_model_refs: Sequence[IdLike] | None = None
    external_reference_service_name: str | None = None
    external_reference_status: str | None = None
    has_external_references: bool | None = None
    has_value_for_custom_field_ids: Sequence[IdLike] | None = None
    matching: str | None = None
    only: Sequence[IdLike] | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    without_external_reference_service_name: str | None = None

    def __post_init__(self) -> None:
        # Fail at construction, where the caller's mistake is, not at request time.
        self.to_params()

    def to_params(self) -> dict[str, str]:
        """The query parameters, each in its documented syntax."""
        params: dict[str, str] = {}
        for name, kind in _CUSTOM_KINDS.items():
            value = getattr(self, name)
            if value is not None:
                params[name] = encode_custom_values(value, kind=kind, name=name)
        for name in _BOOLEANS:
            if (value := getattr(self, name)) is not None:
                params[name] = encode_bool(value, name=name)
        for name in _DATETIMES:
            if (value := getattr(self, name)) is not None:
                params[name] = encode_datetime(value, name=name)
        for name in _TEXTS:
            if (value := getattr(self, name)) is not None:
                params[name] = encode_text(value, name=name)
        if self.external_reference_service_model_ref is not None:
            params["external_reference_service_model_ref"] = encode_id(
                self.external_reference_service_model_ref,
                name="external_reference_service_model_ref",
            )
        if self.external_reference_service_model_refs is not None:
            params["external_reference_service_model_refs"] = _encode_service_model_refs(
                self.external_reference_service_model_refs
            )
        if self.has_value_for_custom_field_ids is not None:
            params["has_value_for_custom_field_ids"] = encode_id_list(
                self.has_value_for_custom_field_ids, name="has_value_for_custom_field_ids"
            )
        if self.only is not None:
            params["only"] = encode_id_list(self.only, name="only")
        return params

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> WorkspaceGroupFilters:
        """Build from a dict (e.g. cleaned form data), ignoring keys set to None."""
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise InvalidRequest(f"unknown workspace group filters: {', '.join(sorted(unknown))}")
        return cls(**{key: value for key, value in values.items() if value is not None})


@dataclass(frozen=True)
class WorkspaceFilters:
    """Filters of `GET /workspaces.json` used here: by group, by name, by search text."""

    workspace_groups: Sequence[IdLike] | None = None
    matching: str | None = None
    search: str | None = None
    only: Sequence[IdLike] | None = None
    include_archived: bool | None = None

    def __post_init__(self) -> None:
        self.to_params()

    def to_params(self) -> dict[str, str]:
        params: dict[str, str] = {}
        if self.workspace_groups is not None:
            params["workspace_groups"] = encode_id_list(
                self.workspace_groups, name="workspace_groups"
            )
        for name in ("matching", "search"):
            if (value := getattr(self, name)) is not None:
                params[name] = encode_text(value, name=name)
        if self.only is not None:
            params["only"] = encode_id_list(self.only, name="only")
        if self.include_archived is not None:
            params["include_archived"] = encode_bool(self.include_archived, name="include_archived")
        return params


def shape_params(
    filters: WorkspaceGroupFilters | WorkspaceFilters | None = None,
    *,
    include: Iterable[str] = (),
    allowed_includes: frozenset[str],
    order: str | None = None,
    allowed_orders: frozenset[str] = frozenset(),
    optional_fields: Iterable[str] = (),
) -> dict[str, str]:
    """Filters plus `include`, `order` and `optional_fields`, each checked against what the
    endpoint documents (optional fields are not listed, and unknown ones are ignored)."""
    params = filters.to_params() if filters is not None else {}
    if include := encode_names(include, name="include", allowed=allowed_includes):
        params["include"] = include
    if order is not None:
        params["order"] = encode_order(order, allowed=allowed_orders)
    if optional := encode_names(optional_fields, name="optional_fields", allowed=None):
        params["optional_fields"] = optional
    return params


def group_params(
    filters: WorkspaceGroupFilters | None = None,
    *,
    include: Iterable[str] = (),
    order: WorkspaceGroupOrder | str | None = None,
    optional_fields: Iterable[str] = (),
) -> dict[str, str]:
    """Query parameters of a workspace group listing, show or write."""
    return shape_params(
        filters,
        include=include,
        allowed_includes=WORKSPACE_GROUP_INCLUDES,
        order=order,
        allowed_orders=WORKSPACE_GROUP_ORDERS,
        optional_fields=optional_fields,
    )


def workspace_params(
    filters: WorkspaceFilters | None = None,
    *,
    include: Iterable[str] = (),
    order: str | None = None,
) -> dict[str, str]:
    """Query parameters of a workspace listing."""
    return shape_params(
        filters,
        include=include,
        allowed_includes=WORKSPACE_INCLUDES,
        order=order,
        allowed_orders=WORKSPACE_ORDERS,
    )
