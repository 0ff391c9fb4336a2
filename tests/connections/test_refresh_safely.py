"""Token refresh done right (issue 14, defects 3 and 4): the token endpoint is called with
no database transaction open; two pages refreshing at once spend the refresh token once;
a token endpoint that is down leaves an early refresh for later; a 401 renews the token
inside the client for the one refused request."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from kantata_admin.connections import crypto
from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.refresh import connection_refresh
from kantata_admin.connections.services import (
    client_for,
    client_with_token,
    connection_save_checked,
)
from kantata_admin.kantata import track_calls
from tests.connections.token_endpoint import TokenEndpoint, expire_access_token
from tests.sandbox_harness import ADMIN_EMAIL


@pytest.fixture
def endpoint(sandbox_expiring, settings, token_endpoint) -> TokenEndpoint:
    """The expiring sandbox, its authorization server behind a recording stand-in."""
    settings.KANTATA_API_URL = sandbox_expiring.api_url
    return token_endpoint(sandbox_expiring)


def _connect(sandbox_expiring, member) -> tuple[KantataConnection, dict]:
    answer = sandbox_expiring.token_answer(ADMIN_EMAIL)
    return connection_save_checked(member, TokenGrant.from_answer(answer)), answer


def _access(connection: KantataConnection) -> str:
    return crypto.unseal(
        connection.access_token_encrypted, owner_id=connection.user_id, purpose=crypto.ACCESS
    )


def _make_due(connection: KantataConnection, when: timedelta = timedelta(0)) -> None:
    KantataConnection.objects.filter(pk=connection.pk).update(refresh_due_at=timezone.now() + when)


def test_the_token_endpoint_is_called_outside_any_transaction(endpoint, sandbox_expiring, viewer):
    connection, answer = _connect(sandbox_expiring, viewer)
    _make_due(connection)
    depth_of_the_test = len(connections["default"].atomic_blocks)

    assert client_for(viewer).users.me().email_address == ADMIN_EMAIL

    (refresh,) = endpoint.grants("refresh_token")
    assert refresh.atomic_depth == depth_of_the_test  # no transaction of the refresh's own
    connection.refresh_from_db()
    assert _access(connection) != answer["access_token"]
    assert connection.refresh_claimed_until is None and connection.status == "active"


def test_two_refreshes_with_the_same_stale_row_spend_the_refresh_token_once(
    endpoint, sandbox_expiring, viewer
):
    connection, answer = _connect(sandbox_expiring, viewer)
    _make_due(connection)
    first_page = KantataConnection.objects.get(pk=connection.pk)
    second_page = KantataConnection.objects.get(pk=connection.pk)

    first = connection_refresh(first_page)
    second = connection_refresh(second_page)

    assert len(endpoint.grants("refresh_token")) == 1
    assert _access(second) == _access(first) != answer["access_token"]
    # The second did not retire the first one's pair by refreshing again.
    assert client_with_token(_access(first)).users.me().email_address == ADMIN_EMAIL
    assert KantataConnection.objects.get(pk=connection.pk).status == "active"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("expired", [False, True], ids=["due", "expired"])
def test_two_pages_refreshing_at_once_make_one_refresh(endpoint, sandbox_expiring, viewer, expired):
    connection, answer = _connect(sandbox_expiring, viewer)
    _make_due(connection)
    if expired:  # as the dashboard reckons it (the sandbox still takes the token)
        KantataConnection.objects.filter(pk=connection.pk).update(expires_at=timezone.now())
    endpoint.delay = 1.0  # the first refresh is still in flight when the second page looks
    tokens: list[str] = []
    failures: list[BaseException] = []

    def page() -> None:
        try:
            client = client_for(viewer)
            client.users.me()
            tokens.append(_access(KantataConnection.objects.get(pk=connection.pk)))
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=page) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert failures == []
    assert len(endpoint.grants("refresh_token")) == 1
    renewed = _access(KantataConnection.objects.get(pk=connection.pk))
    assert renewed != answer["access_token"]
    if expired:  # the page that found the refresh in flight waited for its result
        assert tokens == [renewed, renewed]
    else:  # it went on at once with the token that still worked
        assert set(tokens) <= {renewed, answer["access_token"]}
    assert KantataConnection.objects.get(pk=connection.pk).status == "active"


@pytest.mark.urls("tests.connections.urls")
def test_a_due_refresh_with_the_token_endpoint_down_works_on_the_current_token(
    sandbox_expiring, settings, viewer, login
):
    settings.KANTATA_API_URL = sandbox_expiring.api_url
    connection, answer = _connect(sandbox_expiring, viewer)
    _make_due(connection)  # due, but the token has seconds to live
    settings.KANTATA_OAUTH_URL = "http://127.0.0.1:9/sandbox"  # nothing listens on port 9

    page = login(viewer).get("/test/whoami/")

    assert f"Kantata user: Avery Admin ({ADMIN_EMAIL})" in page.content.decode()
    connection.refresh_from_db()
    assert connection.status == "active" and connection.refresh_claimed_until is None
    assert _access(connection) == answer["access_token"]


def test_a_401_renews_the_token_for_that_one_request_only(endpoint, sandbox_expiring, viewer):
    connection, answer = _connect(sandbox_expiring, viewer)
    _make_due(connection, timedelta(hours=1))  # so only the 401 can trigger a refresh
    client = client_for(viewer)
    expire_access_token(sandbox_expiring, answer["access_token"])

    with track_calls() as calls:
        me = client.users.me()
        again = client.users.me()

    assert me.email_address == again.email_address == ADMIN_EMAIL
    assert [c.status for c in calls.calls] == [401, 200, 200]
    assert len(endpoint.grants("refresh_token")) == 1
    connection.refresh_from_db()
    assert _access(connection) != answer["access_token"] and connection.status == "active"


@pytest.mark.urls("tests.connections.urls")
def test_an_expired_token_with_the_token_endpoint_down_is_a_passing_503(
    sandbox_expiring, settings, viewer, login
):
    settings.KANTATA_API_URL = sandbox_expiring.api_url
    connection, _ = _connect(sandbox_expiring, viewer)
    gone = timezone.now() - timedelta(seconds=1)
    KantataConnection.objects.filter(pk=connection.pk).update(refresh_due_at=gone, expires_at=gone)
    settings.KANTATA_OAUTH_URL = "http://127.0.0.1:9/sandbox"  # nothing listens on port 9

    page = login(viewer).get("/test/whoami/")

    assert page.status_code == 503
    assert "could not renew your access just now" in page.content.decode()
    connection.refresh_from_db()
    assert connection.status == "active" and connection.refresh_claimed_until is None


def test_a_page_whose_token_still_works_does_not_wait_for_a_refresh_in_flight(
    sandbox_expiring, settings, viewer
):
    settings.KANTATA_API_URL = sandbox_expiring.api_url
    connection, answer = _connect(sandbox_expiring, viewer)
    _make_due(connection)
    # Another page is renewing the tokens (its lease runs for a minute).
    KantataConnection.objects.filter(pk=connection.pk).update(
        refresh_claimed_until=timezone.now() + timedelta(minutes=1)
    )

    started = time.monotonic()
    me = client_for(viewer).users.me()

    assert time.monotonic() - started < 2  # not the 5 s a page with an expired token waits
    assert me.email_address == ADMIN_EMAIL
    assert _access(KantataConnection.objects.get(pk=connection.pk)) == answer["access_token"]
