"""Expiring tokens (the sandbox's KANTATA_SANDBOX_TOKEN_TTL): refreshed before expiry or
once on a 401; a refresh that fails marks the connection as needing reconnection."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kantata_admin.connections import crypto
from kantata_admin.connections.errors import ReconnectNeeded
from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.oauth import TokenGrant, revoke_token
from kantata_admin.connections.refresh import REFRESH_FAILED
from kantata_admin.connections.services import (
    client_for,
    client_with_token,
    connection_save_checked,
)
from kantata_admin.kantata import AuthenticationError
from tests.sandbox_harness import ADMIN_EMAIL, EXPIRING_TOKEN_TTL


@pytest.fixture
def expiring(sandbox_expiring, settings):
    settings.KANTATA_API_URL = sandbox_expiring.api_url
    settings.KANTATA_OAUTH_URL = sandbox_expiring.oauth_url
    return sandbox_expiring


@pytest.fixture
def expiring_connection(expiring, viewer):
    answer = expiring.token_answer(ADMIN_EMAIL)
    assert answer["expires_in"] == EXPIRING_TOKEN_TTL and answer["refresh_token"]
    connection = connection_save_checked(viewer, TokenGrant.from_answer(answer))
    return connection, answer


def _tokens(connection: KantataConnection) -> tuple[str, str]:
    connection.refresh_from_db()
    return (
        crypto.unseal(
            connection.access_token_encrypted, owner_id=connection.user_id, purpose="access"
        ),
        crypto.unseal(
            connection.refresh_token_encrypted, owner_id=connection.user_id, purpose="refresh"
        ),
    )


def _make_due(connection: KantataConnection, when: timedelta = timedelta(0)) -> None:
    KantataConnection.objects.filter(pk=connection.pk).update(refresh_due_at=timezone.now() + when)


def test_expiry_and_refresh_token_are_stored_encrypted(expiring_connection):
    connection, answer = expiring_connection
    assert _tokens(connection) == (answer["access_token"], answer["refresh_token"])
    lifetime = connection.expires_at - timezone.now()
    assert (
        timedelta(seconds=EXPIRING_TOKEN_TTL - 3)
        < lifetime
        <= timedelta(seconds=EXPIRING_TOKEN_TTL)
    )
    assert connection.refresh_due_at < connection.expires_at


def test_the_token_is_refreshed_before_it_expires(expiring_connection, viewer):
    connection, answer = expiring_connection
    _make_due(connection)

    assert client_for(viewer).users.me().email_address == ADMIN_EMAIL

    access, refresh = _tokens(connection)
    assert access != answer["access_token"] and refresh != answer["refresh_token"]
    assert connection.expires_at > timezone.now()
    with pytest.raises(AuthenticationError):  # the old pair was retired upstream
        client_with_token(answer["access_token"]).users.me()


@pytest.mark.urls("tests.connections.urls")
def test_a_401_refreshes_once_and_the_page_carries_on(expiring_connection, expiring, viewer, login):
    connection, answer = expiring_connection
    _make_due(connection, timedelta(hours=1))  # so only the 401 can trigger it
    expiring.advance_clock(EXPIRING_TOKEN_TTL + 1)  # the access token has expired upstream

    response = login(viewer).get("/test/whoami/")

    assert f"Kantata user: Avery Admin ({ADMIN_EMAIL})" in response.content.decode()
    assert _tokens(connection)[0] != answer["access_token"]
    assert KantataConnection.objects.get(pk=connection.pk).status == "active"


@pytest.mark.urls("tests.connections.urls")
def test_a_failed_refresh_marks_the_connection_as_needing_reconnection(
    expiring_connection, viewer, login
):
    connection, answer = expiring_connection
    assert revoke_token(answer["refresh_token"], hint="refresh_token")
    _make_due(connection)

    with pytest.raises(ReconnectNeeded) as raised:
        client_for(viewer)
    assert raised.value.message == REFRESH_FAILED
    assert KantataConnection.objects.get(pk=connection.pk).needs_reconnect
    assert "<h1>Reconnect Kantata OX</h1>" in login(viewer).get("/test/whoami/").content.decode()
