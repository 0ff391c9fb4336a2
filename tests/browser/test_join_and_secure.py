import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-long-and-unusual-passphrase-91"


def _totp(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_invited_member_joins_and_turns_on_two_factor(
    live_server, browser, make_member, csp_violations
):
    admin = make_member("admin", "lead@team.test")
    EmailAddress.objects.create(user=admin, email=admin.email, primary=True, verified=True)

    # The admin invites a new editor from the Team page.
    admin_page: Page = csp_violations(browser.new_page())
    admin_page.goto(f"{live_server.url}/accounts/login/")
    admin_page.get_by_label("Email").fill(admin.email)
    admin_page.get_by_label("Password").fill(PASSWORD)
    admin_page.get_by_role("button", name="Sign In").click()
    admin_page.get_by_role("navigation").get_by_role("link", name="Team").click()
    admin_page.get_by_label("E-mail address").fill("joiner@team.test")
    admin_page.get_by_label("Role:", exact=True).select_option("editor")
    admin_page.get_by_role("button", name="Send invitation").click()
    expect(admin_page.get_by_text("Invitation sent to joiner@team.test.")).to_be_visible()
    link = re.search(r"https?://\S+/team/join/\S+", mail.outbox[-1].body).group(0)

    # The invitee follows the link, chooses a password and lands on the dashboard.
    page: Page = csp_violations(browser.new_page())
    page.goto(link)
    expect(page.get_by_label("Email")).to_have_value("joiner@team.test")
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_text("You are signed in as editor")).to_be_visible()

    # Two-factor authentication: confirm the password, scan (read) the secret, enter a code.
    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    expect(page.get_by_role("img", name=secret)).to_be_visible()
    page.get_by_label("Authenticator code").fill(_totp(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Authenticator app activated.")).to_be_visible()
