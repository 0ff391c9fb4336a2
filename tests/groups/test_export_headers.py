"""CSV header cells are neutralised like data cells: custom field names come from Kantata
and become column headers (issue 14, defect 7)."""

import csv
import io

from kantata_admin.groups.export import csv_chunks
from kantata_admin.groups.tables import Column
from kantata_admin.kantata import WorkspaceGroup


def test_a_custom_field_named_like_a_formula_is_a_plain_header():
    columns = [
        Column("name", "Name", "text", lambda g: g.name),
        Column("cf:9", '=HYPERLINK("http://evil.example","x")', "text", lambda g: "v"),
        Column("cf:10", "@SUM(1+1)", "text", lambda g: "w"),
    ]
    group = WorkspaceGroup.from_json({"id": "1", "name": "Acme"})

    text = "".join(csv_chunks([group], columns))

    header, row = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header == ["Name", '\'=HYPERLINK("http://evil.example","x")', "'@SUM(1+1)"]
    assert row == ["Acme", "v", "w"]
