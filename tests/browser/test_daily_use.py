"""Daily use in Chromium (issue 18): saved views, the dashboard, page titles, the compact
menu on a phone, a delete that looks like one, and axe-core on each page, light and dark."""

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect

from kantata_admin.savedviews.models import DefaultView, SavedView
from tests.browser.axe import axe_violations
from tests.sandbox_harness import ADMIN_EMAIL

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def editor_session(make_member, connect) -> Client:
    member = make_member("editor")
    connect(member, ADMIN_EMAIL)
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def open_as_editor(browser: Browser, live_server, editor_session) -> Iterator:
    contexts: list[BrowserContext] = []

    def open_page(viewport=DESKTOP, **options) -> Page:
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": editor_session.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_a_member_saves_a_view_opens_it_and_makes_it_the_default(
    open_as_editor, live_server, csp_violations, viewport
):
    page = csp_violations(open_as_editor(viewport))
    page.goto(f"{live_server.url}/groups/?companies_only=on&per_page=50")
    page.get_by_text("Save this view").click()
    page.get_by_label("View name").fill("Companies, 50 a page")
    page.get_by_label("Share with the team").check()
    page.get_by_role("button", name="Save view").click()

    expect(page.get_by_text("You saved the view “Companies, 50 a page” and shared")).to_be_visible()
    view = SavedView.objects.get()
    assert (view.query, view.shared) == ("companies_only=on&per_page=50", True)

    page.goto(f"{live_server.url}/groups/?matching=zzz")
    page.get_by_role("link", name="Companies, 50 a page").click()
    expect(page).to_have_url(re.compile(r"/groups/\?companies_only=on&per_page=50$"))
    expect(page.get_by_label("Companies only")).to_be_checked()

    page.get_by_role("button", name="Open Groups with “Companies, 50 a page”").click()
    expect(page.get_by_text("Groups now opens with the view")).to_be_visible()
    assert DefaultView.objects.get().view == view
    page.goto(f"{live_server.url}/groups/")
    expect(page).to_have_url(re.compile(r"companies_only=on"))


def test_the_dashboard_shows_the_connection_the_count_and_recent_changes(
    open_as_editor, live_server, csp_violations
):
    page = csp_violations(open_as_editor())
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Connected as")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\(\d+ in your account\)"))).to_be_visible()
    expect(page.get_by_role("heading", name="Recent changes")).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_titles_read_page_then_product(open_as_editor, live_server, viewport):
    page = open_as_editor(viewport)
    page.goto(f"{live_server.url}/groups/")
    expect(page).to_have_title("Workspace groups · Kantata Admin")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_title("Dashboard · Kantata Admin")


def test_on_a_phone_the_header_is_compact_and_its_menu_opens(open_as_editor, live_server):
    page = open_as_editor(PHONE)
    page.goto(f"{live_server.url}/")
    header = page.locator("header.topbar").bounding_box()
    assert header and header["height"] <= 80, header
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("navigation", name="Main (compact)").get_by_role("link", name="Groups").click()
    expect(page).to_have_url(re.compile(r"/groups/"))


def test_the_delete_confirmation_button_is_red(open_as_editor, live_server):
    page = open_as_editor()
    page.goto(f"{live_server.url}/groups/")
    page.get_by_role("link", name="Edit", exact=False).first.wait_for()
    href = page.locator("td.row-actions a").first.get_attribute("href")
    page.goto(f"{live_server.url}{href.replace('/edit/', '/delete/')}")
    button = page.get_by_role("button", name=re.compile("^Delete “"))
    color = button.evaluate("b => getComputedStyle(b).backgroundColor")
    assert color == "rgb(198, 40, 40)", color


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "path", ["/", "/groups/", "/groups/new/"], ids=["dashboard", "list", "form"]
)
def test_axe_finds_no_violations(open_as_editor, live_server, scheme, path):
    page = open_as_editor(color_scheme=scheme, bypass_csp=True)
    page.goto(f"{live_server.url}{path}")
    if path == "/groups/":
        page.get_by_text("Save this view").click()  # the saved-views controls, open
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


def test_a_new_members_time_zone_is_their_browsers(open_as_editor, live_server, csp_violations):
    page = csp_violations(open_as_editor(timezone_id="America/New_York"))
    page.goto(f"{live_server.url}/")
    expect(page.locator("footer")).to_contain_text("Times in America/New_York")
    member = SavedView._meta.get_field("owner").related_model.objects.get(role="editor")
    assert member.time_zone == "America/New_York"
