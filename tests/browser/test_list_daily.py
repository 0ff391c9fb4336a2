"""The group list for daily team use (issue 18, the list's side), in Chromium at 1280 px and
375 px: the list's state carried by every link that leaves it and a history that Back can
walk (item 3), the column chooser (item 4), paging from the bottom of a long page (item 6),
write controls Kantata refuses (item 9), and axe-core on the list, light and dark.

An editor connected to the session sandbox (some 200 groups) as its administrator, with a token
of its own."""

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect

from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.groups import write_refusals
from kantata_admin.savedviews.models import SavedView
from tests.browser.axe import axe_violations

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])


@pytest.fixture
def editor(make_member):
    return make_member("editor")


@pytest.fixture
def kantata_token(kantata_sandbox, fresh_token) -> str:
    """The editor's own sandbox token: faults a test injects reach only its calls."""
    return fresh_token


@pytest.fixture
def connection(editor, kantata_token):
    return connection_save_checked(editor, TokenGrant(kantata_token))


@pytest.fixture
def open_list(browser: Browser, live_server, editor, connection, csp_violations) -> Iterator:
    """`open_list(query, viewport=…, **context options)`: the list in a new tab, as the
    editor, watched for anything the page's CSP blocks."""
    client = Client()
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    contexts: list[BrowserContext] = []

    def open_page(query: str = "", viewport=DESKTOP, **options) -> Page:
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
        context.add_cookies([{**cookie, "url": live_server.url}])
        page = csp_violations(context.new_page())
        page.goto(f"{live_server.url}/groups/{query}")
        return page

    yield open_page
    for context in contexts:
        context.close()


def carried(href: str | None) -> dict[str, list[str]]:
    """The list state a link carries in `_list`, parsed."""
    assert href, "the control is not a link"
    (state,) = parse_qs(urlsplit(href).query)["_list"]
    return parse_qs(state)


def history_length(page: Page) -> int:
    return page.evaluate("history.length")


def results_settled(page: Page) -> None:
    """Wait until no list request is in flight (htmx marks the requesting element)."""
    expect(page.locator(".htmx-request")).to_have_count(0)


# --- item 3: the list keeps its state --------------------------------------------------


@VIEWPORTS
def test_every_link_leaving_the_list_carries_its_state(open_list, editor, viewport):
    SavedView.objects.create(owner=editor, name="Mine", query="order=name%3Aasc")
    state = {"matching": ["a"], "order": ["name:desc"], "per_page": ["50"], "page": ["2"]}
    page = open_list("?matching=a&order=name%3Adesc&per_page=50&page=2", viewport)
    first_row = page.get_by_role("row").nth(1)
    name_link = first_row.locator('td[data-label="Name"]').get_by_role("link")
    assert carried(name_link.get_attribute("href")) == state
    edit = first_row.get_by_role("link", name=re.compile("^Edit "))
    assert carried(edit.get_attribute("href")) == state
    delete_form = first_row.locator(
        "form", has=page.get_by_role("button", name=re.compile("^Delete "))
    )
    assert parse_qs(delete_form.locator("input[name=_list]").input_value()) == state
    assert carried(page.get_by_role("link", name="New group").get_attribute("href")) == state

    # After the list changes in place, the links carry its new state.
    page.get_by_label("Companies only").check()
    expect(page).to_have_url(re.compile("companies_only=on"))
    results_settled(page)
    new_group = page.get_by_role("link", name="New group")
    assert carried(new_group.get_attribute("href"))["companies_only"] == ["on"]
    name_link = page.get_by_role("row").nth(1).locator('td[data-label="Name"]').get_by_role("link")
    assert carried(name_link.get_attribute("href"))["companies_only"] == ["on"]
    # Those outside the results too: the export links and the saved views' way back.
    for shape in ("for a spreadsheet", "for re-import"):
        export = urlsplit(page.get_by_role("link", name=shape).get_attribute("href"))
        assert export.path == reverse("groups:export")
        assert parse_qs(export.query)["companies_only"] == ["on"]
        assert parse_qs(export.query)["matching"] == ["a"]
    remove = page.locator("form", has=page.get_by_role("button", name="Remove the view “Mine”"))
    back = urlsplit(remove.locator("input[name=back]").input_value())
    assert back.path == "/groups/" and parse_qs(back.query)["companies_only"] == ["on"]
    name_link.click()
    expect(page).to_have_url(re.compile(r"/groups/\d+/\?_list="))


# --- item 9: Kantata's permission and the dashboard's role agree -----------------------


def test_write_controls_are_unavailable_with_the_reason_while_kantata_refuses(
    open_list, connection
):
    write_refusals.remember_refusal(connection, "You are not allowed to edit groups.")
    page = open_list("?per_page=20")
    notice = page.locator("#write-refusal")
    expect(notice).to_contain_text("Kantata OX lets your account read these groups but not")
    expect(notice).to_contain_text("You are not allowed to edit groups.")
    reason = page.locator("#write-refusal-reason")

    new_group = page.get_by_role("link", name="New group")
    expect(new_group).to_be_disabled()
    assert new_group.get_attribute("href") is None
    rows = page.get_by_role("row")
    expect(rows).to_have_count(21)
    for control in (
        new_group,
        rows.nth(1).get_by_role("link", name=re.compile("^Edit ")),
        rows.nth(1).get_by_role("button", name=re.compile("^Delete ")),
        rows.nth(20).get_by_role("button", name=re.compile("^Delete ")),
        rows.nth(1).get_by_role("checkbox", name=re.compile("^Select ")),
        page.get_by_role("button", name="Change ticked groups"),
        page.get_by_role("link", name=re.compile("^Change all ")),
    ):
        expect(control).to_be_disabled()
        expect(control).to_have_accessible_description(reason.inner_text())
    assert page.locator("td.row-actions a[href]").count() == 0

    # One notice, and a way to the form to find out whether Kantata has changed its mind,
    # carrying the list's state as it is after a change in place.
    page.get_by_label("Companies only").check()
    expect(page).to_have_url(re.compile("companies_only=on"))
    results_settled(page)
    expect(page.get_by_role("link", name="Try anyway", exact=True)).to_have_count(1)
    try_anyway = page.get_by_role("link", name="Try anyway", exact=True)
    assert carried(try_anyway.get_attribute("href"))["companies_only"] == ["on"]
    page.get_by_role("link", name="Try anyway", exact=True).click()
    expect(page).to_have_url(re.compile(r"/groups/new/"))

    # A later successful write clears the memory: the controls are back.
    write_refusals.clear_refusal(connection)
    page.goto(page.url.split("/groups/")[0] + "/groups/?per_page=20")
    expect(page.get_by_role("link", name="New group")).to_be_enabled()
    expect(
        page.get_by_role("row").nth(1).get_by_role("link", name=re.compile("^Edit "))
    ).to_be_enabled()
    expect(page.locator("#write-refusal")).to_have_count(0)


@VIEWPORTS
def test_typing_a_name_adds_one_history_entry_and_back_leaves_the_search(open_list, viewport):
    page = open_list("?order=name%3Aasc", viewport)
    before = history_length(page)
    search = page.get_by_label("Name contains")
    # Slower than the list's 400 ms pause: each keystroke asks for (and draws) a list.
    search.press_sequentially("bio", delay=900)
    expect(page).to_have_url(re.compile(r"matching=bio"))
    results_settled(page)
    search.blur()  # the change event of leaving the box asks once more: still one entry
    results_settled(page)
    assert history_length(page) == before + 1

    page.go_back()
    expect(page).to_have_url(re.compile(r"/groups/\?order=name%3Aasc$"))
    expect(page.get_by_label("Name contains")).to_have_value("")


@VIEWPORTS
def test_arrowing_through_the_sort_select_adds_one_history_entry(open_list, viewport):
    page = open_list("?order=name%3Aasc", viewport)
    before = history_length(page)
    sort = page.get_by_label("Sort by")
    sort.focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(700)
    expect(page).to_have_url(re.compile(r"order=created_at%3Aasc"))
    results_settled(page)
    assert history_length(page) == before + 1

    page.go_back()
    expect(page).to_have_url(re.compile(r"/groups/\?order=name%3Aasc$"))
    expect(page.get_by_label("Sort by")).to_have_value("name:asc")


# --- item 6: paging from the bottom of a long page --------------------------------------


@VIEWPORTS
def test_paging_from_the_bottom_shows_the_wait_and_the_next_page_from_its_top(
    open_list, kantata_sandbox, kantata_token, viewport
):
    page = open_list("?per_page=50", viewport)
    heading = page.get_by_role("heading", name=re.compile(r"^\d+ groups$"))
    expect(heading).to_have_count(1)
    page.get_by_role("navigation", name="Pages").scroll_into_view_if_needed()
    page.keyboard.press("End")
    expect(heading).not_to_be_in_viewport()

    # Kantata takes its time with the next page: the member sees that it is coming.
    kantata_sandbox.fault(kantata_token, kind="delay", delay_ms=1500)
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").click()
    loading = page.get_by_text("Loading…")
    expect(loading).to_have_css("opacity", "1")
    box, screen = loading.bounding_box(), page.viewport_size
    # Measured while the answer is still on its way (not the next page's indicator).
    expect(page.locator("#loading.htmx-request")).to_have_count(1, timeout=1)
    assert box and screen and 0 <= box["y"] <= box["y"] + box["height"] <= screen["height"], box
    assert 0 <= box["x"] <= box["x"] + box["width"] <= screen["width"], box

    expect(page.get_by_text(re.compile(r"^Showing 51\u2013100 of \d+\.$"))).to_be_visible()
    expect(heading).to_be_in_viewport()
    top = page.locator("#results").evaluate("e => e.getBoundingClientRect().top")
    assert -1 <= top <= 1, top  # the results start at the top of the screen
    expect(loading).to_have_css("opacity", "0")


# --- item 4: columns a member can choose, that fit ---------------------------------------


def shown_columns(page: Page) -> list[str]:
    """The first row's columns, in order (each cell names its column, at any width)."""
    cells = page.get_by_role("row").nth(1).locator("td[data-label]")
    labels = cells.evaluate_all("cells => cells.map(cell => cell.dataset.label)")
    return [label for label in labels if label != "Actions"]


def test_the_default_columns_fit_at_1280_without_sideways_scrolling(open_list):
    page = open_list("?order=name%3Aasc")
    frame = page.locator(".table-wrap")
    scroll_width, client_width = frame.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert scroll_width <= client_width, (scroll_width, client_width)
    for name in ("Name", "Company", "Contact", "E-mail", "Updated"):
        header = page.get_by_role("columnheader", name=re.compile(f"^{name}"))
        expect(header).to_be_in_viewport(ratio=1)
    assert shown_columns(page) == ["Name", "Company", "Contact", "E-mail", "Updated"]


@VIEWPORTS
def test_the_column_chooser_shows_hides_and_orders_columns_and_remembers_them(
    open_list, editor, viewport
):
    page = open_list("?order=name%3Aasc&per_page=50", viewport)
    page.get_by_text("Columns", exact=True).click()
    chooser = page.get_by_role("group", name="Columns to show, in order")
    expect(chooser.get_by_role("checkbox", name="Name")).to_be_disabled()  # always shown
    chooser.get_by_role("checkbox", name="Company").uncheck()
    chooser.get_by_role("checkbox", name="Website").check()
    chooser.get_by_role("checkbox", name="Workspaces").check()
    chooser.get_by_role("checkbox", name="Account tier").check()
    page.get_by_role("button", name="Show these columns").click()

    expected = ["Name", "Contact", "E-mail", "Updated", "Website", "Workspaces", "Account tier"]
    expect(page.get_by_role("row").nth(1)).to_be_visible()
    assert shown_columns(page) == expected
    expect(page).to_have_url(re.compile(r"per_page=50.*columns=name"))  # the list as it was

    # The chooser is open again where it was: move Website two places up.
    chooser.get_by_role("button", name="Move Website up").click()
    chooser.get_by_role("button", name="Move Website up").click()
    expected = ["Name", "Contact", "Website", "E-mail", "Updated", "Workspaces", "Account tier"]
    expect(page.get_by_role("row").nth(1)).to_be_visible()
    assert shown_columns(page) == expected
    workspaces = page.locator('td[data-label="Workspaces"]')
    assert any(text.strip() for text in workspaces.all_inner_texts())  # the include was asked

    # Remembered for the member: a list whose address names no columns shows theirs.
    stored = editor.column_choice.columns.split(",")
    assert stored[:6] == ["name", "contact_name", "website", "email", "updated_at", "workspaces"]
    again = open_list("?order=name%3Adesc", viewport)
    assert shown_columns(again) == expected

    # And back to the default.
    again.get_by_text("Columns", exact=True).click()
    again.get_by_role("button", name="Back to the default columns").click()
    expect(again.get_by_role("row").nth(1)).to_be_visible()
    assert shown_columns(again) == ["Name", "Company", "Contact", "E-mail", "Updated"]


def test_the_column_chooser_works_without_javascript(open_list):
    page = open_list("?order=name%3Aasc", java_script_enabled=False)
    page.get_by_text("Columns", exact=True).click()
    page.get_by_role("checkbox", name="Phone").check()
    page.get_by_role("button", name="Move Phone up").click()  # a move applies the ticks too
    expect(page.get_by_role("columnheader", name="Phone")).to_be_visible()
    assert shown_columns(page) == ["Name", "Company", "Contact", "E-mail", "Phone", "Updated"]


def test_a_view_saved_from_the_list_keeps_its_filters_and_columns(open_list, editor):
    page = open_list("?order=name%3Aasc")
    page.get_by_text("Columns", exact=True).click()
    page.get_by_role("checkbox", name="Website").check()
    page.get_by_role("button", name="Show these columns").click()
    expect(page.get_by_role("columnheader", name="Website")).to_be_visible()
    # A list whose address names no columns shows the member's; it changes in place
    # (htmx), and the view saved is that list as it is now, with those columns.
    page.goto(page.url.split("/groups/")[0] + "/groups/?order=name%3Aasc")
    expect(page.get_by_role("columnheader", name="Website")).to_be_visible()
    page.get_by_label("Companies only").check()
    expect(page).to_have_url(re.compile("companies_only=on"))
    results_settled(page)
    page.get_by_text("Save this view").click()
    page.get_by_label("View name").fill("Companies with websites")
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_text("You saved the view “Companies with websites”")).to_be_visible()

    view = editor.saved_views.get()
    assert parse_qs(view.query)["companies_only"] == ["on"]
    assert "website" in parse_qs(view.query)["columns"]

    # The member goes back to the default columns; the view still opens with its own.
    page.get_by_text("Columns", exact=True).click()
    page.get_by_role("button", name="Back to the default columns").click()
    expect(page.get_by_role("columnheader", name="Website")).to_have_count(0)
    page.get_by_role("link", name="Companies with websites").click()
    expect(page.get_by_label("Companies only")).to_be_checked()
    expect(page.get_by_role("columnheader", name="Website")).to_be_visible()
    assert shown_columns(page) == ["Name", "Company", "Contact", "E-mail", "Updated", "Website"]


# --- axe-core: the list (column chooser open), the saved-views controls, the dashboard ---


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_axe_finds_nothing_on_the_list_with_the_chooser_and_saved_views_open(
    open_list, scheme, viewport
):
    page = open_list("?order=name%3Aasc", viewport, color_scheme=scheme, bypass_csp=True)
    page.get_by_text("Columns", exact=True).click()
    page.get_by_text("Save this view").click()
    expect(page.get_by_role("button", name="Show these columns")).to_be_visible()
    expect(page.get_by_role("button", name="Save view")).to_be_visible()
    assert axe_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_list_while_kantata_refuses_writes(open_list, connection, scheme):
    write_refusals.remember_refusal(connection, "Read-only user.")
    page = open_list("?order=name%3Aasc", color_scheme=scheme, bypass_csp=True)
    expect(page.get_by_role("link", name="New group")).to_be_disabled()
    assert axe_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_dashboard(open_list, live_server, scheme):
    page = open_list("?order=name%3Aasc", color_scheme=scheme, bypass_csp=True)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Recent changes")).to_be_visible()
    assert axe_violations(page) == []
