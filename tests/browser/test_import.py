"""The export choices (issue 18, items 11 and 13) and the CSV import (issue 20) in
Chromium at 1280 px: by role and label, the files read back as a member would."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked

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
