"""CSV export: every matching group, streamed, readable by a spreadsheet, never a formula."""

import csv
import io
import time
import uuid
from datetime import date

import pytest
from django.http import StreamingHttpResponse

from kantata_admin.groups.export import csv_chunks, export_filename, neutralise
from kantata_admin.groups.selectors import read_ahead
from kantata_admin.groups.tables import Column
from kantata_admin.kantata import ServiceUnavailable
from tests.groups.browse_fixtures import (  # noqa: F401 (fixtures)
    browsing_fixture,
    seeded_fixture,
)


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _all_ids(browsing, **params) -> list[str]:
    ids, page = [], 1
    while True:
        answer = browsing.api(**params, order="created_at:asc", page=page, per_page=200)
        ids += [entry["id"] for entry in answer["results"]]
        if page >= answer["meta"]["page_count"]:
            return ids
        page += 1


def test_export_streams_every_matching_group_with_every_custom_field(browsing, seeded):
    industry = seeded.fields["Industry"]

    response = browsing.get("/groups/export.csv", companies_only="on", include="workspaces")

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="workspace-groups-companies_only-true-'
    )
    header, *rows = _rows(response)
    assert header[:3] == ["Id", "Name", "Company"]
    assert "Workspaces" in header
    assert set(seeded.fields) <= set(header)  # every custom field, chosen as a column or not
    expected = _all_ids(browsing, companies_only="true")
    assert len(expected) > 20  # more than a page of the list
    assert [row[0] for row in rows] == expected
    values = browsing.api(
        "/custom_field_values.json",
        subject_type="workspace_group",
        with_custom_field_id=industry.id,
        with_subject_id=",".join(expected[:20]),
    )["custom_field_values"]
    by_group = {str(v["subject_id"]): v["display_value"] for v in values.values()}
    column = header.index("Industry")
    assert {row[0]: row[column] for row in rows[:20]} == {
        group_id: by_group.get(group_id, "") for group_id in expected[:20]
    }


def test_export_of_more_than_one_upstream_page(browsing):
    everything = _all_ids(browsing)
    assert len(everything) > 200

    _header, *rows = _rows(browsing.get("/groups/export.csv"))

    assert [row[0] for row in rows] == everything


def test_cells_that_a_spreadsheet_would_run_are_neutralised(browsing):
    name = f'=HYPERLINK("http://evil.example","x") {uuid.uuid4().hex[:8]}'
    api = browsing.sandbox.api(browsing.token)
    created = api.post(
        f"{browsing.sandbox.api_url}/workspace_groups.json",
        json={
            "workspace_group": {"name": name, "contact_name": "@SUM(1+1)", "phone_number": "-2+3"}
        },
    ).json()
    group_id = created["results"][0]["id"]
    try:
        header, *rows = _rows(browsing.get("/groups/export.csv", only=group_id))
    finally:
        api.delete(f"{browsing.sandbox.api_url}/workspace_groups/{group_id}.json")

    (row,) = rows
    cells = dict(zip(header, row, strict=True))
    assert cells["Name"] == "'" + name
    assert cells["Contact"] == "'@SUM(1+1)"
    assert cells["Phone"] == "'-2+3"


def test_a_failure_before_the_first_row_is_a_page_with_a_retry(browsing):
    browsing.get()  # cached definitions: the export's first page is what fails
    browsing.sandbox.fault(browsing.token, kind="503", count=4)

    response = browsing.get("/groups/export.csv", matching="acme")

    assert response.status_code == 503
    assert not response.streaming
    body = response.content.decode()
    assert "Kantata OX is unavailable" in body
    assert 'value="acme"' in body


def test_a_failure_mid_way_ends_the_file_saying_it_is_incomplete(browsing):
    browsing.get()  # cached definitions: the export's own pages are the next calls
    # Faults queue: the first page and its values (read as documented, 200 a call) answer
    # (a moment late), the second page never does.
    first = browsing.api(order="created_at:asc", per_page=200)
    values = browsing.api(
        "/custom_field_values.json",
        subject_type="workspace_group",
        with_subject_id=",".join(entry["id"] for entry in first["results"]),
        per_page=200,
    )
    answered = 1 + values["meta"]["page_count"]
    browsing.sandbox.fault(browsing.token, kind="delay", delay_ms=1, count=answered)
    browsing.sandbox.fault(browsing.token, kind="503", count=4)

    response = browsing.get("/groups/export.csv")

    assert response.status_code == 200
    _header, *rows = _rows(response)
    assert len(rows) == 200 + 1
    assert rows[-1][0].startswith("Export incomplete: Kantata OX stopped answering")


def test_a_refused_filter_goes_back_to_the_list(browsing):
    response = browsing.get("/groups/export.csv", only="twelve")

    assert response.status_code == 302
    assert response["Location"] == "/groups/?only=twelve"


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1 555", "+1 555"),  # a phone number is a value (issue 18, item 11)
        ("-5", "-5"),  # and so is a number
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_neutralise(cell, written):
    assert neutralise(cell) == written


def test_file_name_carries_the_filters():
    name = export_filename({"matching": "Acme & Co", "companies_only": "true"}, date(2026, 11, 29))

    assert name == "workspace-groups-companies_only-true-matching-acme-co-2026-11-29.csv"


def test_csv_chunks_stop_with_a_note_on_an_upstream_failure():
    def groups():
        raise ServiceUnavailable("down", status=503, request_id="req-1")
        yield

    columns = [Column("name", "Name", "text", lambda g: g.name)]
    text = "".join(csv_chunks(groups(), columns))

    assert text.splitlines()[-1].startswith("Export incomplete")
    assert "req-1" in text


def test_read_ahead_hands_over_everything_then_the_producers_error():
    def items():
        yield from range(1000)
        raise ServiceUnavailable("down", status=503)

    seen = []
    with pytest.raises(ServiceUnavailable):
        for item in read_ahead(items(), 10):
            seen.append(item)

    assert seen == list(range(1000))


def test_read_ahead_stops_its_producer_when_the_reader_stops():
    produced = []

    def items():
        for number in range(10_000):
            produced.append(number)
            yield number

    reader = read_ahead(items(), 5)
    assert [next(reader) for _ in range(3)] == [0, 1, 2]
    reader.close()
    time.sleep(0.7)  # longer than one of the producer's waits for room

    assert len(produced) <= 3 + 5 + 2
