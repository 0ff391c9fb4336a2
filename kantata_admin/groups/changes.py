"""A workspace group's writable values, and the difference between two of them.

One place for what the edit form shows, what an update sends, what the stale-edit guard
compares and what the audit log records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from kantata_admin.kantata import ExternalReference, ExternalReferenceInput, WorkspaceGroup

# In the order the form shows them.
TEXT_FIELDS = ("name", "notes", "contact_name", "email", "phone_number", "address", "website")
GROUP_FIELDS = ("name", "company", *TEXT_FIELDS[1:])
# What a group is fetched with whenever the dashboard is about to change it.
EDIT_INCLUDES = ("workspaces", "external_references")


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
    return {
        "fields": {n: {"before": side(before, n), "after": side(after, n)} for n in names},
        "workspaces_added": sorted(title(i) for i in new_ids - old_ids),
        "workspaces_removed": sorted(title(i) for i in old_ids - new_ids),
    }
