"""Done when: in Chromium, a member connects Kantata OX, disconnects, and reconnects after
revoking the application on the sandbox's own page.

The sandbox is a service of its own on another port, as with `make run`, and this test has
one to itself (seeded small): revoking the application on its page revokes every token
the sandbox user gave the dashboard, which must not reach other tests' tokens.
"""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.sandbox_harness import ADMIN_EMAIL, DASHBOARD_CLIENT_ID, SANDBOX_PASSWORD, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def own_sandbox(tmp_path_factory):
    yield from serve(tmp_path_factory, "connect_sandbox", 30)


@pytest.fixture
def mounted_sandbox(live_server, own_sandbox, settings) -> str:
    """The test's own sandbox, knowing the live server's callback; its URL."""
    own_sandbox.register_redirect_uri(
        DASHBOARD_CLIENT_ID, f"{live_server.url}/accounts/kantata/login/callback/"
    )
    settings.KANTATA_OAUTH_URL = own_sandbox.oauth_url
    settings.KANTATA_API_URL = own_sandbox.api_url
    # As settings.py does for KANTATA_OAUTH_URL: the connect form posts on to it.
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], own_sandbox.base],
    }
    return own_sandbox.url


def _authorize(page: Page, sign_in: bool = False) -> None:
    """On the sandbox: sign in when asked, then allow the dashboard."""
    if sign_in:
        expect(page.get_by_role("heading", name="Sign in to Kantata OX")).to_be_visible()
        page.get_by_label("E-mail").fill(ADMIN_EMAIL)
        page.get_by_label("Password").fill(SANDBOX_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Authorize").click()


def test_member_connects_disconnects_and_reconnects_after_revoking(
    live_server, browser, make_member, mounted_sandbox, csp_violations
):
    member = make_member("editor", "connector@team.test")
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
    context = browser.new_context()
    page: Page = csp_violations(context.new_page())

    # Sign in to the dashboard; the Kantata OX page offers to connect.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("navigation").get_by_role("link", name="Kantata OX").click()
    expect(page.get_by_role("heading", name="Not connected")).to_be_visible()

    # Connect: sign in to the sandbox, authorize, land back connected.
    page.get_by_role("button", name="Connect Kantata OX").click()
    _authorize(page, sign_in=True)
    expect(page).to_have_url(f"{live_server.url}/kantata/")
    expect(page.get_by_role("heading", name="Connected")).to_be_visible()
    expect(page.locator('[data-field="name"]')).to_have_text("Avery Admin")
    expect(page.locator('[data-field="email"]')).to_have_text(ADMIN_EMAIL)

    # Disconnect.
    page.get_by_role("button", name="Disconnect").click()
    expect(page.get_by_role("heading", name="Not connected")).to_be_visible()
    expect(page.get_by_text("the tokens are deleted and revoked")).to_be_visible()

    # A page that needs Kantata OX offers to connect and comes back to it.
    page.goto(f"{live_server.url}/groups/")
    page.get_by_role("button", name="Connect Kantata OX").click()
    _authorize(page)  # still signed in to the sandbox
    expect(page).to_have_url(f"{live_server.url}/groups/")
    expect(page.get_by_role("heading", name="Workspace groups")).to_be_visible()

    # The sandbox user revokes the application on the sandbox's own page...
    sandbox_page: Page = context.new_page()
    sandbox_page.goto(f"{mounted_sandbox}/applications")
    sandbox_page.get_by_role("button", name="Revoke access").click()
    expect(sandbox_page.get_by_text("No application has access to your account.")).to_be_visible()

    # ...so the next page view offers to reconnect, which lands back where they were.
    page.goto(f"{live_server.url}/groups/?page=1")
    expect(page.get_by_role("heading", name="Reconnect Kantata OX")).to_be_visible()
    page.get_by_role("button", name="Reconnect Kantata OX").click()
    _authorize(page)
    expect(page).to_have_url(f"{live_server.url}/groups/?page=1")
    expect(page.get_by_role("heading", name="Workspace groups")).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Kantata OX").click()
    expect(page.locator('[data-field="name"]')).to_have_text("Avery Admin")
    context.close()
