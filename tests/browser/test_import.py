"""The export choices (issue 18, items 11 and 13) and the CSV import (issue 20) in
Chromium at 1280 px: by role and label, the files read back as a member would."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from tests.browser.axe import axe_violations
from tests.bulk.conftest import Workers
from tests.imports.conftest import (  # noqa: F401 (fixtures)
    import_env_fixture,
    import_sandbox_fixture,
    import_tokens_fixture,
    importer_fixture,
    witness_fixture,
)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


def _open_as(browser: Browser, live_server, member) -> Page:
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def _download(page: Page, link_name: str) -> tuple[str, list[dict[str, str]], list[str]]:
    with page.expect_download() as waiting:
        page.get_by_role("link", name=link_name, exact=True).click()
    download = waiting.value
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    return download.suggested_filename, [dict(zip(header, r, strict=True)) for r in rows], header


@pytest.fixture
def exporting(kantata_sandbox, make_member, fresh_token):
    """A viewer in Tokyo, connected to the sandbox, and a company group of the test's own
    with a phone number and revenue in pounds."""
    member = make_member("viewer", time_zone="Asia/Tokyo")
    connection_save_checked(member, TokenGrant(fresh_token))
    api = kantata_sandbox.api(fresh_token)
    base = kantata_sandbox.api_url
    name = f"Export browser {uuid.uuid4().hex[:8]}"
    made = api.post(
        f"{base}/workspace_groups.json",
        json={"workspace_group": {"name": name, "phone_number": "+1 555 0241873"}},
    ).json()
    group_id = made["results"][0]["id"]
    stored = made["workspace_groups"][group_id]
    yield member, name, group_id, stored
    api.delete(f"{base}/workspace_groups/{group_id}.json")


def test_export_for_a_spreadsheet_or_for_reimport_at_1280(
    browser, live_server, exporting, csp_violations
):
    member, name, group_id, stored = exporting
    page = csp_violations(_open_as(browser, live_server, member))
    page.goto(f"{live_server.url}/groups/?matching={name.replace(' ', '+')}")

    export = page.get_by_role("group", name="Export CSV:")
    expect(export).to_be_visible()
    expect(export.get_by_role("link", name="for a spreadsheet")).to_be_in_viewport()
    expect(export.get_by_role("link", name="for re-import")).to_be_in_viewport()

    filename, rows, header = _download(page, "for a spreadsheet")
    assert filename.startswith("workspace-groups-matching-")
    (row,) = rows
    assert row["Name"] == name
    # A phone number as the member typed it, no apostrophe in front.
    assert row["Phone"] == "+1 555 0241873"
    # Times in the member's zone, and the header says which.
    created = datetime.fromisoformat(stored["created_at"]).astimezone(ZoneInfo("Asia/Tokyo"))
    assert row["Created (Asia/Tokyo)"] == created.strftime("%Y-%m-%d %H:%M:%S")
    assert "Annual revenue currency" in header

    filename, rows, header = _download(page, "for re-import")
    assert "-for-reimport-" in filename
    assert header[:3] == ["id", "name", "company"]
    (row,) = rows
    assert (row["id"], row["name"], row["phone_number"]) == (group_id, name, "+1 555 0241873")


# --- the import (issue 20) ---------------------------------------------------------------


@pytest.fixture
def import_workers(import_env, tmp_path, transactional_db):
    """A real worker process (`manage.py bulk_worker`) on the import's sandbox."""
    pool = Workers(
        {
            "KANTATA_API_URL": import_env.api_url,
            "KANTATA_OAUTH_URL": import_env.oauth_url,
            "KANTATA_RATE_BUDGET_PER_MINUTE": "0",
            "BULK_STALE_SECONDS": "3",
        },
        tmp_path,
    )
    yield pool
    pool.stop_all()


@pytest.fixture
def import_file(witness, tmp_path):
    """A file of two updates, one unchanged group, one new group and one bad row; the new
    group (by its unique name) is deleted at the end."""
    first, second, third = list(witness.workspace_groups.list(per_page=3).records)
    tag = uuid.uuid4().hex[:6]
    new_name = f"Browser import {tag}"
    rows = [
        ["id", "name", "notes", "Employees"],
        [first.id, first.name, f"Browser note {tag} 1", ""],
        [second.id, second.name, f"Browser note {tag} 2", ""],
        [third.id, third.name, third.notes or "", "a few"],
        ["", new_name, "Made in the browser", "7"],
    ]
    path = tmp_path / "groups.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    yield path, first, second, new_name
    made = witness.workspace_groups.find_by_name(new_name)
    if made is not None:
        witness.workspace_groups.delete(made.id)


def test_import_upload_dry_run_filter_apply_progress_summary_at_1280(
    browser, live_server, importer, import_file, import_workers, witness, csp_violations
):
    path, first, second, new_name = import_file
    page = csp_violations(_open_as(browser, live_server, importer))
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()

    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import of groups.csv")
    rows = page.locator("#dry-run tbody tr")
    expect(rows).to_have_count(4)
    filters = page.get_by_role("navigation", name="Filter the rows by class")
    expect(filters.get_by_role("link", name="Update (2)")).to_be_visible()
    expect(filters.get_by_role("link", name="Create (1)")).to_be_visible()

    filters.get_by_role("link", name="Error (1)").click()
    expect(page).to_have_url(re.compile(r"\?show=error$"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("'a few' is not a number")
    filters.get_by_role("link", name="Update (2)").click()
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(first.name)
    expect(page.get_by_role("table")).to_be_in_viewport()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, width

    page.get_by_role("button", name="Apply 3 changes").click()
    expect(page.locator("#job-state")).to_have_text("Queued")
    import_workers.start()
    expect(page.locator("#job-state")).to_have_text("Done", timeout=60_000)
    expect(page.locator("#job-counts")).to_contain_text("3 of 3: 3 changed, 0 failed")
    expect(page.get_by_role("link", name="Download the summary (CSV)")).to_be_visible()
    expect(page.get_by_role("button", name="Revert this job")).to_be_visible()
    assert witness.workspace_groups.get(second.id).notes.startswith("Browser note")
    assert witness.workspace_groups.find_by_name(new_name) is not None


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_the_import_pages(
    browser, live_server, importer, import_file, scheme
):
    path = import_file[0]
    client = Client()
    client.force_login(importer, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context(viewport=DESKTOP, color_scheme=scheme, bypass_csp=True)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/import/")
    assert axe_violations(page) == []
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("#dry-run")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/import/")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": b"id,nmae\r\n,x\r\n"}]
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("alert")).to_contain_text("Unknown column “nmae”")
    assert axe_violations(page) == []
    context.close()
