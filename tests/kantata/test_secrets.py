"""The bearer token never shows: not in error messages, bodies or reprs, and not in the
locals a traceback records (as error trackers do) for any frame of the client."""

import secrets
import traceback

import pytest

from kantata_admin.kantata import (
    NO_RETRIES,
    AuthenticationError,
    ConnectionFailed,
    InsecureBaseURL,
    KantataClient,
)


def _token() -> str:
    return f"leak-check-{secrets.token_urlsafe(16)}"


def _everything_shown(error: BaseException) -> str:
    """What a crash report would show: the messages, reprs and body, and the locals of every
    frame outside the tests (those hold the token on purpose) in the whole exception chain."""
    shown = [str(error), repr(error), repr(getattr(error, "body", None))]
    report = traceback.TracebackException.from_exception(error, capture_locals=True)
    chain = [report]
    while chain:
        current = chain.pop()
        shown += current.format_exception_only()
        shown += [repr(f.locals) for f in current.stack if "/tests/" not in f.filename]
        chain += [e for e in (current.__cause__, current.__context__) if e is not None]
    return "\n".join(shown)


def test_token_is_not_in_the_traceback_of_a_refused_base_url():
    token = _token()
    with pytest.raises(InsecureBaseURL) as caught:
        KantataClient(token, base_url="http://api.example.com/api/v1")
    assert token not in _everything_shown(caught.value)


def test_token_is_not_in_an_authentication_error(sandbox):
    token = _token()
    client = KantataClient(token, base_url=sandbox.api_url, retry=NO_RETRIES)
    with pytest.raises(AuthenticationError) as caught:
        client.users.me()
    assert token not in _everything_shown(caught.value)
    assert token not in repr(client)


def test_token_is_not_in_a_transport_error_or_its_chain():
    token = _token()
    client = KantataClient(token, base_url="http://127.0.0.1:9/api/v1", retry=NO_RETRIES)
    with pytest.raises(ConnectionFailed) as caught:
        client.users.me()
    # No chained requests exception: its frames hold the request headers.
    assert caught.value.__context__ is None and caught.value.__cause__ is None
    assert token not in _everything_shown(caught.value)
