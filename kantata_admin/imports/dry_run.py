"""The dry run: every row of a read file classified as create, update (field by field,
before -> after), unchanged, or error (with the reason), against what Kantata holds now.

Kantata is asked as little as its API allows: the listed ids with `only`, 200 a call, and
those groups' values of the file's custom fields the documented way (custom_value_reads),
200 a page. Nothing is written. An update carries the patch a bulk job writes and a guard:
every value of its row as Kantata held it, so that the job skips a group changed since.
"""

from __future__ import annotations

import contextvars
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import batched
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from kantata_admin.bulk.changes import Patch, custom_json
from kantata_admin.groups.custom_types import CellRefused, custom_type
from kantata_admin.groups.custom_value_reads import with_custom_values
from kantata_admin.groups.export import REIMPORT_ID, runs_as_formula
from kantata_admin.groups.field_specs import CustomFieldSpec
from kantata_admin.imports.reading import Column, ReadFile
from kantata_admin.kantata import (
    GROUP_TEXT_FIELDS,
    KantataClient,
    KantataError,
    WorkspaceGroup,
    WorkspaceGroupFilters,
    is_kantata_id,
    json_value,
    typed_value,
)

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
KINDS = (CREATE, UPDATE, UNCHANGED, ERROR)
# Ids read in one call (`only`, the API's page cap).
READ_CHUNK = 200
# Chunks read at once: the one being compared and the next.
READS_IN_FLIGHT = 2
TRUE_WORDS = frozenset({"true", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "0"})
FIELD_LABELS = {
    "name": "name",
    "company": "company",
    "notes": "notes",
    "contact_name": "contact name",
    "email": "e-mail",
    "phone_number": "phone",
    "address": "address",
    "website": "website",
}


@dataclass
class RowResult:
    line: int
    kind: str
    group_id: str = ""
    name: str = ""
    # (what, before, after) as the member reads them.
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    error: str = ""
    patch: Patch | None = None
    guard: Patch | None = None


@dataclass
class _Row:
    """A row's cells read into values: `fields` by API name (name stripped, company a
    bool, text as is) and `custom` by field id (the API's JSON form, None for empty)."""

    line: int
    group_id: str
    fields: dict[str, Any] = field(default_factory=dict)
    custom: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    company_blank: bool = False

    @property
    def new(self) -> bool:
        return not self.group_id


def _company(text: str) -> bool | None:
    word = text.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _read_row(line: int, cells: list[str], columns: Sequence[Column]) -> _Row:
    row = _Row(line, "")
    for column, cell in zip(columns, cells, strict=True):
        if column.field == REIMPORT_ID:
            row.group_id = cell.strip()
        elif column.field == "name":
            row.fields["name"] = cell.strip()
        elif column.field == "company":
            if not cell.strip():
                row.company_blank = True
                continue
            value = _company(cell)
            if value is None:
                row.problems.append(f"company: {cell.strip()[:40]!r} is not true or false")
            else:
                row.fields["company"] = value
        elif column.field:
            row.fields[column.field] = cell
        elif column.spec is not None:
            spec = column.spec
            try:
                typed = custom_type(spec).parse_cell(spec, cell)
            except CellRefused as refused:
                row.problems.append(f"{spec.name}: {refused}")
                continue
            row.custom[spec.id] = None if typed is None else json_value(typed)
    if row.group_id and not is_kantata_id(row.group_id):
        row.problems.append(
            f"id {row.group_id[:40]!r} is not a Kantata id (a whole number from 1, "
            "without leading zeros)"
        )
    return row


def _held_field(group: WorkspaceGroup, name: str) -> Any:
    value = getattr(group, name)
    if name == "company":
        return bool(value)
    return value or ""  # null (never set) and "" (cleared) are one "empty"


def _held_custom(group: WorkspaceGroup) -> dict[str, Any]:
    held: dict[str, Any] = {}
    for value in group.custom_field_values:
        try:
            json = custom_json(value.type, value.value)
        except KantataError:  # a value that does not fit its type: compared as sent
            json = value.value
        if json is not None:
            held[value.custom_field_id] = json
    return held


def _comparable(value: Any) -> Any:
    # Choices are a set: [2, 1] holds what [1, 2] does.
    if isinstance(value, list) and all(isinstance(v, int) for v in value):
        return sorted(value)
    return value


def _shown(value: Any, name: str, specs: dict[str, CustomFieldSpec]) -> str:
    """A value as the member reads it in the preview (a custom value as its cell)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    spec = specs.get(name)
    if spec is None:
        return str(value)
    try:
        typed = typed_value(spec.value_type, value)
    except KantataError:
        return str(value)
    return "" if typed is None else custom_type(spec).cell_text(spec, typed)


def _text_problems(row: _Row, names: Sequence[str], specs: dict[str, CustomFieldSpec]) -> None:
    """A written text that a spreadsheet would run, or that is not an e-mail address."""
    for name in names:
        value = row.fields.get(name) if name in row.fields else row.custom.get(name)
        if not isinstance(value, str) or not value:
            continue
        label = specs[name].name if name in specs else FIELD_LABELS.get(name, name)
        if runs_as_formula(value):
            row.problems.append(
                f"{label}: {value[:30]!r} starts like a spreadsheet formula; Kantata OX would "
                "keep it as text. Remove the leading character to write it"
            )
        elif name == "email":
            try:
                validate_email(value)
            except ValidationError:
                row.problems.append(f"e-mail: {value[:60]!r} is not an e-mail address")


class DryRun:
    """One file's dry run; `results()` yields every row's result (creates and refusals as
    they are read, updates 200 at a time after their groups are read)."""

    def __init__(
        self, client: KantataClient, read: ReadFile, custom_fields: Sequence[CustomFieldSpec]
    ) -> None:
        self.client = client
        self.read = read
        self.specs = {c.spec.id: c.spec for c in read.columns if c.spec is not None}
        self.file_fields = [c.field for c in read.columns if c.field and c.field != REIMPORT_ID]

    def _rows(self) -> list[_Row]:
        rows = [_read_row(line, cells, self.read.columns) for line, cells in self.read.rows]
        names: dict[str, int] = {}
        ids: dict[str, int] = {}
        for row in rows:
            if row.group_id:
                if row.group_id in ids:
                    row.problems.append(f"id {row.group_id} is also on line {ids[row.group_id]}")
                else:
                    ids[row.group_id] = row.line
            name = row.fields.get("name")
            if name is None:
                continue
            if not name:
                row.problems.append("a group needs a name")
                continue
            key = name.casefold()
            if key in names:
                row.problems.append(f"the name “{name[:80]}” is also on line {names[key]}")
            else:
                names[key] = row.line
        return rows

    def results(self) -> Iterator[RowResult]:
        updates: list[_Row] = []
        for row in self._rows():
            # Every problem of a row is listed: those of its cells, then those only the
            # comparison with Kantata finds.
            if row.new:
                yield self._create(row)
            elif is_kantata_id(row.group_id):
                updates.append(row)
            else:
                yield self._refused(row)
        chunks = [list(chunk) for chunk in batched(updates, READ_CHUNK, strict=False)]
        # The next chunks' groups are read while this one is compared: Kantata's answers,
        # not this process, set the pace (the reads are the same calls, made earlier).
        with ThreadPoolExecutor(READS_IN_FLIGHT, thread_name_prefix="import-read") as pool:
            pending: deque[Future[dict[str, WorkspaceGroup]]] = deque()
            asked = 0
            for chunk in chunks:
                while asked < len(chunks) and len(pending) < READS_IN_FLIGHT:
                    # A copy of this context: the calls count in the caller's track_calls().
                    read = contextvars.copy_context().run
                    ids = [row.group_id for row in chunks[asked]]
                    pending.append(pool.submit(read, self._groups, ids))
                    asked += 1
                groups = pending.popleft().result()
                for row in chunk:
                    group = groups.get(row.group_id)
                    if group is None:
                        row.problems.append(
                            f"no group #{row.group_id} in your Kantata OX account (deleted, "
                            "or another account's)"
                        )
                        yield self._refused(row)
                    else:
                        yield self._compare(row, group)

    def _groups(self, ids: list[str]) -> dict[str, WorkspaceGroup]:
        page = self.client.workspace_groups.list(
            WorkspaceGroupFilters(only=ids), per_page=READ_CHUNK
        )
        records = list(page.records)
        if self.specs and records:
            records = with_custom_values(self.client, records, field_ids=list(self.specs))
        return {group.id: group for group in records}

    def _refused(self, row: _Row) -> RowResult:
        return RowResult(
            row.line,
            ERROR,
            group_id=row.group_id,
            name=row.fields.get("name", ""),
            error="; ".join(row.problems) + ".",
        )

    def _create(self, row: _Row) -> RowResult:
        fields = {
            name: value
            for name, value in row.fields.items()
            if name != "name" and value not in ("", None)
        }
        custom = {fid: value for fid, value in row.custom.items() if value is not None}
        _text_problems(row, ["name", *fields, *custom], self.specs)
        if row.problems:
            return self._refused(row)
        name = row.fields["name"]
        snapshot = {
            "name": name,
            "fields": fields,
            "workspaces": {},
            "custom": custom,
            "types": {fid: self.specs[fid].value_type for fid in custom},
        }
        changes = [(FIELD_LABELS["name"], "", name)]
        changes += [(FIELD_LABELS.get(n, n), "", _shown(v, n, {})) for n, v in fields.items()]
        changes += [
            (self.specs[fid].name, "", _shown(v, fid, self.specs)) for fid, v in custom.items()
        ]
        return RowResult(
            row.line, CREATE, name=name, changes=changes, patch={"recreate": snapshot, "new": True}
        )

    def _compare(self, row: _Row, group: WorkspaceGroup) -> RowResult:
        held_custom = _held_custom(group)
        guard: Patch = {
            "fields": {name: _held_field(group, name) for name in self.file_fields},
            "custom": {fid: held_custom.get(fid) for fid in self.specs},
            "types": {fid: spec.value_type for fid, spec in self.specs.items()},
            # A change to the group since (in a column of the file or not) skips it.
            "updated_at": group.updated_at.isoformat() if group.updated_at else None,
        }
        if row.company_blank:
            row.problems.append("company: give true or false")
        changed_fields = {
            name: value for name, value in row.fields.items() if value != guard["fields"].get(name)
        }
        changed_custom = {
            fid: value
            for fid, value in row.custom.items()
            if _comparable(value) != _comparable(guard["custom"].get(fid))
        }
        _text_problems(
            row,
            [n for n in changed_fields if n in ("name", *GROUP_TEXT_FIELDS)]
            + [fid for fid in changed_custom if self.specs[fid].value_type == "string"],
            self.specs,
        )
        if row.problems:
            result = self._refused(row)
            result.name = result.name or group.name
            return result
        if not changed_fields and not changed_custom:
            return RowResult(row.line, UNCHANGED, group_id=group.id, name=group.name)
        changes = [
            (
                FIELD_LABELS.get(name, name),
                _shown(guard["fields"].get(name), name, {}),
                _shown(value, name, {}),
            )
            for name, value in changed_fields.items()
        ]
        changes += [
            (
                self.specs[fid].name,
                _shown(guard["custom"].get(fid), fid, self.specs),
                _shown(value, fid, self.specs),
            )
            for fid, value in changed_custom.items()
        ]
        patch: Patch = {
            "fields": changed_fields,
            "custom": changed_custom,
            "types": {fid: self.specs[fid].value_type for fid in changed_custom},
        }
        return RowResult(
            row.line,
            UPDATE,
            group_id=group.id,
            name=group.name,
            changes=changes,
            patch=patch,
            guard=guard,
        )
