"""Issue 21: the dashboard scales by running more stateless processes. A member who signs
in through one app process is signed in on the other (the session lives in the shared
database, or in Redis when REDIS_URL is set), and signing out on either ends it on both."""

import pytest
import requests
from allauth.account.models import EmailAddress
from django.conf import global_settings

from tests.load.stack import csrf_token

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "two-processes-pass-2026"


def test_a_session_started_on_one_process_continues_on_the_other(site, make_member, settings):
    # The app processes check passwords with the real hashers, not the suite's MD5.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    member = make_member("editor", "two-processes@team.test")
    member.set_password(PASSWORD)
    member.save()
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    first, second = site.app_processes(2)
    browser = requests.Session()

    page = browser.get(f"{first.url}/accounts/login/", timeout=30).text
    signed_in = browser.post(
        f"{first.url}/accounts/login/",
        data={"csrfmiddlewaretoken": csrf_token(page), "login": member.email, "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]

    on_second = browser.get(f"{second.url}/", allow_redirects=False, timeout=30)
    assert on_second.status_code == 200
    assert member.email in on_second.text
    # Work done on the second process (a page whose form carries the session's CSRF token)
    # is posted back through the first: sign out there.
    logout_page = browser.get(f"{second.url}/accounts/logout/", timeout=30).text
    signed_out = browser.post(
        f"{first.url}/accounts/logout/",
        data={"csrfmiddlewaretoken": csrf_token(logout_page)},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_out.status_code == 302
    after = browser.get(f"{second.url}/", allow_redirects=False, timeout=30)
    assert after.status_code == 302 and "/accounts/login/" in after.headers["Location"]
    assert site.tracebacks() == []
