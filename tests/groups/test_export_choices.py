"""The two exports of issue 18, item 11: "for a spreadsheet" (words, money as a number with
its currency, times in the member's zone with the zone in the header, neutralised only
where a cell would run as a formula) and "for re-import" (Kantata's own values and ids,
every writable field, one column per custom field, read back by the import)."""

import csv
import io
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kantata_admin.groups.custom_types import CellRefused, custom_type
from kantata_admin.groups.export import (
    REIMPORT_FIELDS,
    header_key,
    neutralise,
    reimport_columns,
    runs_as_formula,
)
from kantata_admin.groups.field_specs import CustomFieldSpec
from kantata_admin.imports.reading import known_columns
from kantata_admin.kantata import typed_value
from tests.groups.browse_fixtures import (  # noqa: F401 (fixtures)
    browsing_fixture,
    seeded_fixture,
)


def _rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    return header, [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture
def group(browsing, seeded):
    """A group of this test's own with every kind of value, deleted at the end."""
    api = browsing.sandbox.api(browsing.token)
    base = browsing.sandbox.api_url
    name = f"Export {uuid.uuid4().hex[:8]}"
    made = api.post(
        f"{base}/workspace_groups.json",
        json={
            "workspace_group": {
                "name": name,
                "company": True,
                "contact_name": "@SUM(1+1)",
                "phone_number": "+1 555 0241873",
                "address": "12 Long Lane, Leeds",
                "notes": "Line one.\nLine two.",
            }
        },
    ).json()
    group_id = made["results"][0]["id"]
    fields = seeded.fields
    industry_choice = fields["Industry"].choices[1]
    services = fields["Services"].choices[:2]
    values = [
        (fields["Annual revenue"].id, [6750000, "GBP"]),
        (fields["Employees"].id, 42.5),
        (fields["Contract start"].id, "2026-03-01"),
        (fields["Industry"].id, [int(industry_choice[0])]),
        (fields["Services"].id, [int(c[0]) for c in services]),
        (fields["Account tier"].id, "=cmd|' /C calc'!A0"),
    ]
    answer = api.post(
        f"{base}/custom_field_values.json",
        json={
            "custom_field_values": [
                {
                    "subject_type": "workspace_group",
                    "subject_id": int(group_id),
                    "custom_field_id": int(fid),
                    "value": value,
                }
                for fid, value in values
            ]
        },
    )
    assert answer.ok, answer.text
    stored = browsing.api(f"/workspace_groups/{group_id}.json")["workspace_groups"][group_id]
    yield {
        "id": group_id,
        "name": name,
        "stored": stored,
        "industry": industry_choice[1],
        "services": [c[1] for c in services],
    }
    api.delete(f"{base}/workspace_groups/{group_id}.json")


def test_spreadsheet_export_has_numbers_words_and_times_in_the_members_zone(browsing, group):
    user = browsing.client.get("/").wsgi_request.user  # the member of this client
    user.time_zone = "Asia/Tokyo"
    user.save()

    response = browsing.get("/groups/export.csv", only=group["id"], **{"as": "spreadsheet"})

    assert response["Content-Disposition"].endswith('.csv"')
    assert "for-reimport" not in response["Content-Disposition"]
    header, (row,) = _rows(response)
    assert header[:9] == [
        "Id",
        "Name",
        "Company",
        "Contact",
        "E-mail",
        "Phone",
        "Website",
        "Address",
        "Notes",
    ]
    assert "Created (Asia/Tokyo)" in header and "Updated (Asia/Tokyo)" in header
    created = datetime.fromisoformat(group["stored"]["created_at"])
    assert row["Created (Asia/Tokyo)"] == created.astimezone(ZoneInfo("Asia/Tokyo")).strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    # A phone number is a value, not a formula: no apostrophe.
    assert row["Phone"] == "+1 555 0241873"
    assert row["Contact"] == "'@SUM(1+1)"
    assert row["Company"] == "yes"
    assert row["Address"] == "12 Long Lane, Leeds"
    assert row["Notes"] == "Line one.\nLine two."
    # Money: an amount a spreadsheet sums, its currency beside it.
    assert row["Annual revenue"] == "67500.00"
    assert row["Annual revenue currency"] == "GBP"
    assert row["Employees"] == "42.5"
    assert row["Industry"] == group["industry"]
    assert row["Account tier"] == "'=cmd|' /C calc'!A0"


def test_spreadsheet_times_name_utc_for_a_member_without_a_zone(browsing, group):
    _header, (row,) = _rows(browsing.get("/groups/export.csv", only=group["id"]))

    created = datetime.fromisoformat(group["stored"]["created_at"])
    assert row["Created (UTC)"] == created.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S")


def test_reimport_export_has_kantatas_own_values_and_every_writable_field(browsing, group, seeded):
    response = browsing.get("/groups/export.csv", only=group["id"], **{"as": "reimport"})

    assert "-for-reimport-" in response["Content-Disposition"]
    header, (row,) = _rows(response)
    assert header[: 1 + len(REIMPORT_FIELDS)] == ["id", *REIMPORT_FIELDS]
    assert set(header[1 + len(REIMPORT_FIELDS) :]) == set(seeded.fields)
    stored = group["stored"]
    assert row["id"] == group["id"]
    assert row["name"] == group["name"]
    assert row["company"] == "true"
    # Exactly what Kantata holds: nothing neutralised, nothing reworded.
    assert row["contact_name"] == "@SUM(1+1)"
    assert row["phone_number"] == "+1 555 0241873"
    assert row["notes"] == stored["notes"]
    assert row["website"] == ""
    assert row["Annual revenue"] == "67500.00 GBP"
    assert row["Employees"] == "42.5"
    assert row["Contract start"] == "2026-03-01"
    assert row["Industry"] == group["industry"]
    assert row["Services"] == "; ".join(group["services"])
    assert row["Account tier"] == "=cmd|' /C calc'!A0"


def test_every_reimport_cell_reads_back_as_the_value_kantata_holds(browsing, group, seeded):
    _, (again,) = _rows(browsing.get("/groups/export.csv", only=group["id"], **{"as": "reimport"}))
    values = browsing.api(
        "/custom_field_values.json", subject_type="workspace_group", with_subject_id=group["id"]
    )["custom_field_values"].values()
    held = {v["custom_field_name"]: v for v in values}
    for name, field in seeded.fields.items():
        spec = CustomFieldSpec(field.id, name, field.value_type, tuple(field.choices))
        value = held.get(name)
        expected = typed_value(field.value_type, value["value"]) if value else None
        assert custom_type(spec).parse_cell(spec, again[name]) == expected, name


def test_the_list_offers_both_exports_with_its_filters(browsing):
    page = browsing.get("/groups/", companies_only="on", page="2").content.decode()

    assert "Export CSV:" in page
    assert 'href="/groups/export.csv?companies_only=on&amp;as=spreadsheet"' in page
    assert 'href="/groups/export.csv?companies_only=on&amp;as=reimport"' in page


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("+1 555 0241873", "+1 555 0241873"),  # a phone number
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("-5", "-5"),  # a number
        ("-12.50", "-12.50"),
        ("+1 555-0241", "'+1 555-0241"),  # + then arithmetic
        ("-2+3", "'-2+3"),
        ("=1+1", "'=1+1"),
        ("@x", "'@x"),
        ("+", "'+"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
    ],
)
def test_only_a_cell_that_would_run_is_neutralised(cell, written):
    assert neutralise(cell) == written
    assert runs_as_formula(cell) == (written != cell)


def test_a_custom_field_named_like_a_group_field_reads_back_by_its_own_column():
    spec = CustomFieldSpec("9", "Notes", "string")
    other = CustomFieldSpec("10", "Account tier", "string")

    columns = [c.label for c in reimport_columns([spec, other])]

    assert columns[-2:] == ["custom: Notes", "Account tier"]
    known = known_columns([spec, other])
    assert known[header_key("notes")].field == "notes"
    assert known[header_key("Custom: notes")].spec == spec


def test_a_choice_label_that_could_name_another_choice_goes_by_its_id():
    """Two choices sharing a label, and a label that is another choice's id: the re-import
    cell names each by its id, and reads back as that choice, never the other."""
    spec = CustomFieldSpec(
        "7", "Tier", "multi", (("1", "Gold"), ("2", "gold"), ("3", "4"), ("4", "Silver"))
    )
    kind = custom_type(spec)
    for choice in ("1", "2", "3", "4"):
        text = kind.cell_text(spec, (choice,))
        assert kind.parse_cell(spec, text) == (choice,), (choice, text)
    assert kind.cell_text(spec, ("1", "4")) == "1; Silver"
    with pytest.raises(CellRefused, match="names more than one choice"):
        kind.parse_cell(spec, "Gold")
