"""Custom field values in Chromium, under the strict CSP: each of the six types edited on
one group, seen on its page and found through the list's custom-field filters; a wrong
value on its input with the other inputs kept; a value cleared. Each test checks what the
sandbox stored, not only what the page shows."""

import pytest
from playwright.sync_api import Page, expect

from kantata_admin.groups.selectors import group_custom_fields
from kantata_admin.kantata import CustomFieldValueInput
from tests.browser.test_groups_edit import browser_pages, editor_session  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

TOO_BIG = "1000000000000000"


@pytest.fixture
def specs(kantata):
    return {spec.name: spec for spec in group_custom_fields(kantata, "browser-tests")}


def _held(kantata, group_id) -> dict[str, str]:
    values = kantata.custom_field_values.for_group(group_id)
    return {value.custom_field_name: value.display_value for value in values}


def _shown_on_detail(page: Page) -> dict[str, str]:
    section = page.locator("section[aria-labelledby=custom-heading]")
    names = section.locator("dt").all_inner_texts()
    return dict(zip(names, section.locator("dd").all_inner_texts(), strict=True))


def _save(page: Page, name: str) -> None:
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text(f"Saved “{name}”.")).to_be_visible()


def test_each_type_is_edited_shown_and_found_by_the_lists_filter(
    editor_session,  # noqa: F811
    kantata,
    group,
    specs,
):
    page = editor_session.page
    industry, services = specs["Industry"], specs["Services"]
    editor_session.goto(f"/groups/{group.id}/")
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Account tier", exact=True).fill("Browser tier")
    page.get_by_label("Employees", exact=True).fill("314")
    page.get_by_label("Annual revenue", exact=True).fill("2500.75")
    page.get_by_label("Annual revenue: currency", exact=True).fill("GBP")
    page.get_by_label("Contract start", exact=True).fill("2026-04-15")
    page.get_by_label("Industry", exact=True).select_option(label=industry.choices[1][1])
    picked = [services.choices[0][1], services.choices[2][1]]
    choices = page.get_by_role("group", name="Services", exact=True)
    for label in picked:
        choices.get_by_label(label, exact=True).check()
    _save(page, group.name)

    expected = {
        "Account tier": "Browser tier",
        "Annual revenue": "£2,500.75",
        "Contract start": "2026-04-15",
        "Employees": "314",
        "Industry": industry.choices[1][1],
        "Services": ", ".join(picked),
    }
    assert _held(kantata, group.id) == expected
    assert _shown_on_detail(page) == expected
    expect(page.locator(".group-history")).to_contain_text("£2,500.75")

    # The list's custom-field filters, all six at once, find the group.
    editor_session.goto(f"/groups/?matching={group.name}")
    page.locator("details.filter-section > summary", has_text="Custom fields").click()
    panel = page.locator("#group-filters")
    panel.get_by_role("textbox", name="Account tier").fill("Browser tier")
    panel.get_by_role("spinbutton", name="Employees").fill("314")
    panel.get_by_label("Annual revenue: amount", exact=True).fill("2500.75")
    panel.get_by_label("Annual revenue: currency", exact=True).fill("GBP")
    panel.get_by_label("Contract start: from", exact=True).fill("2026-04-15")
    panel.get_by_label("Contract start: to", exact=True).fill("2026-04-15")
    panel.get_by_role("listbox", name="Industry").select_option(label=industry.choices[1][1])
    panel.get_by_role("listbox", name="Services").select_option(label=picked[1])
    panel.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results-heading")).to_have_text("1 group")
    expect(page.locator("tr", has_text=group.name)).to_have_count(1)
    # Another number, and the group is no longer found.
    panel.get_by_role("spinbutton", name="Employees").fill("315")
    panel.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results-heading")).to_have_text("0 groups")


def test_a_wrong_value_shows_on_its_input_then_a_value_is_cleared(
    editor_session,  # noqa: F811
    kantata,
    group,
    specs,
):
    kantata.custom_field_values.create(
        [CustomFieldValueInput(group.id, specs["Contract start"].id, "2025-01-01")]
    )
    page = editor_session.page
    editor_session.goto(f"/groups/{group.id}/edit/")
    expect(page.get_by_label("Contract start", exact=True)).to_have_value("2025-01-01")
    page.get_by_label("Account tier", exact=True).fill("Kept tier")
    page.get_by_label("Employees", exact=True).fill(TOO_BIG)
    page.get_by_label("Notes", exact=True).fill("Kept notes")
    page.get_by_role("button", name="Save changes").click()

    employees_error = page.locator(f"#id_custom_{specs['Employees'].id}_error")
    expect(employees_error).to_contain_text("must be a number smaller than")
    expect(page.get_by_role("alert")).to_contain_text(
        "but not these custom field values: Employees."
    )
    expect(page.get_by_label("Employees", exact=True)).to_have_value(TOO_BIG)
    expect(page.get_by_label("Account tier", exact=True)).to_have_value("Kept tier")
    expect(page.get_by_label("Notes", exact=True)).to_have_value("Kept notes")
    assert _held(kantata, group.id) == {"Account tier": "Kept tier", "Contract start": "2025-01-01"}

    # Corrected, with the date cleared: saved from the same page.
    page.get_by_label("Employees", exact=True).fill("12")
    page.get_by_label("Contract start", exact=True).fill("")
    _save(page, group.name)
    assert _held(kantata, group.id) == {"Account tier": "Kept tier", "Employees": "12"}
    assert _shown_on_detail(page) == {"Account tier": "Kept tier", "Employees": "12"}
