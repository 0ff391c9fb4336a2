"""Typed query arguments and one encoder per documented query syntax.

Everything is validated when the value is built or encoded, so a bad argument raises
`InvalidRequest` (a `ValueError`) before any request leaves the process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from .errors import InvalidRequest

IdLike = int | str
Number = int | float | Decimal | str

MAX_PER_PAGE = 200
MAX_SERVICE_MODEL_REFS = 200

WORKSPACE_GROUP_ORDERS = frozenset(
    f"{field}:{direction}"
    for field in ("created_at", "name", "updated_at")
    for direction in ("asc", "desc")
)
WorkspaceGroupOrder = Literal[
    "created_at:asc",
    "created_at:desc",
    "name:asc",
    "name:desc",
    "updated_at:asc",
    "updated_at:desc",
]
WORKSPACE_GROUP_INCLUDES = frozenset({"workspaces", "rate_card_sets", "external_references"})

_ID = re.compile(r"[1-9][0-9]*")
_ISO_CURRENCY = re.compile(r"[A-Z]{3}")
# These characters delimit the custom-value syntax; a value holding one cannot be encoded.
_SYNTAX_CHARS = frozenset(":;()")


# --- scalar encoders -------------------------------------------------------------------


def encode_id(value: IdLike, *, name: str) -> str:
    """A positive integer id, given as int or digit string."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidRequest(f"{name}: expected an id, got {type(value).__name__}")
    text = str(value).strip()
    if not _ID.fullmatch(text):
        raise InvalidRequest(f"{name}: {value!r} is not a positive integer id")
    return text


def encode_id_list(values: Iterable[IdLike], *, name: str, limit: int | None = None) -> str:
    """Comma-separated ids (`only`, `has_value_for_custom_field_ids`, ...)."""
    if isinstance(values, int | str):
        values = [values]
    encoded = [encode_id(value, name=name) for value in values]
    if not encoded:
        raise InvalidRequest(f"{name}: give at least one id")
    if limit is not None and len(encoded) > limit:
        raise InvalidRequest(f"{name}: at most {limit} ids, got {len(encoded)}")
    return ",".join(encoded)


def encode_bool(value: bool, *, name: str) -> str:
    """`true` / `false`; truthy non-booleans are refused rather than guessed."""
    if not isinstance(value, bool):
        raise InvalidRequest(f"{name}: expected True or False, got {value!r}")
    return "true" if value else "false"


def encode_datetime(value: datetime, *, name: str) -> str:
    """ISO 8601 with offset. Naive datetimes are refused: the server's zone is unknown."""
    if not isinstance(value, datetime):
        raise InvalidRequest(f"{name}: expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidRequest(f"{name}: datetime must be timezone-aware")
    return value.isoformat()


def encode_text(value: str, *, name: str) -> str:
    """A free-text argument (`matching`, external reference fields)."""
    if not isinstance(value, str):
        raise InvalidRequest(f"{name}: expected text, got {type(value).__name__}")
    if not value.strip():
        raise InvalidRequest(f"{name}: must not be blank")
    return value


def encode_number(value: Number, *, name: str) -> str:
    """A finite decimal number in plain notation (no exponent, which the API cannot parse)."""
    if isinstance(value, bool):
        raise InvalidRequest(f"{name}: expected a number, got a boolean")
    if isinstance(value, int):
        return str(value)
    try:
        number = Decimal(str(value).strip()) if isinstance(value, str | float) else value
    except ArithmeticError:
        raise InvalidRequest(f"{name}: {value!r} is not a number") from None
    if not isinstance(number, Decimal) or not number.is_finite():
        raise InvalidRequest(f"{name}: {value!r} is not a finite number")
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def encode_names(values: Iterable[str], *, name: str, allowed: frozenset[str] | None) -> str:
    """Comma-separated names (`include`, `optional_fields`)."""
    if isinstance(values, str):
        values = [values]
    names = []
    for value in values:
        if not isinstance(value, str) or not re.fullmatch(r"[a-z_]+", value):
            raise InvalidRequest(f"{name}: {value!r} is not a valid name")
        if allowed is not None and value not in allowed:
            raise InvalidRequest(f"{name}: {value!r} is not one of {', '.join(sorted(allowed))}")
        if value not in names:
            names.append(value)
    return ",".join(names)


def encode_order(value: str, *, allowed: frozenset[str] = WORKSPACE_GROUP_ORDERS) -> str:
    """`field:direction`, one of the endpoint's documented values."""
    normalized = value.strip().lower() if isinstance(value, str) else ""
    if normalized not in allowed:
        raise InvalidRequest(f"order: {value!r} is not one of {', '.join(sorted(allowed))}")
    return normalized


def encode_page(page: int, per_page: int) -> dict[str, str]:
    """`page` (from 1) and `per_page` (1 to 200)."""
    for name, number in (("page", page), ("per_page", per_page)):
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise InvalidRequest(f"{name}: expected a positive integer, got {number!r}")
    if per_page > MAX_PER_PAGE:
        raise InvalidRequest(f"per_page: at most {MAX_PER_PAGE}, got {per_page}")
    return {"page": str(page), "per_page": str(per_page)}


def encode_window(limit: int, offset: int) -> dict[str, str]:
    """`limit` (1 to 200, as per_page) and `offset` (from 0); they override page/per_page."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PER_PAGE:
        raise InvalidRequest(f"limit: expected 1 to {MAX_PER_PAGE}, got {limit!r}")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise InvalidRequest(f"offset: expected a non-negative integer, got {offset!r}")
    return {"limit": str(limit), "offset": str(offset)}


# --- custom field values -----------------------------------------------------------------


def _plain(value: str, *, name: str) -> str:
    if any(char in _SYNTAX_CHARS for char in value):
        raise InvalidRequest(f"{name}: {value!r} may not contain any of : ; ( )")
    return value


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
            if not isinstance(self.currency, str) or not _ISO_CURRENCY.fullmatch(self.currency):
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
        return f"{field_id}:{_plain(encode_text(self.value, name=name), name=name)}"


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


# --- the workspace group filter set ------------------------------------------------------

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
    refs = [_plain(encode_text(str(value), name=name), name=name) for value in values]
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
