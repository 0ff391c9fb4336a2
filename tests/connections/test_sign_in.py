"""Optional "Sign in with Kantata OX" for the accounts in KANTATA_ALLOWED_ACCOUNT_IDS."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from kantata_admin.connections import adapter, crypto
from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.services import client_with_token
from tests.sandbox_harness import EDITOR_EMAIL, OTHER_ACCOUNT_EMAIL

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme_only(kantata_sandbox, fresh_token, settings):
    settings.KANTATA_ALLOWED_ACCOUNT_IDS = [client_with_token(fresh_token).users.me().account_id]


def _ends_on_sign_in_saying(flow, response, message: str) -> None:
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    page = flow.land(response)
    assert page.status_code == 200 and message in page.content.decode()


def test_the_sign_in_page_offers_kantata_only_when_accounts_are_allowed(
    client, kantata_sandbox, settings
):
    assert "Sign in with Kantata OX" not in client.get("/accounts/login/").content.decode()
    settings.KANTATA_ALLOWED_ACCOUNT_IDS = ["1"]
    assert "Sign in with Kantata OX" in client.get("/accounts/login/").content.decode()


def test_a_new_member_signs_in_with_kantata_as_a_viewer_and_is_connected(acme_only, flow):
    flow.start(process="login", next_url="/")
    page = flow.land(flow.callback(flow.approve(EDITOR_EMAIL)))

    assert page.status_code == 200 and "<h1>Dashboard</h1>" in page.content.decode()
    member = get_user_model().objects.get(email=EDITOR_EMAIL)
    assert member.role == "viewer" and not member.has_usable_password()
    assert KantataConnection.objects.get(user=member).email == EDITOR_EMAIL

    # Signing in again finds the same member.
    flow.client.logout()
    flow.start(process="login", next_url="/")
    page = flow.land(flow.callback(flow.approve(EDITOR_EMAIL)))
    assert "<h1>Dashboard</h1>" in page.content.decode()
    assert get_user_model().objects.filter(email=EDITOR_EMAIL).count() == 1


def test_sign_in_with_kantata_is_refused_when_not_offered(flow):
    flow.start(process="login", next_url="/")
    _ends_on_sign_in_saying(flow, flow.callback(flow.approve(EDITOR_EMAIL)), adapter.SIGN_IN_OFF)
    assert not get_user_model().objects.filter(email=EDITOR_EMAIL).exists()


def test_sign_in_from_an_account_outside_the_list_is_refused(acme_only, flow):
    flow.start(process="login", next_url="/")
    response = flow.callback(flow.approve(OTHER_ACCOUNT_EMAIL))
    _ends_on_sign_in_saying(flow, response, adapter.SIGN_IN_OFF)
    assert not get_user_model().objects.filter(email=OTHER_ACCOUNT_EMAIL).exists()
    assert not KantataConnection.objects.exists()


def test_sign_in_as_an_existing_members_address_is_refused(acme_only, flow, make_member):
    make_member("editor", EDITOR_EMAIL)
    flow.start(process="login", next_url="/")
    response = flow.callback(flow.approve(EDITOR_EMAIL))
    _ends_on_sign_in_saying(flow, response, adapter.SIGN_IN_EMAIL_TAKEN)
    assert not KantataConnection.objects.exists()


def test_a_sign_in_waiting_for_two_factor_keeps_no_token_in_the_session(
    acme_only, flow, make_member
):
    member = make_member("editor", "two-factor@team.test")
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
    TOTP.activate(member, generate_totp_secret())
    flow.start(process="login", next_url="/")
    values = flow.approve(EDITOR_EMAIL)
    uid = client_with_token(flow.sandbox.token(EDITOR_EMAIL)).users.me().id
    SocialAccount.objects.create(user=member, provider="kantata", uid=uid)

    page = flow.land(flow.callback(values))

    assert "/accounts/2fa/authenticate/" in page.wsgi_request.path
    connection = KantataConnection.objects.get(user=member)
    token = crypto.unseal(connection.access_token_encrypted, owner_id=member.pk, purpose="access")
    # The member's own session, whichever engine holds it (the database, or Redis when
    # REDIS_URL is set), waiting at the two-factor step.
    session = dict(flow.client.session.items())
    assert session and token not in json.dumps(session, default=str)
