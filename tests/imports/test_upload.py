"""The upload and its dry run over HTTP: header checks listing every problem at once,
what a dry run reads from Kantata, its table filtered by class, its download, who may
see it, and an upstream failure."""

from __future__ import annotations

import uuid

import pytest

from kantata_admin.bulk.models import BulkJob
from kantata_admin.imports.models import ImportRow, ImportRun
from kantata_admin.kantata import track_calls
from tests.imports.conftest import read_csv, upload, upload_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def groups(witness):
    """The account's groups, by name."""
    return list(witness.workspace_groups.iter_all())


def test_every_header_problem_is_listed_at_once_and_nothing_is_kept(importer, login):
    client = login(importer)
    rows = [
        ["id", "name", "Nmae", "notes", "Notes ", "Favourite colour", ""],
        ["", "", "", "a note", "", "", ""],
        ["", "Fine new group", "", "", "", "", ""],
    ]

    response = upload(client, rows)

    assert response.status_code == 400
    page = response.content.decode()
    assert "The file was not imported" in page
    assert "Unknown column “Nmae” (column 3)" in page
    assert "The column “Notes” appears twice (columns 4 and 5)" in page
    assert "Unknown column “Favourite colour” (column 6)" in page
    assert "Column 7 has no header" in page
    assert "Row 2: a new group (no id) needs a name" in page
    assert "5 problems" in page
    assert not ImportRun.objects.exists()


def test_semicolons_a_bom_and_forgiven_headers(importer, login, groups):
    client = login(importer)
    group = groups[0]
    text = f"\ufeffID; NAME ;Contact Name\r\n{group.id};{group.name};{group.contact_name or ''}\r\n"

    response = upload_bytes(client, text.encode("utf-8"))

    assert response.status_code == 302
    assert ImportRun.objects.get().counts == {"create": 0, "update": 0, "unchanged": 1, "error": 0}


def test_the_dry_run_reads_the_listed_ids_200_a_call(importer, login, groups):
    client = login(importer)
    chosen = groups[:210]
    rows = [["id", "name"]] + [[g.id, g.name] for g in chosen]
    client.get("/import/")  # the custom field definitions, cached before counting

    with track_calls() as calls:
        response = upload(client, rows)

    assert response.status_code == 302
    group_reads = [c for c in calls.calls if c.path.endswith("/workspace_groups.json")]
    assert len(group_reads) == 2  # 200 + 10, by `only`
    # No custom field column: no value is read either.
    assert not [c for c in calls.calls if "custom_field_values" in c.path]
    assert ImportRun.objects.get().counts["unchanged"] == 210


def test_row_errors_name_their_reason(importer, login, groups):
    client = login(importer)
    a, b = groups[0], groups[1]
    rows = [
        ["id", "name", "company", "email", "Employees", "Contract start", "Annual revenue"],
        [a.id, a.name, "maybe", "", "", "", ""],
        ["99999999", "Nobody", "true", "", "", "", ""],
        ["12abc", "Bad id", "true", "", "", "", ""],
        ["", "Twice", "", "", "", "", ""],
        ["", "twice ", "", "", "", "", ""],
        [b.id, b.name, "false", "not-an-address", "", "2027-02-30", "12 dollars"],
        [a.id, a.name, "true", "", "", "", ""],
    ]

    response = upload(client, rows)

    assert response.status_code == 302
    run = ImportRun.objects.get()
    errors = {r.line: r.error for r in run.rows.filter(kind=ImportRow.Kind.ERROR)}
    assert "company: 'maybe' is not true or false" in errors[2]
    assert "no group #99999999 in your Kantata OX account" in errors[3]
    assert "id '12abc' is not a Kantata id" in errors[4]
    assert 5 not in errors  # the first "Twice" is created
    assert "the name “twice” is also on line 5" in errors[6]
    assert "'2027-02-30' is not a date" in errors[7]
    assert "'12 dollars' is not an amount and a code" in errors[7]
    assert "id " + a.id + " is also on line 2" in errors[8]
    # b's e-mail is checked only when it would change, and is not an address.
    if b.email != "not-an-address":
        assert "e-mail: 'not-an-address' is not an e-mail address" in errors[7]
    assert run.counts["create"] == 1


@pytest.mark.parametrize("bad", ["0", "007", "٣", "²", str(2**63), "9" * 30])
def test_an_id_that_is_no_kantata_id_is_a_row_error(importer, login, groups, bad):
    """str.isdigit() let these through to the API client, whose refusal answered 502."""
    client = login(importer)
    a = groups[0]
    rows = [["id", "name"], [bad, "Odd id"], [a.id, f"{a.name} (odd id test)"]]

    response = upload(client, rows)

    assert response.status_code == 302, response.content.decode()[:500]
    run = ImportRun.objects.get()
    [error] = run.rows.filter(kind=ImportRow.Kind.ERROR)
    assert error.line == 2
    assert f"id {bad[:40]!r} is not a Kantata id" in error.error
    assert run.counts == {"create": 0, "update": 1, "unchanged": 0, "error": 1}
    page = client.get(response["Location"], {"show": "error"}).content.decode()
    assert "is not a Kantata id" in page


def test_a_long_bad_id_is_stored_blank_and_its_error_shows_what_was_typed(importer, login, groups):
    """ImportRow.group_id holds 64 characters: PostgreSQL refused a longer one (a 500);
    SQLite does not enforce max_length, so the stored length is asserted."""
    client = login(importer)
    typed = "12345abc" * 25  # 200 characters

    response = upload(client, [["id", "name"], [typed, "Long id"]])

    assert response.status_code == 302, response.content.decode()[:500]
    [row] = ImportRun.objects.get().rows.all()
    assert row.kind == ImportRow.Kind.ERROR
    assert len(row.group_id) <= 64
    assert f"id {typed[:40]!r} is not a Kantata id" in row.error
    page = client.get(response["Location"], {"show": "error"}).content.decode()
    assert typed[:40] in page


def test_the_table_filters_by_class_and_downloads(importer, login, groups):
    client = login(importer)
    a, b = groups[0], groups[1]
    rows = [
        ["id", "name", "notes"],
        [a.id, a.name, f"Changed {uuid.uuid4().hex[:6]}"],
        [b.id, b.name, b.notes or ""],
        ["", f"New {uuid.uuid4().hex[:6]}", "=1+1"],
    ]
    response = upload(client, rows)
    url = response["Location"]

    page = client.get(url).content.decode()
    assert 'Update (<span class="count">1</span>)' in page
    assert 'Unchanged (<span class="count">1</span>)' in page
    assert 'Error (<span class="count">1</span>)' in page
    updates = client.get(url, {"show": "update"}).content.decode()
    assert a.name in updates and b.name not in updates
    assert "<del>" in updates
    fragment = client.get(url, {"show": "error"}, headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<section id="import-rows"')
    assert "starts like a spreadsheet formula" in fragment.content.decode()

    download = read_csv(client.get(f"{url}dry-run.csv"))
    assert download[0] == ["row", "class", "id", "name", "changes", "problem"]
    assert [row[1] for row in download[1:]] == ["update", "unchanged", "error"]
    assert download[1][4].startswith("notes: ")


def test_a_run_is_its_uploaders_and_the_admins(importer, login, make_member, groups):
    upload(login(importer), [["id", "name"], [groups[0].id, groups[0].name]])
    run = ImportRun.objects.get()
    paths = [f"/import/{run.pk}/", f"/import/{run.pk}/dry-run.csv"]

    other = login(make_member("editor", "other-editor@team.test"))
    for path in paths:
        assert other.get(path).status_code == 404
    assert other.post(f"/import/{run.pk}/apply/").status_code == 404
    assert str(run.filename) not in other.get("/import/").content.decode()

    admin = login(make_member("admin", "boss@team.test"))
    for path in paths:
        assert admin.get(path).status_code == 200

    viewer = login(make_member("viewer", "just-looking@team.test"))
    assert viewer.get("/import/").status_code == 403
    assert viewer.get(paths[0]).status_code == 403


def test_an_upstream_failure_is_a_message_and_keeps_nothing(
    importer, login, groups, import_sandbox
):
    client = login(importer)
    client.get("/import/")
    api_token = importer.kantata_token
    import_sandbox.fault(api_token, kind="503", count=8)
    try:
        response = upload(client, [["id", "name"], [groups[0].id, groups[0].name]])
    finally:
        import_sandbox.clear_faults(api_token)

    assert response.status_code == 503
    assert "Kantata OX is unavailable" in response.content.decode()
    assert not ImportRun.objects.exists()
    assert not BulkJob.objects.exists()


def test_nothing_to_apply_is_said_and_no_job_starts(importer, login, groups):
    client = login(importer)
    upload(client, [["id", "name"], [groups[0].id, groups[0].name]])
    run = ImportRun.objects.get()

    page = client.get(f"/import/{run.pk}/").content.decode()
    assert "Nothing to create or update" in page
    answer = client.post(f"/import/{run.pk}/apply/", follow=True)
    assert "This dry run has nothing to create or update." in answer.content.decode()
    assert not BulkJob.objects.exists()


def test_line_breaks_inside_cells_stay_in_their_cells(importer, login):
    client = login(importer)
    name = f"Lines {uuid.uuid4().hex[:6]}"
    text = f'id,name,notes\r\n,{name},"One\r\nTwo\u2028Three"\r\n'

    assert upload_bytes(client, text.encode()).status_code == 302

    row = ImportRun.objects.get().rows.get()
    assert row.kind == ImportRow.Kind.CREATE
    assert ["notes", "", "One\r\nTwo\u2028Three"] in row.changes


def test_a_member_without_a_connection_is_asked_to_connect(import_env, make_member, login):
    client = login(make_member("editor", "unconnected@team.test"))

    response = upload(client, [["id", "name"], ["", "Anything"]])

    assert response.status_code == 200
    assert "Connect Kantata OX" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_rows_are_numbered_as_a_spreadsheet_shows_them(importer, login):
    """A quoted cell holding line breaks keeps its row one row: the problem after it is
    reported at the row a spreadsheet shows (3), not the file's line (5)."""
    client = login(importer)
    rows = [["id", "name", "address"], ["", "Two-line address", "1 Main St\nSuite 2\nBerlin"]]
    rows.append(["", "", "no name"])

    response = upload(client, rows)

    assert response.status_code == 400
    assert "Row 3: a new group (no id) needs a name" in response.content.decode()
