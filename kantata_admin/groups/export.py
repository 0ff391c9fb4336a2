"""CSV export of every group matching a filter, written while Kantata pages it in, in one
of two shapes (issue 18, item 11):

- **for a spreadsheet** (`?as=spreadsheet`, the default): words a person reads (yes/no,
  labels), money as a number with its currency in the next column, times in the member's
  time zone with the zone in the header, and a cell neutralised only where a spreadsheet
  would run it as a formula;
- **for re-import** (`?as=reimport`): Kantata's own values and ids, every writable field by
  its API name, one column per custom field by name: the import's format (imports app),
  read back cell for cell by `custom_types.parse_cell`. Nothing is neutralised there: a
  re-import must get back exactly what Kantata holds (the import refuses a changed cell
  that would run as a formula).

Memory stays flat whatever the size: the client reads one page of 200 at a time and each
page becomes one chunk of the streamed answer. Spreadsheets open the file as UTF-8 (a
byte-order mark leads).
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, Protocol

from django.utils.text import slugify

from kantata_admin.groups.custom_types import custom_type
from kantata_admin.groups.field_specs import CustomFieldSpec
from kantata_admin.groups.tables import GROUP_COLUMNS
from kantata_admin.kantata import GROUP_VALUE_FIELDS, KantataError, WorkspaceGroup

logger = logging.getLogger(__name__)

BOM = "\ufeff"
# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets
# (tab and carriage return too, after trimming): a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# ... except a plain number (-5, +3.25) or a phone number (+ then digits and spaces): a
# spreadsheet reads those as a value, and an apostrophe would show in the cell.
NOT_A_FORMULA = re.compile(r"[+-]?\d+(?:\.\d+)?|\+[\d ]*\d")
SPREADSHEET = "spreadsheet"
REIMPORT = "reimport"
FORMATS = (SPREADSHEET, REIMPORT)
# The re-import file's own columns: the id (empty for a new group), then every writable
# value of a group by its API name. Custom fields follow, one column each, by name.
REIMPORT_ID = "id"
REIMPORT_FIELDS = GROUP_VALUE_FIELDS
SPREADSHEET_TIME = "%Y-%m-%d %H:%M:%S"
ROWS_PER_CHUNK = 200
FILENAME_MAX = 120
INCOMPLETE = "Export incomplete: Kantata OX stopped answering before the last group"


def runs_as_formula(cell: str) -> bool:
    """Whether a spreadsheet would evaluate the cell rather than show it."""
    return cell.startswith(FORMULA_STARTS) and NOT_A_FORMULA.fullmatch(cell) is None


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet will not evaluate."""
    return f"'{cell}" if runs_as_formula(cell) else cell


def export_filename(filters: dict[str, str], today: date, shape: str = SPREADSHEET) -> str:
    """`workspace-groups-<filters>-<date>.csv` (`...-for-reimport-<date>.csv`), the filters
    as the API received them."""
    parts = ["workspace-groups"]
    for name, value in sorted(filters.items()):
        parts.append(slugify(f"{name} {value}"))
    stem = "-".join(part for part in parts if part)[:FILENAME_MAX].rstrip("-")
    if shape == REIMPORT:
        stem += "-for-reimport"
    return f"{stem}-{today.isoformat()}.csv"


class _Cells(Protocol):
    label: str

    def text(self, group: WorkspaceGroup) -> str: ...


@dataclass(frozen=True)
class ExportColumn:
    """One column of an export file: its header and its cell for a group."""

    label: str
    cell: Callable[[WorkspaceGroup], str]

    def text(self, group: WorkspaceGroup) -> str:
        return self.cell(group)


def _held(group: WorkspaceGroup, spec: CustomFieldSpec) -> Any:
    return next((v for v in group.custom_field_values if v.custom_field_id == spec.id), None)


def _text(value: Any) -> str:
    # Kantata answers null for text never set and "" for text cleared: both empty here.
    return "" if value is None else str(value)


def _local_time(value: datetime | None, zone: tzinfo) -> str:
    return value.astimezone(zone).strftime(SPREADSHEET_TIME) if value is not None else ""


_SPREADSHEET_FIELDS: tuple[tuple[str, str, Callable[[WorkspaceGroup], str]], ...] = (
    ("id", "Id", lambda g: g.id),
    ("name", "Name", lambda g: _text(g.name)),
    ("company", "Company", lambda g: "yes" if g.company else "no"),
    ("contact_name", "Contact", lambda g: _text(g.contact_name)),
    ("email", "E-mail", lambda g: _text(g.email)),
    ("phone_number", "Phone", lambda g: _text(g.phone_number)),
    ("website", "Website", lambda g: _text(g.website)),
    ("address", "Address", lambda g: _text(g.address)),
    ("notes", "Notes", lambda g: _text(g.notes)),
)


def spreadsheet_columns(
    includes: Sequence[str],
    custom_fields: Sequence[CustomFieldSpec],
    zone: tzinfo,
    zone_name: str,
) -> list[ExportColumn]:
    """The export for a spreadsheet: the group's values as words, the chosen includes,
    the times in `zone` (named in their headers), then every custom field (money as an
    amount and a currency column)."""
    columns = [ExportColumn(label, read) for _, label, read in _SPREADSHEET_FIELDS]
    columns += [
        ExportColumn(column.label, column.text)
        for column in GROUP_COLUMNS
        if column.include is not None and column.include in includes
    ]
    columns += [
        ExportColumn(f"Created ({zone_name})", lambda g: _local_time(g.created_at, zone)),
        ExportColumn(f"Updated ({zone_name})", lambda g: _local_time(g.updated_at, zone)),
    ]
    for spec in custom_fields:
        kind = custom_type(spec)
        for index, label in enumerate(kind.spreadsheet_headers(spec)):
            columns.append(
                ExportColumn(
                    label,
                    lambda g, s=spec, k=kind, i=index: k.spreadsheet_cells(s, _held(g, s))[i],
                )
            )
    return columns


def header_key(text: str) -> str:
    """A re-import header as the import matches it: case, surrounding and repeated spaces,
    and `_` for a space forgiven ("Contact Name" is `contact_name`)."""
    return " ".join(text.replace("_", " ").split()).casefold()


def reimport_header(spec: CustomFieldSpec) -> str:
    """A custom field's column: its name, or `custom: <name>` when the name reads as one
    of the group's own columns (a custom field called "Notes")."""
    own = {header_key(name) for name in (REIMPORT_ID, *REIMPORT_FIELDS)}
    return f"custom: {spec.name}" if header_key(spec.name) in own else spec.name


def reimport_columns(custom_fields: Sequence[CustomFieldSpec]) -> list[ExportColumn]:
    """The export for re-import: `id`, every writable value by its API name (`company` as
    true/false, text exactly as Kantata holds it), one column per custom field by name."""
    columns = [ExportColumn(REIMPORT_ID, lambda g: g.id)]
    for name in REIMPORT_FIELDS:
        if name == "company":
            columns.append(ExportColumn(name, lambda g: "true" if g.company else "false"))
        else:
            columns.append(ExportColumn(name, lambda g, n=name: _text(getattr(g, n))))
    for spec in custom_fields:
        kind = custom_type(spec)
        columns.append(
            ExportColumn(
                reimport_header(spec), lambda g, s=spec, k=kind: k.reimport_cell(s, _held(g, s))
            )
        )
    return columns


class _Line:
    """A file-like object whose write() hands back what csv.writer wrote."""

    def write(self, text: str) -> str:
        return text


def csv_chunks(
    groups: Iterable[WorkspaceGroup], columns: Sequence[_Cells], *, for_spreadsheet: bool = True
) -> Iterator[str]:
    """The file as text chunks: BOM and header first, then one chunk per ROWS_PER_CHUNK
    groups. An upstream failure mid-way (after the answer has started, so its status can no
    longer change) ends the file with a row saying it is incomplete. Cells that would run
    as formulas are neutralised `for_spreadsheet` only."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    safe = neutralise if for_spreadsheet else str
    # Custom field names come from Kantata: a header is as untrusted as any cell.
    yield BOM + writer.writerow([safe(column.label) for column in columns])
    lines: list[str] = []
    try:
        for group in groups:
            lines.append(writer.writerow([safe(column.text(group)) for column in columns]))
            if len(lines) >= ROWS_PER_CHUNK:
                yield "".join(lines)
                lines = []
    except KantataError as error:
        logger.warning("group export stopped: %s", error)
        reference = getattr(error, "request_id", None)
        lines.append(
            writer.writerow(
                [f"{INCOMPLETE} (Kantata request id {reference})" if reference else INCOMPLETE]
            )
        )
    if lines:
        yield "".join(lines)
