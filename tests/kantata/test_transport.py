"""TLS and proxy failures: nothing reached the API and a retry would fail the same way."""

import pytest
import requests

from kantata_admin.kantata import (
    ConnectionFailed,
    KantataClient,
    RetryPolicy,
    Timeout,
    TLSOrProxyError,
    track_calls,
)
from kantata_admin.kantata.transport import transport_error
from tests.kantata.conftest import FAST_RETRIES
from tests.sandbox_harness import unique_name


@pytest.mark.parametrize(
    "exc",
    [
        requests.exceptions.SSLError("certificate verify failed"),
        requests.exceptions.ProxyError("407 Proxy Authentication Required"),
    ],
)
def test_tls_and_proxy_failures_are_not_dropped_connections(exc):
    error = transport_error(exc, "POST", "/workspace_groups.json")
    assert type(error) is TLSOrProxyError
    assert not error.maybe_processed
    policy = RetryPolicy()
    for method in ("GET", "POST", "PUT", "DELETE"):
        assert not policy.is_retryable(method, error)


def test_other_failures_keep_their_classes():
    dropped = transport_error(requests.ConnectionError("reset"), "GET", "/x.json")
    assert type(dropped) is ConnectionFailed and dropped.maybe_processed
    late = transport_error(requests.ReadTimeout("late"), "GET", "/x.json")
    assert type(late) is Timeout and late.maybe_processed


def test_create_over_a_failed_tls_handshake_is_reported_once_without_a_lookup(sandbox):
    # The sandbox speaks plain HTTP, so an https:// base URL fails the TLS handshake.
    client = KantataClient(
        "token", base_url=sandbox.api_url.replace("http://", "https://"), retry=FAST_RETRIES
    )
    with track_calls() as calls, pytest.raises(TLSOrProxyError):
        client.workspace_groups.create({"name": unique_name()})
    assert [c.method for c in calls.calls] == ["POST"]
