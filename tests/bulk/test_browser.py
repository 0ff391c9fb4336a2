"""The bulk flow in Chromium, with a real worker process: all matching and cancel, ticked
rows, preview, confirm, progress across a reload, the summary CSV, and the revert."""

import csv
import io

import pytest
from django.test import Client
from playwright.sync_api import Browser, expect

from kantata_admin.bulk.models import BulkJob
from tests.bulk.conftest import run_here

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Browser, live_server, starter, csp_violations):
    client = Client()
    client.force_login(starter, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = csp_violations(context.new_page())
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def named(api, own_groups):
    return (api, *own_groups(4))


def _choose(page, action: str, **inputs: str) -> None:
    page.get_by_label("Action").select_option(label=action)
    for label, value in inputs.items():
        field = page.get_by_label(label.replace("_", " "), exact=True)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    page.get_by_role("button", name="Preview").click()


def test_bulk_flow_in_the_browser(page, live_server, named, workers):
    api, prefix, made = named
    list_url = f"{live_server.url}/groups/?matching={prefix.replace(' ', '+')}"

    # All matching, then cancelled before any worker runs it.
    page.goto(list_url)
    page.get_by_role("link", name="Change all 4 matching").click()
    _choose(page, "Set a field", Field="Company", New_value="yes")
    expect(page.locator("#preview-count")).to_contain_text("4 groups")
    page.get_by_role("button", name="Change 4 groups").click()
    expect(page.locator("#job-state")).to_have_text("Queued")
    cancelled_url = page.url
    page.get_by_role("button", name="Cancel the job").click()
    expect(page.locator("#job-state")).to_have_text("Cancelling")

    # Two ticked rows.
    page.goto(list_url)
    page.get_by_label(f"Select {made[0].name}", exact=True).check()
    page.get_by_label(f"Select {made[3].name}", exact=True).check()
    page.get_by_role("button", name="Change ticked groups").click()
    expect(page.locator("#selection-summary")).to_have_text("2 ticked groups.")
    _choose(page, "Set a field", Field="Notes", New_value="From the browser")
    expect(page.locator("#preview-rows tbody tr")).to_have_count(2)
    expect(page.locator("#preview-rows")).to_contain_text("From the browser")
    page.get_by_role("button", name="Change 2 groups").click()
    expect(page.locator("#job-state")).to_have_text("Queued")
    page.reload()  # the progress page survives a reload
    expect(page.locator("#job-state")).to_have_text("Queued")

    workers.start()
    # htmx polls the progress until the job is done.
    expect(page.locator("#job-state")).to_have_text("Done", timeout=60_000)
    expect(page.locator("#job-counts")).to_contain_text("2 changed, 0 failed")
    assert {api.workspace_groups.get(g.id).notes for g in (made[0], made[3])} == {
        "From the browser"
    }
    with page.expect_download() as download:
        page.locator("#summary-csv").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text())))
    assert sorted(r[0] for r in rows[1:]) == sorted([made[0].id, made[3].id])

    page.get_by_role("button", name="Revert this job").click()
    expect(page.locator("h1")).to_contain_text("Revert bulk job")
    expect(page.locator("#job-state")).to_have_text("Done", timeout=60_000)
    assert {api.workspace_groups.get(g.id).notes or "" for g in (made[0], made[3])} == {""}

    page.goto(cancelled_url)
    expect(page.locator("#job-state")).to_have_text("Cancelled", timeout=30_000)
    assert not any(api.workspace_groups.get(g.id).company for g in made)
    assert BulkJob.objects.count() == 3


def test_bulk_flow_without_javascript(browser, live_server, starter, named):
    api, prefix, made = named
    client = Client()
    client.force_login(starter, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context(java_script_enabled=False)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(f"{live_server.url}/groups/?matching={prefix.replace(' ', '+')}")
        page.get_by_label(f"Select {made[1].name}", exact=True).check()
        page.get_by_role("button", name="Change ticked groups").click()
        page.get_by_label("Action").select_option(label="Set a field")
        page.get_by_role("button", name="Next").click()
        page.get_by_label("Field", exact=True).select_option(label="Website")
        page.get_by_label("New value", exact=True).fill("https://example.test")
        page.get_by_role("button", name="Preview").click()
        page.get_by_role("button", name="Change 1 group").click()
        expect(page.locator("#job-state")).to_have_text("Queued")
        job = BulkJob.objects.get()
        run_here(job.pk)
        page.reload()
        expect(page.locator("#job-state")).to_have_text("Done")
        assert api.workspace_groups.get(made[1].id).website == "https://example.test"
    finally:
        context.close()
