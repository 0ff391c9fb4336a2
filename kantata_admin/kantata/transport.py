"""How a request reaches the API: pooled sessions, bearer auth, the base URL rule, and
what a failed send means (`transport_error`)."""

from __future__ import annotations

import ipaddress
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookiePolicy
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter

from kantata_admin import __version__

from .errors import (
    ConnectionFailed,
    InsecureBaseURL,
    Timeout,
    TLSOrProxyError,
    TransportError,
    UpstreamBusy,
)

USER_AGENT = f"KantataAdmin/{__version__} (+python-requests/{requests.__version__})"
POOL_SIZE = 16


# --- one pooled session per base URL, per thread -------------------------------------------


class KeepNoCookies(CookiePolicy):
    """A session pools sockets for every member of the team: it must hold no state. A
    cookie set by Kantata (or a proxy on the way) for one member's call would otherwise go
    out on the next member's."""

    netscape = True
    rfc2965 = False
    hide_cookie2 = True

    def set_ok(self, cookie, request) -> bool:
        return False

    def return_ok(self, cookie, request) -> bool:
        return False

    def domain_return_ok(self, domain, request) -> bool:
        return False

    def path_return_ok(self, path, request) -> bool:
        return False


_local = threading.local()


def _reset_sessions() -> None:
    # A forked worker must not share its parent's sockets.
    global _local
    _local = threading.local()


os.register_at_fork(after_in_child=_reset_sessions)


def session_for(origin: str) -> requests.Session:
    """The calling thread's pooled session for `origin`; many clients reuse its connections.

    The session holds no credentials (each request carries its own token) and no
    cookies (`KeepNoCookies`): it pools connections, never state.
    """
    sessions: dict[str, requests.Session] = _local.__dict__.setdefault("sessions", {})
    session = sessions.get(origin)
    if session is None:
        session = requests.Session()
        session.cookies.set_policy(KeepNoCookies())
        # Retries are ours (see retry.py); urllib3 must not resend anything behind our back.
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        sessions[origin] = session
    return session


# --- a per-process cap on calls in flight ------------------------------------------------


class CallSlots:
    """At most `limit` upstream calls at once in this process; a call finding none free
    waits up to `wait` seconds, then fails fast with UpstreamBusy (nothing sent).

    A web process serves its pages from a fixed set of threads. Each upstream call may wait
    up to the read timeout; without a cap, a slow Kantata (or a sandbox served by the same
    threads) lets the dashboard's own calls take every thread. Set the limit below the
    server's thread count. Off (None) until configured.
    """

    def __init__(self) -> None:
        self._semaphore: threading.BoundedSemaphore | None = None
        self.limit: int | None = None
        self.wait = 0.0

    def configure(self, limit: int | None, *, wait: float) -> None:
        self.limit = limit if limit and limit > 0 else None
        self.wait = max(wait, 0.0)
        self._semaphore = threading.BoundedSemaphore(self.limit) if self.limit else None

    @contextmanager
    def held(self, method: str, path: str) -> Iterator[None]:
        semaphore = self._semaphore
        if semaphore is None:
            yield
            return
        if not semaphore.acquire(timeout=self.wait):
            raise UpstreamBusy(
                f"{self.limit} calls to Kantata OX already in flight; {method} {path} not sent",
                method=method,
                path=path,
            )
        try:
            yield
        finally:
            semaphore.release()


call_slots = CallSlots()


class BearerAuth(requests.auth.AuthBase):
    """Explicit auth also stops requests from applying ~/.netrc credentials."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(***)"


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; HTTPS unless the host is this machine."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureBaseURL(f"base URL must be an http(s) URL, got {base_url!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InsecureBaseURL("base URL must not carry credentials, a query or a fragment")
    if parts.scheme != "https" and not _is_loopback(parts.hostname):
        raise InsecureBaseURL(f"HTTPS is required for {parts.hostname}; the token would leak")
    return base_url.rstrip("/")


def transport_error(exc: requests.RequestException, method: str, path: str) -> TransportError:
    """Classify a requests failure; the message names neither the URL's query nor the token."""
    where = {"method": method, "path": path}
    if isinstance(exc, requests.exceptions.SSLError | requests.exceptions.ProxyError):
        # Both are ConnectionErrors to requests, but no request reached the API, and sending
        # it again meets the same certificate or proxy: report it, do not retry or look up.
        kind = "TLS failure" if isinstance(exc, requests.exceptions.SSLError) else "proxy failure"
        return TLSOrProxyError(f"{kind} on {method} {path}", maybe_processed=False, **where)
    if isinstance(exc, requests.ConnectTimeout):
        return Timeout(f"connect timeout on {method} {path}", maybe_processed=False, **where)
    if isinstance(exc, requests.ReadTimeout):
        return Timeout(f"read timeout on {method} {path}", **where)
    if isinstance(exc, requests.ConnectionError):
        # Refused or unresolvable: the request never left, so even a create may go again.
        reason = exc.args[0] if exc.args else None
        never_sent = isinstance(
            getattr(reason, "reason", None), urllib3.exceptions.NewConnectionError
        )
        never_sent = never_sent or isinstance(reason, urllib3.exceptions.NewConnectionError)
        kind = "connection refused" if never_sent else "connection dropped"
        return ConnectionFailed(
            f"{kind} on {method} {path}", maybe_processed=not never_sent, **where
        )
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return ConnectionFailed(f"response cut short on {method} {path}", **where)
    return TransportError(f"{type(exc).__name__} on {method} {path}", **where)
