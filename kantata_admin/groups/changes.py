"""A workspace group's writable values, and the difference between two of them.

One place for what the edit form shows, what an update sends, what the stale-edit guard
compares and what the audit log records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from kantata_admin.kantata import (
    GROUP_TEXT_FIELDS,
    GROUP_VALUE_FIELDS,
    CustomFieldValue,
    ExternalReference,
    ExternalReferenceInput,
    MalformedResponse,
    TypedValue,
    WorkspaceGroup,
    json_value,
    typed_value,
)

# In the order the form shows them: the client's declaration of a group's writable values.
TEXT_FIELDS = GROUP_TEXT_FIELDS
GROUP_FIELDS = GROUP_VALUE_FIELDS
# What a group is fetched with whenever the dashboard is about to change it: its values come
# in the same call, so the check before a save costs nothing more.
EDIT_INCLUDES = ("workspaces", "external_references", "custom_field_values")
# What a save reads and writes with: the edit's includes and the rest of what the group's
# page shows, so that page is drawn from the save's own answer, with no read after it.
SAVE_INCLUDES = (*EDIT_INCLUDES, "rate_card_sets")


def _text(value: Any) -> str:
    # Kantata answers a never-set field with null and a cleared one with "": both are empty.
    return "" if value is None else str(value)


@dataclass(frozen=True)
class ReferenceValues:
    """The external reference the form edits (an integration's link to the group)."""

    service_name: str = ""
    service_model: str = ""
    service_model_ref: str = ""
    external_link: str = ""
    external_message: str = ""
    external_status: str = ""
    status: str = ""

    @classmethod
    def from_record(cls, record: ExternalReference) -> ReferenceValues:
        return cls(**{f.name: _text(getattr(record, f.name)) for f in fields(cls)})

    @property
    def key(self) -> tuple[str, str, str]:
        # Kantata updates the reference with the same service, model and ref in place.
        return (self.service_name, self.service_model, self.service_model_ref)

    def __bool__(self) -> bool:
        return any(asdict(self).values())

    def __str__(self) -> str:
        text = "/".join(self.key)
        return f"{text} ({self.status})" if self.status else text

    def as_input(self) -> ExternalReferenceInput:
        # Empty optional fields are not sent, so they do not wipe what Kantata holds.
        return ExternalReferenceInput(**{k: v or None for k, v in asdict(self).items()})


def comparable(value: TypedValue) -> Any:
    """A typed custom field value in its JSON form, choices in id order, so that equal
    values compare equal (13 and 13.0000, the same choices picked in another order)."""
    data = json_value(value)
    return sorted(data) if isinstance(value, tuple) else data


@dataclass(frozen=True)
class FieldValue:
    """One custom field's value on a group: `value` (its JSON form) is what is compared;
    `name` and `display` (as Kantata displays it) label it in the audit log and on pages."""

    value: Any
    name: str = field(default="", compare=False)
    display: str = field(default="", compare=False)
    # The field's value type (string, number, currency, date, single, multi; "" unknown).
    type: str = field(default="", compare=False)

    @property
    def typed(self) -> TypedValue | None:
        """The value as the client writes it (text, Decimal, Money, date, choice ids)."""
        return typed_value(self.type, self.value)

    @classmethod
    def from_record(cls, record: CustomFieldValue) -> FieldValue | None:
        """The value Kantata holds, or None when it is empty."""
        try:
            typed = record.typed_value
        except MalformedResponse:
            # A value of a type this dashboard does not know: compared as Kantata sent it.
            typed, value = record.value, record.value
        else:
            if typed is None:
                return None
            value = comparable(typed)
        display = record.display_value or str(typed)
        return cls(value, record.custom_field_name, display, record.type)


@dataclass(frozen=True)
class GroupValues:
    """What a member can set on a group. Workspaces are ids; `workspace_titles` only labels
    them for display and for the audit log."""

    name: str
    company: bool = False
    notes: str = ""
    contact_name: str = ""
    email: str = ""
    phone_number: str = ""
    address: str = ""
    website: str = ""
    workspace_ids: frozenset[str] = frozenset()
    external_reference: ReferenceValues = ReferenceValues()
    workspace_titles: Mapping[str, str] = field(default_factory=dict, compare=False)
    # Custom field values by field id (only fields that hold one).
    custom_values: Mapping[str, FieldValue] = field(default_factory=dict)
    # The custom fields these values speak for: the ones on the form, or None when they
    # were read from Kantata (all of them). A field not on the form is never cleared.
    custom_field_ids: frozenset[str] | None = field(default=None, compare=False)

    @classmethod
    def from_group(cls, group: WorkspaceGroup) -> GroupValues:
        """The values of a group fetched with `EDIT_INCLUDES`."""
        references = sorted(group.external_references or (), key=lambda r: int(r.id))
        return cls(
            name=group.name,
            company=bool(group.company),
            **{name: _text(getattr(group, name)) for name in TEXT_FIELDS[1:]},
            workspace_ids=frozenset(group.workspace_ids or ()),
            external_reference=(
                ReferenceValues.from_record(references[0]) if references else ReferenceValues()
            ),
            workspace_titles={w.id: w.title for w in group.workspaces or ()},
            custom_values={
                record.custom_field_id: value
                for record in group.custom_field_values
                if (value := FieldValue.from_record(record)) is not None
            },
        )

    def field_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in GROUP_FIELDS}

    def title_of(self, workspace_id: str) -> str:
        return self.workspace_titles.get(workspace_id) or f"workspace #{workspace_id}"

    def to_json(self) -> dict[str, Any]:
        return {
            **self.field_values(),
            "workspace_ids": sorted(self.workspace_ids, key=int),
            "external_reference": asdict(self.external_reference),
            "workspace_titles": dict(self.workspace_titles),
            "custom_values": {
                field_id: [v.value, v.name, v.display, v.type]
                for field_id, v in self.custom_values.items()
            },
            "custom_field_ids": (
                None if self.custom_field_ids is None else sorted(self.custom_field_ids)
            ),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GroupValues:
        return cls(
            name=str(data["name"]),
            company=bool(data.get("company")),
            **{name: _text(data.get(name)) for name in TEXT_FIELDS[1:]},
            workspace_ids=frozenset(str(i) for i in data.get("workspace_ids", ())),
            external_reference=ReferenceValues(**data.get("external_reference") or {}),
            workspace_titles={str(k): str(v) for k, v in data.get("workspace_titles", {}).items()},
            custom_values={
                str(k): FieldValue(*v) for k, v in (data.get("custom_values") or {}).items()
            },
            custom_field_ids=(
                None
                if data.get("custom_field_ids") is None
                else frozenset(map(str, data["custom_field_ids"]))
            ),
        )


def reference_matching(group: WorkspaceGroup, key: tuple[str, str, str]) -> ReferenceValues:
    """The group's reference with this service, model and ref, or an empty one."""
    for record in group.external_references or ():
        values = ReferenceValues.from_record(record)
        if values.key == key:
            return values
    return ReferenceValues()


def changed_fields(before: GroupValues, after: GroupValues) -> list[str]:
    """The simple fields (and "external_reference") whose values differ."""
    names = [name for name in GROUP_FIELDS if getattr(before, name) != getattr(after, name)]
    if after.external_reference and before.external_reference != after.external_reference:
        names.append("external_reference")
    return names


@dataclass(frozen=True)
class Meanwhile:
    """What changed in Kantata between the version a form was opened on and now."""

    # Simple fields, "external_reference" and "workspaces".
    fields: list[str]
    # Custom field ids, by field name.
    custom: list[str]

    def __bool__(self) -> bool:
        return bool(self.fields or self.custom)


def changed_meanwhile(opened: GroupValues, current: GroupValues) -> Meanwhile:
    """The stale-edit check: what differs between the opened and the current values."""
    names = changed_fields(opened, current)
    if opened.workspace_ids != current.workspace_ids:
        names.append("workspaces")
    return Meanwhile(names, changed_custom_fields(opened, current))


def _custom_ids(*sides: GroupValues) -> set[str]:
    """The custom fields that every side speaks for and at least one holds a value of."""
    ids = set().union(*(side.custom_values for side in sides))
    for side in sides:
        if side.custom_field_ids is not None:
            ids &= side.custom_field_ids
    return ids


def custom_name(field_id: str, *sides: GroupValues | None) -> str:
    """A custom field's name as Kantata displays it (from whichever side has its value)."""
    for side in sides:
        if side is not None and field_id in side.custom_values:
            return side.custom_values[field_id].name or f"custom field {field_id}"
    return f"custom field {field_id}"


def changed_custom_fields(before: GroupValues, after: GroupValues) -> list[str]:
    """The ids of the custom fields whose values differ, by field name."""
    changed = [
        field_id
        for field_id in _custom_ids(before, after)
        if before.custom_values.get(field_id) != after.custom_values.get(field_id)
    ]
    return sorted(changed, key=lambda i: custom_name(i, before, after).casefold())


def _diff_key(name: str) -> str:
    # Custom fields go in the same diff by name; one named like a group field stays apart.
    return f"{name} (custom field)" if name in (*GROUP_FIELDS, "external_reference") else name


def _shown(values: GroupValues, name: str) -> Any:
    value = getattr(values, name)
    return str(value) if isinstance(value, ReferenceValues) else value


def group_diff(
    before: GroupValues | None,
    after: GroupValues | None,
    *,
    titles: Iterable[Mapping[str, str]] = (),
) -> dict[str, Any]:
    """The audit log's `changes`: each changed field before and after, and the workspaces
    added and removed by title. `before` None is a create, `after` None a delete."""
    known: dict[str, str] = {}
    for mapping in (*titles, *(v.workspace_titles for v in (before, after) if v)):
        known.update({k: v for k, v in mapping.items() if v})

    def title(workspace_id: str) -> str:
        return known.get(workspace_id) or f"workspace #{workspace_id}"

    def side(values: GroupValues | None, name: str) -> Any:
        return None if values is None else _shown(values, name)

    if before is not None and after is not None:
        names = changed_fields(before, after)
    else:
        present = before or after
        names = [n for n in GROUP_FIELDS if getattr(present, n) not in ("", False)]
        if present.external_reference:
            names.append("external_reference")
    old_ids = before.workspace_ids if before else frozenset()
    new_ids = after.workspace_ids if after else frozenset()
    fields = {n: {"before": side(before, n), "after": side(after, n)} for n in names}
    fields.update(_custom_diff(before, after))
    return {
        "fields": fields,
        "workspaces_added": sorted(title(i) for i in new_ids - old_ids),
        "workspaces_removed": sorted(title(i) for i in old_ids - new_ids),
    }


def _custom_diff(before: GroupValues | None, after: GroupValues | None) -> dict[str, Any]:
    """Each changed custom value before and after, as Kantata displays it; on a create or a
    delete, the values set. An update shows an unset value as empty."""
    if before is not None and after is not None:
        ids = changed_custom_fields(before, after)
    else:
        present = before or after
        ids = sorted(_custom_ids(present), key=lambda i: custom_name(i, present).casefold())

    def display(values: GroupValues | None, field_id: str) -> str | None:
        if values is None:
            return None
        value = values.custom_values.get(field_id)
        return value.display if value is not None else ""

    return {
        _diff_key(custom_name(i, before, after)): {
            "before": display(before, i),
            "after": display(after, i),
        }
        for i in ids
    }
