"""CSV export of every group matching a filter, written while Kantata pages it in.

Memory stays flat whatever the size: the client reads one page of 200 at a time and each
page becomes one chunk of the streamed answer. Spreadsheets open the file as UTF-8 (a
byte-order mark leads) and never run a cell as a formula.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from django.utils.text import slugify

from kantata_admin.groups.tables import Column
from kantata_admin.kantata import KantataError, WorkspaceGroup

logger = logging.getLogger(__name__)

BOM = "\ufeff"
# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets
# (tab and carriage return too, after trimming): a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 200
FILENAME_MAX = 120
INCOMPLETE = "Export incomplete: Kantata OX stopped answering before the last group"


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet will not evaluate."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def export_filename(filters: dict[str, str], today: date) -> str:
    """`workspace-groups-<filters>-<date>.csv`, the filters as the API received them."""
    parts = ["workspace-groups"]
    for name, value in sorted(filters.items()):
        parts.append(slugify(f"{name} {value}"))
    stem = "-".join(part for part in parts if part)[:FILENAME_MAX].rstrip("-")
    return f"{stem}-{today.isoformat()}.csv"


class _Line:
    """A file-like object whose write() hands back what csv.writer wrote."""

    def write(self, text: str) -> str:
        return text


def csv_chunks(groups: Iterable[WorkspaceGroup], columns: Sequence[Column]) -> Iterator[str]:
    """The file as text chunks: BOM and header first, then one chunk per ROWS_PER_CHUNK
    groups. An upstream failure mid-way (after the answer has started, so its status can no
    longer change) ends the file with a row saying it is incomplete."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    # Custom field names come from Kantata: a header is as untrusted as any cell.
    yield BOM + writer.writerow([neutralise(column.label) for column in columns])
    lines: list[str] = []
    try:
        for group in groups:
            lines.append(writer.writerow([neutralise(column.text(group)) for column in columns]))
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
