"""The group's pages for daily use (issue 18 items 1, 2, 3, 7, 9, 10, 12), in Chromium under
the strict CSP, by role and label; each checks what the sandbox stored and what the page
shows, at 1280 px (items 2, 3 and 10 also at 375 px), and axe-core on the form and the
group's page, light and dark."""

import contextlib
import re
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect

from kantata_admin.audit.models import Action, Outcome
from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.groups import custom_types
from kantata_admin.groups.selectors import group_custom_fields
from kantata_admin.groups.write_refusals import refusal_for
from kantata_admin.kantata import CustomFieldValueInput, NotFound
from tests.browser.axe import axe_violations
from tests.groups.edit_fixtures import group_entries, stored
from tests.sandbox_harness import ADMIN_EMAIL, READONLY_EMAIL, unique_name

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
SANDBOX_PASSWORD = "sandbox-pass-2026"
EDITOR_EMAIL = "editor@sandbox.test"


@pytest.fixture
def open_as(
    browser: Browser, live_server, kantata_sandbox, make_member, csp_violations
) -> Iterator:
    """`open_as(token, viewport=..., javascript=True, role="editor", accept_dialogs=True,
    **context options)`: a page signed in as a new member connected with `token`; the
    browser's dialogs (hx-confirm's) are accepted unless the test answers them itself."""
    contexts: list[BrowserContext] = []

    def open_page(
        token: str,
        *,
        viewport=DESKTOP,
        javascript=True,
        role="editor",
        accept_dialogs=True,
        **options,
    ) -> Page:
        member = make_member(role)
        connection_save_checked(member, TokenGrant(token))
        client = Client()
        client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript, **options)
        contexts.append(context)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        if not options.get("bypass_csp"):
            csp_violations(page)
        if accept_dialogs:
            page.on("dialog", lambda dialog: dialog.accept())
        return page

    yield open_page
    for context in contexts:
        context.close()
    # Let the live server's threads that served the closed connections end now.
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and any(
        "process_request_thread" in thread.name for thread in threading.enumerate()
    ):
        time.sleep(0.05)


@pytest.fixture
def services(kantata):
    return {spec.name: spec for spec in group_custom_fields(kantata, "browser-tests")}["Services"]


def _held_services(kantata, group_id) -> str:
    values = kantata.custom_field_values.for_group(group_id)
    return {v.custom_field_name: v.display_value for v in values}.get("Services", "")


# --- item 1: multiple choices as checkboxes ------------------------------------------------


def test_a_click_on_a_multiple_choice_adds_it_and_keeps_the_others(
    open_as, fresh_token, live_server, kantata, group, services
):
    first, second = services.choices[0], services.choices[2]
    kantata.custom_field_values.create([CustomFieldValueInput(group.id, services.id, (first[0],))])
    page = open_as(fresh_token)
    page.goto(f"{live_server.url}/groups/{group.id}/edit/")

    choices = page.get_by_role("group", name="Services", exact=True)
    expect(choices.get_by_role("checkbox")).to_have_count(len(services.choices))
    expect(choices.get_by_label(first[1], exact=True)).to_be_checked()
    choices.get_by_label(second[1], exact=True).click()  # a plain click, no Ctrl
    expect(choices.get_by_label(first[1], exact=True)).to_be_checked()
    expect(choices.get_by_label(second[1], exact=True)).to_be_checked()
    # Its help is linked: the group names an element that exists and says how to pick.
    described_by = choices.get_attribute("aria-describedby")
    assert described_by
    help_text = page.locator(f"#{described_by.split()[0]}")
    expect(help_text).to_have_text("Tick every choice that applies.")

    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text(f"Saved “{group.name}”.")).to_be_visible()
    assert _held_services(kantata, group.id) == f"{first[1]}, {second[1]}"


def test_a_long_list_of_choices_gets_a_filter_box_and_works_without_it(
    open_as, fresh_token, sandbox, live_server, kantata, group, services, monkeypatch
):
    # The seeded field has 6 choices; the list counts as long from 4 for this test.
    monkeypatch.setattr(custom_types, "FILTER_CHOICES_OVER", 3)
    wanted = services.choices[3][1]
    page = open_as(fresh_token)
    page.goto(f"{live_server.url}/groups/{group.id}/edit/")
    choices = page.get_by_role("group", name="Services", exact=True)
    choices.get_by_label("Filter the Services choices").fill(wanted[:4])
    expect(choices.get_by_role("checkbox")).to_have_count(1)
    choices.get_by_label(wanted, exact=True).check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text(f"Saved “{group.name}”.")).to_be_visible()
    assert _held_services(kantata, group.id) == wanted

    # Without JavaScript: no filter box, every choice there to tick (another member, so
    # another sandbox user: one Kantata user belongs to one member).
    plain = open_as(sandbox.token(EDITOR_EMAIL), javascript=False)
    plain.goto(f"{live_server.url}/groups/{group.id}/edit/")
    choices = plain.get_by_role("group", name="Services", exact=True)
    expect(choices.get_by_role("searchbox")).to_have_count(0)
    expect(choices.get_by_role("checkbox")).to_have_count(len(services.choices))
    expect(choices.get_by_label(wanted, exact=True)).to_be_checked()


# --- item 2: Enter saves, the picker's own button, unsaved changes, the bar, in flight ----


@VIEWPORTS
def test_enter_in_a_field_saves_the_form(
    open_as, fresh_token, live_server, kantata, group, viewport
):
    page = open_as(fresh_token, viewport=viewport)
    page.goto(f"{live_server.url}/groups/{group.id}/edit/")
    page.get_by_label("Contact name", exact=True).fill("Saved by Enter")
    page.get_by_label("Contact name", exact=True).press("Enter")

    expect(page.get_by_text(f"Saved “{group.name}”.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/groups/{group.id}/$"))
    assert stored(kantata, group.id).contact_name == "Saved by Enter"


def test_without_javascript_the_picker_searches_by_its_own_button(
    open_as, fresh_token, live_server, kantata, group, some_workspaces
):
    added = some_workspaces[2]
    page = open_as(fresh_token, javascript=False)
    page.goto(f"{live_server.url}/groups/{group.id}/edit/")
    page.get_by_label("Notes", exact=True).fill("Kept while searching")
    page.get_by_label("Add a workspace", exact=True).fill(added.title)
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page.get_by_label(added.title, exact=True)).not_to_be_checked()
    expect(page.get_by_label("Notes", exact=True)).to_have_value("Kept while searching")
    assert stored(kantata, group.id).notes == "" and not group_entries().exists()
    # Enter in a field now saves, the ticked workspace with it.
    page.get_by_label(added.title, exact=True).check()
    page.get_by_label("Contact name", exact=True).press("Enter")
    expect(page.get_by_text(f"Saved “{group.name}”.")).to_be_visible()
    assert added.id in {w.id for w in stored(kantata, group.id).workspaces}


@VIEWPORTS
def test_leaving_asks_only_when_something_changed(
    open_as, fresh_token, live_server, kantata, group, viewport
):
    page = open_as(fresh_token, viewport=viewport, accept_dialogs=False)
    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the form

    page.on("dialog", answer)
    edit_url = f"{live_server.url}/groups/{group.id}/edit/"
    page.goto(edit_url)
    page.get_by_label("Notes", exact=True).click()  # touched, not changed
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(rf"/groups/{group.id}/$"))
    assert asked == []

    page.goto(edit_url)
    page.get_by_label("Notes", exact=True).fill("Not saved yet")
    page.get_by_role("link", name="Cancel").click()
    deadline = time.monotonic() + 5
    while not asked and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert asked == ["beforeunload"]
    expect(page).to_have_url(edit_url)
    expect(page.get_by_label("Notes", exact=True)).to_have_value("Not saved yet")

    # Saving is not leaving.
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text(f"Saved “{group.name}”.")).to_be_visible()
    assert asked == ["beforeunload"]
    assert stored(kantata, group.id).notes == "Not saved yet"


@VIEWPORTS
def test_save_and_cancel_stay_in_view_on_a_long_form(
    open_as, fresh_token, live_server, group, viewport
):
    page = open_as(fresh_token, viewport=viewport)
    page.goto(f"{live_server.url}/groups/{group.id}/edit/")
    form_height = page.locator("form.group-form").evaluate("f => f.offsetHeight")
    assert form_height > viewport["height"], form_height
    for y in (0, form_height // 2):
        page.evaluate(f"window.scrollTo(0, {y})")
        expect(page.get_by_role("button", name="Save changes")).to_be_in_viewport()
        expect(page.get_by_role("link", name="Cancel")).to_be_in_viewport()


def test_save_is_disabled_while_a_save_is_in_flight(
    open_as, fresh_token, sandbox, live_server, kantata, group
):
    page = open_as(fresh_token)
    page.goto(f"{live_server.url}/groups/{group.id}/edit/")
    page.get_by_label("Phone number", exact=True).fill("+1 555 0101")
    sandbox.fault(fresh_token, kind="delay", delay_ms=1500)
    save = page.get_by_role("button", name="Save changes")
    # Locators wait for a navigation under way to end: the page itself notes what Save
    # looked like meanwhile (sessionStorage outlives the navigation, in this tab).
    save.evaluate(
        """save => new MutationObserver(() => {
            if (save.disabled) {
                const note = save.parentElement.querySelector('[aria-live]').textContent;
                sessionStorage.setItem('save-in-flight', 'disabled, ' + note);
            }
        }).observe(save, {attributes: true})"""
    )
    save.click()
    expect(page.get_by_text(f"Saved “{group.name}”.")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('save-in-flight')") == "disabled, Saving…"
    assert stored(kantata, group.id).phone_number == "+1 555 0101"
    assert group_entries().filter(action=Action.GROUP_UPDATE).count() == 1
    sandbox.clear_faults(fresh_token)


def test_a_save_stopped_on_its_way_gives_save_and_the_guard_back(
    open_as, fresh_token, sandbox, live_server, kantata, group
):
    page = open_as(fresh_token, accept_dialogs=False)
    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the form

    page.on("dialog", answer)
    edit_url = f"{live_server.url}/groups/{group.id}/edit/"
    page.goto(edit_url)
    page.get_by_label("Phone number", exact=True).fill("+1 555 0102")
    sandbox.fault(fresh_token, kind="delay", delay_ms=4000)
    save = page.get_by_role("button", name="Save changes")
    # Once the save is on its way, the member presses Esc (the browser's Stop does the same).
    page.locator("form[data-unsaved-guard]").evaluate(
        """f => f.addEventListener('submit', () => setTimeout(() => {
            sessionStorage.setItem('before-stop', String(f.querySelector('[data-save]').disabled));
            window.stop();
        }, 500))"""
    )
    save.click()
    assert page.evaluate("sessionStorage.getItem('before-stop')") == "true"
    # Save may be pressed again, and leaving with what was typed asks again.
    expect(save).to_be_enabled(timeout=2000)
    expect(page.get_by_text("Saving…")).to_have_count(0)
    page.get_by_role("link", name="Cancel").click()
    deadline = time.monotonic() + 5
    while not asked and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert asked == ["beforeunload"]
    expect(page).to_have_url(edit_url)
    # The stopped save went on in the dashboard: let it end before the test does.
    deadline = time.monotonic() + 10
    while not group_entries().filter(action=Action.GROUP_UPDATE).exists():
        assert time.monotonic() < deadline, "the stopped save never ended"
        time.sleep(0.1)
    sandbox.clear_faults(fresh_token)


def test_a_save_that_never_answers_gives_save_back_after_a_while(
    open_as, fresh_token, sandbox, live_server, group
):
    page = open_as(fresh_token)
    page.goto(f"{live_server.url}/groups/{group.id}/edit/")
    page.get_by_label("Phone number", exact=True).fill("+1 555 0103")
    # A save that hangs (the network, or Kantata): the page is not left waiting forever.
    page.locator("form[data-unsaved-guard]").evaluate("f => { f.dataset.saveTimeoutMs = '700'; }")
    sandbox.fault(fresh_token, kind="delay", delay_ms=3000)
    save = page.get_by_role("button", name="Save changes")
    # Locators wait for a navigation under way to end: the page notes what Save did meanwhile.
    save.evaluate(
        """save => new MutationObserver(() => {
            const note = save.parentElement.querySelector('[aria-live]').textContent;
            const seen = sessionStorage.getItem('save-states') || '';
            sessionStorage.setItem('save-states', seen + (save.disabled ? 'disabled' : 'enabled')
                + (note ? ' (' + note + ')' : '') + '; ');
        }).observe(save, {attributes: true})"""
    )
    save.click()
    expect(page.get_by_text(f"Saved “{group.name}”.")).to_be_visible()
    states = page.evaluate("sessionStorage.getItem('save-states')")
    assert states == (
        "disabled (Saving…); "
        "enabled (No answer yet: the save may still go through. Check before saving again.); "
    )
    sandbox.clear_faults(fresh_token)


# --- item 3: pages opened from the list keep the list's state ------------------------------


@VIEWPORTS
def test_pages_opened_from_the_list_lead_back_to_it_as_it_was(
    open_as, fresh_token, live_server, kantata, group, viewport
):
    list_query = urlencode({"matching": group.name, "order": "name:desc", "per_page": "50"})
    list_url = re.compile(re.escape(f"/groups/?{list_query}") + "$")
    page = open_as(fresh_token, viewport=viewport)
    # As the list's row link opens the group (interface 1: `_list`).
    page.goto(f"{live_server.url}/groups/{group.id}/?{urlencode({'_list': list_query})}")
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")

    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_role("link", name="Cancel").click()  # back to the group, still carrying it
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Contact name", exact=True).fill("Kept the list")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text(f"Saved “{group.name}”.")).to_be_visible()
    assert stored(kantata, group.id).contact_name == "Kept the list"
    breadcrumb.get_by_role("link", name="Workspace groups").click()
    expect(page).to_have_url(list_url)
    expect(page.get_by_label("Name contains", exact=False)).to_have_value(group.name)

    # New group's Cancel, and a delete from the group's page, go back to it too.
    page.goto(f"{live_server.url}/groups/new/?{urlencode({'_list': list_query})}")
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(list_url)
    page.goto(f"{live_server.url}/groups/{group.id}/?{urlencode({'_list': list_query})}")
    page.get_by_role("link", name="Delete", exact=True).click()
    page.get_by_role("button", name=f"Delete “{group.name}”").click()
    expect(page).to_have_url(list_url)
    expect(page.get_by_text(f"Deleted “{group.name}”.")).to_be_visible()
    with pytest.raises(NotFound):
        kantata.workspace_groups.get(group.id)


# --- item 7: a delete looks and feels like one ---------------------------------------------


def test_a_delete_from_the_list_says_so_with_a_link_to_its_history_entry(
    open_as, fresh_token, live_server, kantata, group
):
    page = open_as(fresh_token)
    page.goto(f"{live_server.url}/groups/{group.id}/delete/")
    confirm = page.get_by_role("button", name=f"Delete “{group.name}”")
    assert confirm.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(198, 40, 40)"

    page.goto(f"{live_server.url}/groups/?matching={group.name}")
    page.locator("tr", has_text=group.name).get_by_role(
        "button", name=f"Delete {group.name}"
    ).click()  # hx-confirm: accepted
    notice = page.get_by_role("status").filter(has_text=f"Deleted “{group.name}”.")
    expect(notice).to_be_visible()
    expect(page.locator("tr", has_text=group.name)).to_have_count(0)
    with pytest.raises(NotFound):
        kantata.workspace_groups.get(group.id)
    entry = group_entries().get(action=Action.GROUP_DELETE)
    assert entry.outcome == Outcome.SUCCESS

    notice.get_by_role("link", name="See the delete in its history").click()
    # The link keeps the list's state (_list), as every link from the list does.
    expect(page).to_have_url(re.compile(rf"/groups/{group.id}/\?_list=[^#]+#history-{entry.pk}$"))
    shown = page.locator(f"#history-{entry.pk}")
    expect(shown).to_contain_text("Group deleted")
    expect(shown).to_be_in_viewport()


@pytest.fixture
def forty_groups(kantata) -> Iterator[list]:
    """Forty groups whose names share a prefix of their own (a 50-row page of them alone)."""
    prefix = unique_name("Row")
    made = [kantata.workspace_groups.create({"name": f"{prefix} {n:02}"}) for n in range(40)]
    yield made
    for group in made:
        with contextlib.suppress(NotFound):
            kantata.workspace_groups.delete(group.id)


@VIEWPORTS
def test_a_delete_near_the_bottom_of_a_long_page_is_said_where_the_member_is(
    open_as, fresh_token, live_server, forty_groups, viewport
):
    page = open_as(fresh_token, viewport=viewport)
    prefix = forty_groups[0].name.rsplit(" ", 1)[0]
    page.goto(f"{live_server.url}/groups/?{urlencode({'matching': prefix, 'per_page': 50})}")
    expect(page.get_by_role("heading", name="40 groups")).to_be_visible()
    doomed, after = forty_groups[37], forty_groups[38]
    page.get_by_role("button", name=f"Delete {doomed.name}").click()  # hx-confirm: accepted
    expect(page.locator("tr", has_text=doomed.name)).to_have_count(0)
    # Said in the live region that was there all along (so it is announced), on screen at
    # the bottom of the page, and the keyboard's place is the notice, not the page's top.
    notice = page.locator("#list-notices").get_by_role("status")
    expect(notice).to_have_text(re.compile(f"Deleted “{re.escape(doomed.name)}”"))
    expect(page.locator("#list-notices")).to_have_attribute("aria-live", "polite")
    expect(notice).to_be_in_viewport()
    expect(notice).to_be_focused()
    expect(page.get_by_role("heading", name="39 groups")).to_be_attached()
    expect(notice).to_be_in_viewport()  # still, once the results are drawn again
    expect(page.locator("tr", has_text=after.name)).to_be_in_viewport()
    # The notice's link leads to the group with the list's state, as the rows' links do.
    expect(notice.get_by_role("link", name="See the delete in its history")).to_have_attribute(
        "href", re.compile(r"_list=")
    )


# --- item 9: Kantata's 403 remembered; the group's page says why ---------------------------


def test_a_write_kantata_refuses_makes_edit_and_delete_unavailable_with_the_reason(
    open_as, sandbox, live_server, kantata, group
):
    page = open_as(sandbox.token(READONLY_EMAIL))
    page.goto(f"{live_server.url}/groups/{group.id}/")
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Contact name", exact=True).fill("Refused")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your Kantata account may not change this group")).to_be_visible()
    assert stored(kantata, group.id).contact_name == ""
    # The form says so too, and keeps Save (a change of permission can be found).
    expect(
        page.get_by_text("lets your account read these groups but not change them")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Save changes")).to_be_enabled()

    page.goto(f"{live_server.url}/groups/{group.id}/")
    for name in ("Edit", "Delete"):
        control = page.get_by_role("button", name=name, exact=True)
        expect(control).to_be_disabled()
        expect(control).to_have_accessible_description(
            re.compile("Kantata OX lets your account read these groups but not change them")
        )
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)
    page.get_by_role("link", name="try anyway").click()
    expect(page).to_have_url(re.compile(rf"/groups/{group.id}/edit/"))


def test_a_write_that_goes_through_forgets_the_refusal(
    open_as, fresh_token, live_server, kantata, group
):
    from kantata_admin.connections.models import KantataConnection
    from kantata_admin.groups.write_refusals import remember_refusal

    page = open_as(fresh_token)
    connection = KantataConnection.objects.get()
    remember_refusal(connection, "Not allowed")
    page.goto(f"{live_server.url}/groups/{group.id}/")
    expect(page.get_by_role("button", name="Edit", exact=True)).to_be_disabled()
    page.get_by_role("link", name="try anyway").click()
    page.get_by_label("Contact name", exact=True).fill("Allowed now")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text(f"Saved “{group.name}”.")).to_be_visible()
    assert refusal_for(connection) is None
    expect(page.get_by_role("link", name="Edit", exact=True)).to_be_visible()


# --- item 10: titles, and the stored name after a refused rename --------------------------


@VIEWPORTS
def test_after_a_refused_rename_the_title_and_breadcrumb_show_the_stored_name(
    open_as, fresh_token, live_server, kantata, group, viewport
):
    other = kantata.workspace_groups.create({"name": unique_name()})
    try:
        page = open_as(fresh_token, viewport=viewport)
        page.goto(f"{live_server.url}/groups/{group.id}/edit/")
        expect(page).to_have_title(f"Edit {group.name} · Kantata Admin")
        page.get_by_label("Name", exact=True).fill(other.name)
        page.get_by_role("button", name="Save changes").click()

        expect(page.locator("#id_name_error")).to_have_text("Name has already been taken")
        expect(page.get_by_label("Name", exact=True)).to_have_value(other.name)
        expect(page).to_have_title(f"Edit {group.name} · Kantata Admin")
        breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
        expect(breadcrumb.get_by_role("link", name=group.name, exact=True)).to_be_visible()
        expect(breadcrumb).not_to_contain_text(other.name)
        assert stored(kantata, group.id).name == group.name

        page.goto(f"{live_server.url}/groups/{group.id}/")
        expect(page).to_have_title(f"{group.name} · Kantata Admin")
    finally:
        kantata.workspace_groups.delete(other.id)


# --- item 12: the group in Kantata OX ------------------------------------------------------


def test_open_in_kantata_ox_shows_the_group_on_the_account_host(
    open_as, fresh_token, sandbox, live_server, group
):
    page = open_as(fresh_token)
    page.goto(f"{live_server.url}/groups/{group.id}/")
    link = page.get_by_role("link", name="Open in Kantata OX")
    expect(link).to_have_attribute("href", f"{sandbox.oauth_url}/workspace_groups/{group.id}")
    with page.context.expect_page() as opened:
        link.click()
    kantata_page = opened.value
    kantata_page.get_by_label("E-mail").fill(ADMIN_EMAIL)
    kantata_page.get_by_label("Password").fill(SANDBOX_PASSWORD)
    kantata_page.get_by_role("button", name="Sign in").click()
    expect(kantata_page.get_by_role("heading", level=1)).to_have_text(group.name)
    expect(kantata_page).to_have_url(f"{sandbox.oauth_url}/workspace_groups/{group.id}")


# --- axe-core: the form (checkboxes, errors) and the group's page, light and dark ---------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("where", ["form", "detail"])
def test_axe_finds_no_violations_on_the_form_and_the_groups_page(
    open_as, fresh_token, live_server, kantata, group, scheme, where
):
    page = open_as(fresh_token, color_scheme=scheme, bypass_csp=True)
    if where == "form":
        other = kantata.workspace_groups.create({"name": unique_name()})
        page.goto(f"{live_server.url}/groups/{group.id}/edit/")
        page.get_by_label("Name", exact=True).fill(other.name)
        page.get_by_role("button", name="Save changes").click()
        expect(page.locator("#id_name_error")).to_be_visible()  # with an error shown
        expect(page.get_by_role("group", name="Services", exact=True)).to_be_visible()
        kantata.workspace_groups.delete(other.id)
    else:
        page.goto(f"{live_server.url}/groups/{group.id}/")
        expect(page.get_by_role("link", name="Open in Kantata OX")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("where", ["detail", "form", "delete"])
def test_the_refusal_notice_passes_axe_too(open_as, fresh_token, live_server, group, scheme, where):
    from kantata_admin.connections.models import KantataConnection
    from kantata_admin.groups.write_refusals import remember_refusal

    page = open_as(fresh_token, color_scheme=scheme, bypass_csp=True)
    remember_refusal(KantataConnection.objects.get())
    path = {"detail": "", "form": "edit/", "delete": "delete/"}[where]
    page.goto(f"{live_server.url}/groups/{group.id}/{path}")
    notice = page.get_by_role("status").filter(has_text="Kantata OX refused a change")
    expect(notice).to_be_visible()
    if where == "detail":
        expect(page.get_by_role("button", name="Edit", exact=True)).to_be_disabled()
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []
