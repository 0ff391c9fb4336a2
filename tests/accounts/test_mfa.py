import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.conftest import PASSWORD, clear_cache


def _current_code(secret: str, windows_ago: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 - windows_ago))


def _sign_in(client, user):
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def _enrol_totp(client, user) -> str:
    _sign_in(client, user)
    # Changing MFA asks for the password again, however recent the login.
    asked = client.get("/accounts/2fa/totp/activate/")
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": _current_code(secret)})
    assert response.status_code == 302
    return secret


def test_member_enrols_totp_and_gets_recovery_codes(client, editor):
    EmailAddress.objects.create(user=editor, email=editor.email, primary=True, verified=True)
    _enrol_totp(client, editor)
    kinds = set(Authenticator.objects.filter(user=editor).values_list("type", flat=True))
    assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}


def _enrolled_and_signed_out(client, user) -> str:
    """Enrol `user` in TOTP and sign out again; the TOTP secret."""
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    secret = _enrol_totp(client, user)
    client.post("/accounts/logout/")
    clear_cache()  # the enrolment code may not be used twice; the next window's may
    return secret


def test_enrolled_member_is_challenged_for_a_code_at_login(client, editor):
    secret = _enrolled_and_signed_out(client, editor)
    response = _sign_in(client, editor)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/").status_code == 302  # not signed in before the code

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert b"Incorrect code" in wrong.content
    response = client.post("/accounts/2fa/authenticate/", {"code": _current_code(secret)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def _away_from_a_window_edge() -> None:
    # A code computed just before a 30-second boundary would be checked just after it,
    # one window further away than the test means.
    while time.time() % 30 > 26:
        time.sleep(0.25)


def _code_at(client, secret: str, windows_ago: int):
    _away_from_a_window_edge()
    return client.post("/accounts/2fa/authenticate/", {"code": _current_code(secret, windows_ago)})


@pytest.mark.parametrize("accepted", [1, -1])
def test_codes_one_window_away_are_accepted_two_windows_away_are_not(client, editor, accepted):
    """README: MFA_TOTP_TOLERANCE defaults to 1, one window before or after now."""
    secret = _enrolled_and_signed_out(client, editor)
    _sign_in(client, editor)
    for beyond in (2, -2):  # exactly one window beyond the tolerance, either side
        assert b"Incorrect code" in _code_at(client, secret, beyond).content
        assert client.get("/").status_code == 302
    response = _code_at(client, secret, accepted)
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user == editor


def test_a_tolerance_of_zero_accepts_only_the_current_window(client, editor, settings):
    settings.MFA_TOTP_TOLERANCE = 0
    secret = _enrolled_and_signed_out(client, editor)
    _sign_in(client, editor)
    assert b"Incorrect code" in _code_at(client, secret, 1).content
    assert _code_at(client, secret, 0).status_code == 302
    assert client.get("/").wsgi_request.user == editor


@pytest.mark.parametrize(
    "path", ["/", "/team/", "/accounts/email/", "/accounts/password/change/", "/admin/"]
)
def test_mfa_required_sends_members_without_it_to_set_it_up(client, team_admin, settings, path):
    settings.MFA_REQUIRED = True
    client.force_login(team_admin)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_mfa_required_still_lets_a_member_set_it_up_or_leave(client, viewer, settings):
    settings.MFA_REQUIRED = True
    client.force_login(viewer)
    setup = client.get("/accounts/2fa/totp/activate/")
    assert setup["Location"].startswith("/accounts/reauthenticate/")
    assert client.get("/accounts/reauthenticate/").status_code == 200
    assert client.get("/healthz").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_mfa_required_lets_enrolled_members_through(client, editor, settings):
    EmailAddress.objects.create(user=editor, email=editor.email, primary=True, verified=True)
    _enrol_totp(client, editor)
    settings.MFA_REQUIRED = True
    assert client.get("/").status_code == 200
