"""Optional "Sign in with Kantata OX" for the accounts in KANTATA_ALLOWED_ACCOUNT_IDS."""

import pytest
from django.contrib.auth import get_user_model

from kantata_admin.connections import adapter
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
