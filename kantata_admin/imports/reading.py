"""An uploaded file, checked before anything else happens: is it a CSV file we can read
(UTF-8 with or without a BOM, `,` or `;`, within the limits), and are its headers the
import's (the export "for re-import": `id`, the writable fields by their API names, one
column per custom field by name)? Every problem found is listed at once; a file with any
is refused whole, and nothing of it is kept.

No Kantata here: the custom field definitions are handed in.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kantata_admin.groups.export import REIMPORT_FIELDS, REIMPORT_ID, header_key, reimport_header
from kantata_admin.groups.field_specs import CustomFieldSpec

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_CELL = 10_000
# Problems listed one by one; more are counted.
MAX_LISTED = 50

# Files that are not text, by their first bytes: what a member may have renamed .csv.
_NOT_TEXT = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook is one)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
)
_UTF16 = ((b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))
SAVE_AS = "Save it as “CSV UTF-8 (comma delimited)” and upload that."


@dataclass(frozen=True)
class Column:
    """A column the import knows: `id`, a group field (`field`), or a custom field."""

    header: str
    field: str = ""
    spec: CustomFieldSpec | None = None


def known_columns(custom_fields: Sequence[CustomFieldSpec]) -> dict[str, Column]:
    """Header key -> column. A custom field named like a group field is reached by
    `custom: <name>` (the group's own field keeps its name)."""
    columns = {header_key(REIMPORT_ID): Column(REIMPORT_ID, field=REIMPORT_ID)}
    for name in REIMPORT_FIELDS:
        columns[header_key(name)] = Column(name, field=name)
    for spec in custom_fields:
        columns.setdefault(header_key(reimport_header(spec)), Column(spec.name, spec=spec))
    return columns


@dataclass
class ReadFile:
    """A file that passed: its columns in order, and its rows (line number, cells)."""

    columns: list[Column]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    delimiter: str = ","

    @property
    def has_id(self) -> bool:
        return any(c.field == REIMPORT_ID for c in self.columns)


class FileRefused(Exception):
    """The file cannot be imported; `problems` says every reason found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class _Problems(list):
    def add(self, text: str) -> None:
        self.append(text)

    def listed(self) -> list[str]:
        if len(self) <= MAX_LISTED:
            return list(self)
        return [*self[:MAX_LISTED], f"… and {len(self) - MAX_LISTED:,} more problems."]


def _text_of(data: bytes) -> str:
    """The bytes as text, or FileRefused saying why they are not a UTF-8 CSV file."""
    if not data.strip():
        raise FileRefused(["The file is empty."])
    if len(data) > MAX_BYTES:
        raise FileRefused(
            [f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it in parts."]
        )
    for magic, what in _NOT_TEXT:
        if data.startswith(magic):
            raise FileRefused([f"This is {what}, not a CSV file. {SAVE_AS}"])
    for bom, encoding in _UTF16:
        if data.startswith(bom):
            raise FileRefused([f"The file is {encoding}, not UTF-8. {SAVE_AS}"])
    if (at := data.find(b"\x00")) >= 0:
        line = data.count(b"\n", 0, at) + 1
        raise FileRefused(
            [f"The file holds a NUL byte (line {line}): it is not a text CSV file. {SAVE_AS}"]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start : error.start + 1].hex().upper()
        raise FileRefused(
            [
                f"The file is not UTF-8 (byte 0x{byte} on line {line}; a spreadsheet saving "
                f"in Windows-1252 or Latin-1 writes é that way). {SAVE_AS}"
            ]
        ) from None


def _delimiter(first_line: str) -> str:
    """`,` or `;`: whichever splits the header into more cells outside quotes."""
    outside = re.sub(r'"[^"]*"', "", first_line)
    return ";" if outside.count(";") > outside.count(",") else ","


def _headers(header: list[str], known: dict[str, Column], problems: _Problems) -> list[Column]:
    columns: list[Column] = []
    seen: dict[str, int] = {}
    for number, text in enumerate(header, start=1):
        key = header_key(text)
        if not key:
            problems.add(f"Column {number} has no header.")
            columns.append(Column(""))
            continue
        if key in seen:
            problems.add(
                f"The column “{text.strip()}” appears twice (columns {seen[key]} and {number})."
            )
        else:
            seen[key] = number
        column = known.get(key)
        if column is None:
            problems.add(f"Unknown column “{text.strip()[:80]}” (column {number}).")
            columns.append(Column(text))
        else:
            columns.append(column)
    return columns


def read_upload(data: bytes, custom_fields: Sequence[CustomFieldSpec]) -> ReadFile:
    """The file's columns and rows; FileRefused with every problem found otherwise."""
    text = _text_of(data)
    first_line = text.split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    known = known_columns(custom_fields)
    problems = _Problems()
    # newline="": the csv module alone splits rows, so a line break inside a quoted cell
    # (or a Unicode line separator in a cell) stays in its cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        raise FileRefused([f"The header line cannot be read as CSV: {error}."]) from None
    columns = _headers(header, known, problems)
    result = ReadFile(columns, delimiter=delimiter)
    fields = {c.field for c in columns}
    id_at = next((i for i, c in enumerate(columns) if c.field == REIMPORT_ID), None)
    name_at = next((i for i, c in enumerate(columns) if c.field == "name"), None)
    too_many = False
    # A row's number as a spreadsheet shows it (the header is row 1): a quoted cell holding
    # a line break leaves the row one row, though the file's lines run on.
    line = 1
    try:
        for cells in reader:
            line += 1
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if len(result.rows) >= MAX_ROWS:
                too_many = True
                break
            if len(cells) != len(columns):
                problems.add(f"Row {line} has {len(cells)} cells; the header has {len(columns)}.")
                continue
            long = next((i for i, c in enumerate(cells) if len(c) > MAX_CELL), None)
            if long is not None:
                problems.add(
                    f"Row {line}, column “{columns[long].header}”: {len(cells[long]):,} "
                    f"characters; a cell holds at most {MAX_CELL:,}."
                )
                continue
            new = id_at is None or not cells[id_at].strip()
            if new and (name_at is None or not cells[name_at].strip()):
                problems.add(f"Row {line}: a new group (no id) needs a name.")
            result.rows.append((line, cells))
    except csv.Error as error:
        # The csv module's own limit (131,072 characters a cell) or a broken quote.
        problems.add(
            f"Line {reader.line_num}: {error}. A cell holds at most {MAX_CELL:,} characters, "
            "and a quote opened must be closed."
        )
    if too_many:
        problems.add(f"The file has more than {MAX_ROWS:,} rows: import it in parts.")
    if "name" not in fields and id_at is None:
        problems.add("The file has neither an id nor a name column: new groups need a name.")
    if not result.rows and not problems:
        problems.add("The file has a header but no rows.")
    if problems:
        raise FileRefused(problems.listed())
    return result
