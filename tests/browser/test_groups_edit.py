"""Creating, editing and deleting workspace groups in Chromium, under the strict CSP.

Each test checks what the sandbox stored and what the audit log recorded, not only what
the page shows.
"""

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from kantata_admin.audit.models import Action, Outcome
from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.kantata import NotFound
from tests.groups.edit_fixtures import group_entries, stored, titles
from tests.sandbox_harness import unique_name

pytestmark = pytest.mark.browser


@dataclass
class Session:
    page: Page
    token: str  # the member's own sandbox token: faults injected on it hit only this test
    base: str

    def goto(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")


@pytest.fixture
def browser_pages(browser: Browser) -> Iterator[list[Page]]:
    """The pages a test opens; their browser contexts are closed when it ends."""
    pages: list[Page] = []
    yield pages
    for page in pages:
        page.context.close()
    # Chromium's kept-alive connections just closed: let the live server's threads that
    # served them end now, while they may still close the database connection they share
    # with the test (later, each would fail to and print a traceback).
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and any(
        "process_request_thread" in thread.name for thread in threading.enumerate()
    ):
        time.sleep(0.05)


def _session_page(
    browser: Browser, live_server, member, token: str, *, javascript: bool = True
) -> Page:
    connection_save_checked(member, TokenGrant(token))
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context(java_script_enabled=javascript)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


@pytest.fixture
def editor_session(
    browser, live_server, kantata_sandbox, make_member, fresh_token, csp_violations, browser_pages
) -> Iterator[Session]:
    page = csp_violations(_session_page(browser, live_server, make_member("editor"), fresh_token))
    browser_pages.append(page)
    # hx-confirm asks with the browser's own dialog: the member says yes.
    page.on("dialog", lambda dialog: dialog.accept())
    yield Session(page, fresh_token, live_server.url)
    kantata_sandbox.clear_faults(fresh_token)


def _pick_workspace(page: Page, title: str) -> None:
    page.get_by_label("Add a workspace", exact=True).fill(title)
    page.get_by_role("button", name=f"Add {title}", exact=True).click()
    expect(page.locator("#picked-workspaces").get_by_label(title, exact=True)).to_be_checked()


def test_create_a_group_with_two_workspaces(editor_session, kantata, some_workspaces):
    page, name = editor_session.page, unique_name()
    first, second = some_workspaces[:2]
    editor_session.goto("/groups/")
    page.get_by_role("link", name="New group").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("This group is a company", exact=True).check()
    page.get_by_label("Contact name", exact=True).fill("Robin Browser")
    _pick_workspace(page, first.title)
    _pick_workspace(page, second.title)
    page.get_by_role("button", name="Create group").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.get_by_text(f"Created “{name}”.")).to_be_visible()
    group_id = page.url.rstrip("/").split("/")[-1]
    upstream = stored(kantata, group_id)
    assert (upstream.company, upstream.contact_name) == (True, "Robin Browser")
    assert titles(upstream) == sorted([first.title, second.title])
    entry = group_entries().get()
    assert (entry.action, entry.group_id) == (Action.GROUP_CREATE, group_id)
    assert entry.changes["workspaces_added"] == sorted([first.title, second.title])
    # The detail page shows the change in the group's history.
    expect(page.locator(".group-history")).to_contain_text("Group created")
    kantata.workspace_groups.delete(group_id)


def test_a_duplicate_name_in_another_case_shows_on_the_name_field_keeping_the_rest(
    editor_session, group, some_workspaces
):
    page = editor_session.page
    editor_session.goto("/groups/new/")
    page.get_by_label("Name", exact=True).fill(group.name.upper())
    page.get_by_label("E-mail", exact=True).fill("kept@example.test")
    page.get_by_label("Notes", exact=True).fill("Still here after the error")
    page.get_by_label("Service name", exact=True).fill("netsuite")
    page.get_by_label("Service model", exact=True).fill("Customer")
    page.get_by_label("Model ref", exact=True).fill("77")
    _pick_workspace(page, some_workspaces[3].title)
    page.get_by_role("button", name="Create group").click()

    expect(page.locator("#id_name_error")).to_have_text("Name has already been taken")
    expect(page.get_by_label("Name", exact=True)).to_have_value(group.name.upper())
    expect(page.get_by_label("E-mail", exact=True)).to_have_value("kept@example.test")
    expect(page.get_by_label("Notes", exact=True)).to_have_value("Still here after the error")
    expect(page.get_by_label("Service name", exact=True)).to_have_value("netsuite")
    expect(page.get_by_label("Model ref", exact=True)).to_have_value("77")
    expect(page.get_by_label(some_workspaces[3].title, exact=True)).to_be_checked()
    assert group_entries().get().outcome == Outcome.ERROR


def test_edit_and_remove_a_workspace(editor_session, kantata, group):
    page = editor_session.page
    kept, dropped = group.workspaces
    editor_session.goto(f"/groups/{group.id}/")
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label(dropped.title, exact=True).uncheck()
    page.get_by_label("Phone number", exact=True).fill("+1 555 0199")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text(f"Saved “{group.name}”.")).to_be_visible()
    upstream = stored(kantata, group.id)
    assert titles(upstream) == [kept.title] and upstream.phone_number == "+1 555 0199"
    entry = group_entries().get()
    assert entry.changes["workspaces_removed"] == [dropped.title]
    assert entry.changes["fields"] == {"phone_number": {"before": "", "after": "+1 555 0199"}}
    expect(page.locator(".group-history")).to_contain_text(dropped.title)


def test_a_change_made_meanwhile_in_kantata_is_shown_before_overwriting(
    editor_session, sandbox, admin_token, kantata, group
):
    page = editor_session.page
    editor_session.goto(f"/groups/{group.id}/edit/")
    # Someone else changes the group straight through Kantata's API.
    sandbox.api(admin_token).put(
        f"{sandbox.api_url}/workspace_groups/{group.id}.json",
        json={"workspace_group": {"name": group.name, "email": "theirs@example.test"}},
    ).raise_for_status()
    page.get_by_label("E-mail", exact=True).fill("mine@example.test")
    page.get_by_role("button", name="Save changes").click()

    warning = page.get_by_role("alert").filter(has_text="changed in Kantata OX")
    expect(warning).to_be_visible()
    expect(warning.locator("td.theirs")).to_have_text("theirs@example.test")
    expect(warning.locator("td.yours")).to_have_text("mine@example.test")
    expect(page.get_by_label("E-mail", exact=True)).to_have_value("mine@example.test")
    assert stored(kantata, group.id).email == "theirs@example.test"
    assert not group_entries().exists()

    page.get_by_role("button", name="Save mine anyway").click()
    expect(page.get_by_text(f"Saved “{group.name}”.")).to_be_visible()
    assert stored(kantata, group.id).email == "mine@example.test"


def test_delete_from_the_list_without_a_reload(editor_session, kantata, group):
    page = editor_session.page
    editor_session.goto(f"/groups/?matching={group.name}")
    row = page.locator("tr", has_text=group.name)
    expect(row).to_have_count(1)
    expect(page.locator("#results-heading")).to_have_text("1 group")
    page.evaluate("window.notReloaded = true")
    row.get_by_role("button", name=f"Delete {group.name}").click()

    expect(page.locator("tr", has_text=group.name)).to_have_count(0)
    # The count follows (the results are drawn again, without a reload).
    expect(page.locator("#results-heading")).to_have_text("0 groups")
    assert page.evaluate("window.notReloaded") is True
    with pytest.raises(NotFound):
        kantata.workspace_groups.get(group.id)
    entry = group_entries().get()
    assert (entry.action, entry.outcome) == (Action.GROUP_DELETE, Outcome.SUCCESS)


def test_a_viewer_sees_no_write_control(
    browser,
    live_server,
    kantata_sandbox,
    make_member,
    fresh_token,
    csp_violations,
    group,
    browser_pages,
):
    page = csp_violations(_session_page(browser, live_server, make_member("viewer"), fresh_token))
    browser_pages.append(page)
    page.goto(f"{live_server.url}/groups/?matching={group.name}")
    expect(page.locator("tr", has_text=group.name)).to_have_count(1)
    page.goto(f"{live_server.url}/groups/{group.id}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(group.name)
    for name in ("New group", "Edit", "Delete"):
        expect(page.get_by_role("link", name=name)).to_have_count(0)
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    page.goto(f"{live_server.url}/groups/?matching={group.name}")
    expect(page.get_by_role("link", name="New group")).to_have_count(0)
    expect(page.get_by_role("button", name=f"Delete {group.name}")).to_have_count(0)


def test_a_503_during_a_save_keeps_the_form_filled(editor_session, sandbox, kantata, group):
    page = editor_session.page
    editor_session.goto(f"/groups/{group.id}/edit/")
    page.get_by_label("Contact name", exact=True).fill("Typed before the outage")
    page.get_by_label("Website", exact=True).fill("https://typed.example.test")
    # Enough 503s to outlast the client's retries of the check.
    sandbox.fault(editor_session.token, kind="503", count=6)
    page.get_by_role("button", name="Save changes").click()

    expect(
        page.get_by_text("Kantata OX is unavailable right now. Nothing was saved")
    ).to_be_visible()
    expect(page.get_by_label("Contact name", exact=True)).to_have_value("Typed before the outage")
    expect(page.get_by_label("Website", exact=True)).to_have_value("https://typed.example.test")
    assert stored(kantata, group.id).contact_name == ""
    assert group_entries().get().outcome == Outcome.ERROR


def test_without_javascript_the_workspace_search_keeps_what_was_typed(
    browser,
    live_server,
    kantata_sandbox,
    make_member,
    fresh_token,
    kantata,
    group,
    some_workspaces,
    browser_pages,
):
    page = _session_page(browser, live_server, make_member("editor"), fresh_token, javascript=False)
    browser_pages.append(page)
    added = some_workspaces[2]
    page.goto(f"{live_server.url}/groups/{group.id}/edit/")
    page.get_by_label("Notes", exact=True).fill("Typed before searching")
    search = page.get_by_label("Add a workspace", exact=True)
    search.fill(added.title)
    # The picker's own button: a search, not a save (Enter in a field saves).
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page.get_by_label(added.title, exact=True)).not_to_be_checked()
    expect(page.get_by_label("Notes", exact=True)).to_have_value("Typed before searching")
    expect(search).to_have_value(added.title)
    assert stored(kantata, group.id).notes == "" and not group_entries().exists()

    page.get_by_label(added.title, exact=True).check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text(f"Saved “{group.name}”.")).to_be_visible()
    upstream = stored(kantata, group.id)
    assert upstream.notes == "Typed before searching"
    assert titles(upstream) == sorted([*(w.title for w in group.workspaces), added.title])


def test_with_javascript_enter_in_the_search_box_searches_without_saving(
    editor_session, kantata, group, some_workspaces
):
    page, added = editor_session.page, some_workspaces[2]
    editor_session.goto(f"/groups/{group.id}/edit/")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Notes", exact=True).fill("Not saved by Enter")
    page.get_by_label("Add a workspace", exact=True).fill(added.title)
    page.get_by_label("Add a workspace", exact=True).press("Enter")
    expect(page.get_by_role("button", name=f"Add {added.title}", exact=True)).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    assert stored(kantata, group.id).notes == ""
