"""Plain typed records parsed from the API's JSON, with includes resolved.

Each record keeps its `raw` dict so callers can reach fields this module does not model.
Ids and id references are strings, whether the API sent a string or (as it does for some
references, such as a custom field value's `subject_id`) an integer: compare them as
strings. Timestamps are aware datetimes. The API answers a never-set text field with `null`
and a cleared one with `""`; both read as `""` (an empty reference as None).

Parsing is declared, not written per class: a field's type picks its converter, and a
field made with `included(...)` is resolved from the envelope's keyed objects.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Self

from .errors import MalformedResponse
from .typed_values import TypedValue, typed_value

Raw = Mapping[str, Any]


def parse_datetime(value: Any) -> datetime | None:
    """ISO 8601 to an aware datetime; a missing offset is read as UTC rather than guessed."""
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise MalformedResponse(f"{value!r} is not an ISO 8601 datetime") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def parse_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise MalformedResponse(f"{value!r} is not an ISO 8601 date") from None


def _strings(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise MalformedResponse(f"expected a list, got {type(value).__name__}")
    return tuple(str(item) for item in value)


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _reference(value: Any) -> str | None:
    # An id sent as 6300575 or "6300575"; null and "" both mean no reference.
    return None if value is None or value == "" else str(value)


# A field's annotation -> how to read it from the JSON value.
_CONVERTERS: dict[Any, Callable[[Any], Any]] = {
    str: lambda value: "" if value is None else str(value),
    str | None: _reference,
    bool: bool,
    bool | None: lambda value: None if value is None else bool(value),
    int | None: _int,
    datetime | None: parse_datetime,
    date | None: parse_date,
    tuple[str, ...]: lambda value: _strings(value) or (),
    tuple[str, ...] | None: _strings,
    Any: lambda value: value,
}


class Included:
    """Resolves `<assoc>_ids` on a record against the envelope's keyed objects."""

    def __init__(self, envelope: Raw) -> None:
        self._envelope = envelope
        self._by_subject: dict[str, dict[str, list[Raw]]] = {}

    def get(self, key: str, record_id: str) -> Raw | None:
        table = self._envelope.get(key)
        if not isinstance(table, Mapping):
            return None
        found = table.get(str(record_id))
        return found if isinstance(found, Mapping) else None

    def resolve[R: Record](self, cls: type[R], ids: tuple[str, ...] | None) -> tuple[R, ...] | None:
        if ids is None:
            return None
        # An id whose object the API left out (e.g. not visible to this user) is skipped.
        return tuple(
            cls.from_json(obj, self) for record_id in ids if (obj := self.get(cls.key, record_id))
        )

    def of_subject(self, key: str, subject_id: str) -> list[Raw]:
        """The included `key` objects whose `subject_id` is `subject_id` (int or string)."""
        index = self._by_subject.get(key)
        if index is None:
            index = self._by_subject[key] = {}
            table = self._envelope.get(key)
            for obj in table.values() if isinstance(table, Mapping) else ():
                if isinstance(obj, Mapping) and obj.get("subject_id") is not None:
                    index.setdefault(str(obj["subject_id"]), []).append(obj)
        return index.get(subject_id, [])


_NO_INCLUDES = Included({})


def included(ids_field: str, cls: type[Record]) -> Any:
    """A field holding the records named by `ids_field`; None when not requested."""
    return field(
        default=None,
        metadata={"read": lambda data, inc: inc.resolve(cls, _strings(data.get(ids_field)))},
    )


@dataclass(frozen=True, kw_only=True)
class Record:
    key: ClassVar[str]

    id: str
    raw: Raw = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Raw, included: Included = _NO_INCLUDES) -> Self:
        if not isinstance(data, Mapping) or data.get("id") is None:
            raise MalformedResponse(f"a {cls.key} record without an id")
        values: dict[str, Any] = {"id": str(data["id"]), "raw": data}
        for name, read in _readers(cls):
            values[name] = read(data, included)
        return cls(**values)


@functools.cache
def _readers(cls: type[Record]) -> tuple[tuple[str, Callable[[Raw, Included], Any]], ...]:
    hints = typing.get_type_hints(cls)
    readers = []
    for f in fields(cls):
        if f.name in ("id", "raw"):
            continue
        if "read" in f.metadata:
            readers.append((f.name, f.metadata["read"]))
        elif "parse" in f.metadata:
            readers.append((f.name, lambda d, inc, k=f.name, p=f.metadata["parse"]: p(d.get(k))))
        else:
            convert = _CONVERTERS[hints[f.name]]
            readers.append((f.name, lambda d, inc, k=f.name, c=convert: c(d.get(k))))
    return tuple(readers)


@dataclass(frozen=True, kw_only=True)
class WorkspaceStatus:
    color: str
    key: str
    message: str


def _status(value: Any) -> WorkspaceStatus | None:
    if not isinstance(value, Mapping):
        return None
    text = _CONVERTERS[str]
    return WorkspaceStatus(
        color=text(value.get("color")),
        key=text(value.get("key")),
        message=text(value.get("message")),
    )


@dataclass(frozen=True, kw_only=True)
class Workspace(Record):
    key: ClassVar[str] = "workspaces"

    title: str
    description: str
    account_id: str | None
    archived: bool
    access_level: str
    start_date: date | None
    due_date: date | None
    created_at: datetime | None
    updated_at: datetime | None
    # An embedded object, read by its own function.
    status: WorkspaceStatus | None = field(default=None, metadata={"parse": _status})
    workspace_group_ids: tuple[str, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class RateCardSet(Record):
    key: ClassVar[str] = "rate_card_sets"

    title: str
    account_default: bool
    active_currencies: tuple[str, ...]
    default_currencies: tuple[str, ...]
    destroyable: bool
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class ExternalReference(Record):
    key: ClassVar[str] = "external_references"

    service_name: str
    service_model: str
    service_model_ref: str
    subject_id: str | None
    subject_type: str | None
    status: str
    external_link: str
    external_message: str
    external_status: str
    locked: bool
    last_synced_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class CustomFieldChoice(Record):
    key: ClassVar[str] = "custom_field_choices"

    label: str
    position: int | None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # Only with include=custom_field (documented so); None otherwise.
    custom_field_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class CustomField(Record):
    key: ClassVar[str] = "custom_fields"

    name: str
    value_type: str
    subject_type: str | None
    # Who may see and change the field's values: an account-level permission name for
    # account-wide subjects such as groups (account_collaboration … account_admin).
    read_access: str | None = None
    write_access: str | None = None
    default_text: str = ""
    unique_constraint: bool | None = None
    values_count: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # Only with include=creator / include=custom_field_set.
    creator_id: str | None = None
    custom_field_set_id: str | None = None
    choice_ids: tuple[str, ...] | None = None
    choices: tuple[CustomFieldChoice, ...] | None = included("choice_ids", CustomFieldChoice)


@dataclass(frozen=True, kw_only=True)
class CustomFieldValue(Record):
    key: ClassVar[str] = "custom_field_values"

    subject_type: str
    subject_id: str
    custom_field_id: str
    custom_field_name: str
    # The field's value type (string, date, number, currency, single, multi); "" when the
    # answer leaves it out, and then `typed_value` goes by the value's JSON shape.
    type: str
    # As sent: "foo", "2014-02-25", 13, [99800, "USD"] (cents), [1, 2, 4] (choice ids).
    value: Any
    # As Kantata shows it, e.g. "998.00 USD" or "Gold, Silver".
    display_value: str
    account_id: str | None = None
    can_edit: bool | None = None
    setter_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def typed_value(self) -> TypedValue | None:
        """`value` as a str, date, Decimal, Money or tuple of choice ids; None when unset.
        Raises MalformedResponse when the value does not fit its type."""
        return typed_value(self.type, self.value)


def _group_values(data: Raw, included: Included) -> tuple[CustomFieldValue, ...]:
    ids = _strings(data.get("custom_field_value_ids"))
    if ids is not None:
        return included.resolve(CustomFieldValue, ids) or ()
    # An answer with the included values but no ids on the group: match them by subject.
    return tuple(
        CustomFieldValue.from_json(obj, included)
        for obj in included.of_subject(CustomFieldValue.key, str(data["id"]))
    )


@dataclass(frozen=True, kw_only=True)
class WorkspaceGroup(Record):
    key: ClassVar[str] = "workspace_groups"

    name: str
    notes: str
    company: bool
    contact_name: str
    email: str
    phone_number: str
    address: str
    website: str
    created_at: datetime | None
    updated_at: datetime | None
    # None unless the matching include was requested; then the ids and resolved records.
    workspace_ids: tuple[str, ...] | None = None
    rate_card_set_ids: tuple[str, ...] | None = None
    external_reference_ids: tuple[str, ...] | None = None
    custom_field_value_ids: tuple[str, ...] | None = None
    workspaces: tuple[Workspace, ...] | None = included("workspace_ids", Workspace)
    rate_card_sets: tuple[RateCardSet, ...] | None = included("rate_card_set_ids", RateCardSet)
    external_references: tuple[ExternalReference, ...] | None = included(
        "external_reference_ids", ExternalReference
    )
    # Filled when fetched with include=["custom_field_values"] from a service that answers
    # it (Kantata does not document it; see `custom_field_values_included`); else empty.
    custom_field_values: tuple[CustomFieldValue, ...] = field(
        default=(), metadata={"read": _group_values}
    )

    @property
    def custom_field_values_included(self) -> bool:
        """Whether the answer proved it holds this group's values: it listed their ids
        (a service that ignores the include leaves them out) and said which field each
        value is of. Otherwise `custom_field_values` means nothing: read them from
        `/custom_field_values`."""
        return self.custom_field_value_ids is not None and all(
            value.custom_field_id for value in self.custom_field_values
        )


@dataclass(frozen=True, kw_only=True)
class User(Record):
    key: ClassVar[str] = "users"

    full_name: str
    email_address: str
    headline: str
    photo_path: str | None
    account_id: str | None
    account_permission: str | None
    plan_type: str | None
