import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_member_signs_in_and_sees_the_dashboard(
    live_server, page: Page, make_member, csp_violations
):
    member = make_member("editor", "browser@team.test")
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
    csp_violations(page)

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_text("You are signed in as editor")).to_be_visible()
    # htmx loaded under the strict policy (and the fixture checks nothing was blocked).
    assert page.evaluate("typeof window.htmx") == "object"
