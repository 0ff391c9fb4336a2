"""The connect flow end to end against the sandbox, and every way it can fail: each
ends on the Kantata OX page with a plain message, nothing stored, no 500."""

import pytest
from allauth.socialaccount.models import SocialAccount

from kantata_admin.connections import adapter, crypto, oauth_flow
from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.services import client_for, client_with_token
from kantata_admin.kantata import AuthenticationError
from tests.sandbox_harness import ADMIN_EMAIL, EDITOR_EMAIL


def _nothing_stored(member) -> None:
    assert not KantataConnection.objects.filter(user=member).exists()
    assert not SocialAccount.objects.filter(user=member).exists()


def _ends_on_the_page_saying(flow, response, message: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == "/kantata/"
    page = flow.land(response)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert "Not connected" in page.content.decode()


def test_a_member_connects_and_lands_back_connected(flow, viewer, login):
    login(viewer)
    params = flow.start()
    assert params["code_challenge_method"] == "S256" and params["code_challenge"]
    assert params["state"]

    page = flow.land(flow.callback(flow.approve(ADMIN_EMAIL)))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Avery Admin" in html and ADMIN_EMAIL in html
    assert "Your Kantata OX account is connected." in html
    connection = KantataConnection.objects.get(user=viewer)
    assert (connection.email, connection.kind, connection.status) == (
        ADMIN_EMAIL,
        "oauth",
        "active",
    )
    assert SocialAccount.objects.get(user=viewer).uid == connection.kantata_user_id


def test_the_callback_sends_no_referrer(flow, viewer, login):
    login(viewer)
    flow.start()
    response = flow.callback(flow.approve(ADMIN_EMAIL))
    assert response["Referrer-Policy"] == "no-referrer"


def test_pkce_can_be_turned_off_for_a_server_that_refuses_it(flow, viewer, login, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "kantata": {**settings.SOCIALACCOUNT_PROVIDERS["kantata"], "OAUTH_PKCE_ENABLED": False}
    }
    login(viewer)
    params = flow.start()
    assert "code_challenge" not in params
    page = flow.land(flow.callback(flow.approve(ADMIN_EMAIL)))
    assert "Avery Admin" in page.content.decode()


def test_denied_ends_with_a_plain_message(flow, viewer, login):
    login(viewer)
    flow.start()
    response = flow.callback(flow.approve(ADMIN_EMAIL, decision="deny"))
    _ends_on_the_page_saying(flow, response, adapter.DENIED)
    _nothing_stored(viewer)


@pytest.mark.parametrize("state", [None, "forged-state"])
def test_a_missing_or_wrong_state_is_refused(flow, viewer, login, state):
    login(viewer)
    flow.start()
    values = flow.approve(ADMIN_EMAIL)
    if state is None:
        del values["state"]
    else:
        values["state"] = state
    _ends_on_the_page_saying(flow, flow.callback(values), adapter.STATE_LOST)
    _nothing_stored(viewer)


def test_a_reused_code_is_refused(flow, viewer, editor, login):
    login(viewer)
    flow.start()
    used = flow.approve(ADMIN_EMAIL)
    flow.land(flow.callback(used))  # the code is now spent
    flow.client.logout()

    login(editor)
    second = flow.start()
    response = flow.callback({"code": used["code"], "state": second["state"]})
    _ends_on_the_page_saying(flow, response, oauth_flow.CodeRefused.user_message)
    _nothing_stored(editor)


def test_an_expired_code_is_refused(flow, viewer, login):
    login(viewer)
    flow.start()
    values = flow.approve(ADMIN_EMAIL)
    flow.sandbox.advance_clock(6 * 60)  # the sandbox's codes live 5 minutes
    response = flow.callback(values)
    _ends_on_the_page_saying(flow, response, oauth_flow.CodeRefused.user_message)
    _nothing_stored(viewer)


def test_a_token_endpoint_error_is_refused(flow, viewer, login, settings):
    login(viewer)
    flow.start()
    values = flow.approve(ADMIN_EMAIL)
    settings.SOCIALACCOUNT_PROVIDERS = {
        "kantata": {
            **settings.SOCIALACCOUNT_PROVIDERS["kantata"],
            "APP": {"client_id": "kantata-admin-sandbox", "secret": "not-the-secret"},
        }
    }
    response = flow.callback(values)
    _ends_on_the_page_saying(flow, response, oauth_flow.TokenRequestRefused.user_message)
    _nothing_stored(viewer)


def test_a_token_endpoint_that_is_down_is_reported(flow, viewer, login, settings):
    login(viewer)
    flow.start()
    values = flow.approve(ADMIN_EMAIL)
    settings.KANTATA_OAUTH_URL = "http://127.0.0.1:9/sandbox"  # nothing listens on port 9
    response = flow.callback(values)
    _ends_on_the_page_saying(flow, response, oauth_flow.TokenEndpointUnreachable.user_message)
    _nothing_stored(viewer)


@pytest.mark.parametrize("api_url", ["{sandbox}/api/v0", "http://127.0.0.1:9/api/v1"])
def test_users_me_failing_is_reported(flow, viewer, login, settings, api_url):
    login(viewer)
    flow.start()
    values = flow.approve(ADMIN_EMAIL)
    settings.KANTATA_API_URL = api_url.format(sandbox=flow.sandbox.url)
    response = flow.callback(values)
    _ends_on_the_page_saying(flow, response, oauth_flow.IdentityUnavailable.user_message)
    _nothing_stored(viewer)


def test_an_identity_connected_to_another_member_is_refused(flow, viewer, editor, login, connect):
    theirs = connect(editor, ADMIN_EMAIL)
    login(viewer)
    flow.start()
    response = flow.callback(flow.approve(ADMIN_EMAIL))
    _ends_on_the_page_saying(flow, response, "already connected to another member")
    _nothing_stored(viewer)
    assert KantataConnection.objects.get(user=editor).access_token_encrypted == (
        theirs.access_token_encrypted
    )


def test_an_account_outside_the_allowed_list_is_refused(flow, viewer, login, settings):
    settings.KANTATA_ALLOWED_ACCOUNT_IDS = ["424242"]
    login(viewer)
    flow.start()
    response = flow.callback(flow.approve(EDITOR_EMAIL))
    _ends_on_the_page_saying(flow, response, "not one this dashboard works with")
    _nothing_stored(viewer)


def test_reconnecting_revokes_the_token_it_replaces(flow, viewer, login):
    login(viewer)
    flow.start()
    flow.land(flow.callback(flow.approve(ADMIN_EMAIL)))
    first = KantataConnection.objects.get(user=viewer)
    old = crypto.unseal(first.access_token_encrypted, owner_id=viewer.pk, purpose=crypto.ACCESS)

    flow.start()  # Reconnect, from the Kantata OX page
    page = flow.land(flow.callback(flow.approve(ADMIN_EMAIL)))

    assert "Avery Admin" in page.content.decode()
    assert client_for(viewer).users.me().email_address == ADMIN_EMAIL
    with pytest.raises(AuthenticationError):
        client_with_token(old).users.me()
