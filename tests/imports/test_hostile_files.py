"""Hostile files (issue 20): formulas, NUL bytes, 1 MB cells, wrong encodings, 100,000
rows, a ZIP renamed .csv, and more. Each gets a clear message, never a 5xx, and nothing is
applied (no dry run kept, no job, no group changed)."""

from __future__ import annotations

import io
import time
import uuid
import zipfile

import pytest

from kantata_admin.bulk.models import BulkJob
from kantata_admin.imports.models import ImportRun
from kantata_admin.imports.reading import MAX_BYTES
from tests.imports.conftest import upload, upload_bytes

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "id,name,notes\r\n"


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


HOSTILE = {
    "nul bytes": (HEADER + ",Acme\x00Corp,\r\n").encode(),
    "a 1 MB cell": (HEADER + ",Big," + "x" * (1024 * 1024) + "\r\n").encode(),
    "a 50 kB cell": (HEADER + ",Big," + "x" * 50_000 + "\r\n").encode(),
    "latin-1": (HEADER + ",Café Olé,\r\n").encode("latin-1"),
    "utf-16": (HEADER + ",Café,\r\n").encode("utf-16"),
    "100,000 rows": (HEADER + "".join(f",Row {n},\r\n" for n in range(100_000))).encode(),
    "a zip renamed .csv": _zip(),
    "too large": (HEADER + ",Row,\r\n" * (MAX_BYTES // 7 + 10)).encode(),
    "empty": b"",
    "a header only": HEADER.encode(),
    "an unclosed quote": (HEADER + ',"Open,\r\n' + ",Next,\r\n" * 3).encode(),
    "a pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
}
MESSAGES = {
    "nul bytes": "The file holds a NUL byte (line 2): it is not a text CSV file.",
    "a 1 MB cell": "A cell holds at most 10,000 characters",
    "a 50 kB cell": "Row 2, column “notes”: 50,000 characters; a cell holds at most 10,000.",
    "latin-1": "The file is not UTF-8 (byte 0xE9 on line 2",
    "utf-16": "The file is UTF-16, not UTF-8.",
    "100,000 rows": "The file has more than 10,000 rows: import it in parts.",
    "a zip renamed .csv": "This is a ZIP archive (an Excel .xlsx workbook is one), not a CSV file.",
    "too large": "The file is larger than 5 MB; split it in parts.",
    "empty": "",  # the form refuses an empty upload
    "a header only": "The file has a header but no rows.",
    "an unclosed quote": "a quote opened must be closed",
    "a pdf": "This is a PDF document, not a CSV file.",
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_file_gets_a_clear_message_and_nothing_is_applied(importer, login, kind):
    client = login(importer)

    response = upload_bytes(client, HOSTILE[kind], name="groups.csv")

    assert response.status_code == 400
    page = response.content.decode()
    if MESSAGES[kind]:
        assert "The file was not imported" in page
        assert MESSAGES[kind].replace("“", "&ldquo;") in page or MESSAGES[kind] in page
    else:
        assert "The submitted file is empty." in page
    assert not ImportRun.objects.exists()
    assert not BulkJob.objects.exists()


def test_formulas_are_row_errors_and_never_applied(importer, login, witness):
    client = login(importer)
    group = next(iter(witness.workspace_groups.iter_all()))
    formulas = ["=1+1", "@SUM(A1:A9)", "+cmd|' /C calc'!A0", "-2+3", "\t=1", '=HYPERLINK("x")']
    rows = [["id", "name", "notes", "Account tier"]]
    rows += [[group.id, group.name, formula, ""] for formula in formulas[:1]]
    rows += [["", f"{formula} {uuid.uuid4().hex[:4]}", "", ""] for formula in formulas[1:4]]
    rows += [["", f"Plain {uuid.uuid4().hex[:6]}", "", formulas[4]]]
    rows += [["", f"Plain {uuid.uuid4().hex[:6]}", formulas[5], ""]]
    before = witness.workspace_groups.get(group.id)

    response = upload(client, rows)

    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.counts == {"create": 0, "update": 0, "unchanged": 0, "error": 6}
    assert all("starts like a spreadsheet formula" in r.error for r in run.rows.all())
    answer = client.post(f"/import/{run.pk}/apply/")
    assert answer.status_code == 302
    assert not BulkJob.objects.exists()
    assert witness.workspace_groups.get(group.id).notes == before.notes


def test_a_phone_number_or_a_negative_number_is_not_a_formula(importer, login, witness):
    client = login(importer)
    rows = [["id", "name", "phone_number", "Employees"]]
    name = f"Phone {uuid.uuid4().hex[:6]}"
    rows.append(["", name, "+1 555 0241873", "-5"])

    upload(client, rows)

    assert ImportRun.objects.get().counts["create"] == 1


def test_a_number_too_large_to_send_is_a_row_error(importer, login):
    client = login(importer)
    rows = [["id", "name", "Employees", "Annual revenue"]]
    rows.append(["", f"Huge {uuid.uuid4().hex[:6]}", "1e999999999", ""])
    rows.append(["", f"Rich {uuid.uuid4().hex[:6]}", "", "9" * 400 + " USD"])

    started = time.monotonic()
    upload(client, rows)

    assert time.monotonic() - started < 10
    errors = [r.error for r in ImportRun.objects.get().rows.order_by("line")]
    assert "'1e999999999' is too large a number" in errors[0]
    assert "is too large an amount" in errors[1]
