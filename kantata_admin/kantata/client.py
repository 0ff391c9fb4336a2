"""`KantataClient`: one object per token over a shared request layer.

The layer sends, retries what is safe, maps failures to the error tree, logs and counts each
call, and parses the envelope. Resource namespaces (`client.workspace_groups` and so on) are
one-line methods over it.
"""

from __future__ import annotations

import ipaddress
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter

from kantata_admin import __version__

from . import resources
from .errors import (
    ConnectionFailed,
    InsecureBaseURL,
    InvalidRequest,
    KantataError,
    MalformedResponse,
    NotFound,
    Timeout,
    TransportError,
    error_for_response,
)
from .filters import encode_page, encode_window
from .observability import Call, ClientCounters, record_call
from .pagination import ITER_ALL_PER_PAGE, Page, iter_all, records_from_envelope
from .records import Record
from .retry import RetryPolicy

DEFAULT_BASE_URL = "https://api.mavenlink.com/api/v1"
USER_AGENT = f"KantataAdmin/{__version__} (+python-requests/{requests.__version__})"
POOL_SIZE = 16


# --- one pooled session per base URL, per thread -------------------------------------------

_local = threading.local()


def _reset_sessions() -> None:
    # A forked worker must not share its parent's sockets.
    global _local
    _local = threading.local()


os.register_at_fork(after_in_child=_reset_sessions)


def session_for(origin: str) -> requests.Session:
    """The calling thread's pooled session for `origin`; many clients reuse its connections.

    The session holds no credentials: each request carries its own token.
    """
    sessions: dict[str, requests.Session] = _local.__dict__.setdefault("sessions", {})
    session = sessions.get(origin)
    if session is None:
        session = requests.Session()
        # Retries are ours (see retry.py); urllib3 must not resend anything behind our back.
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        sessions[origin] = session
    return session


class _BearerAuth(requests.auth.AuthBase):
    """Explicit auth also stops requests from applying ~/.netrc credentials."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "_BearerAuth(***)"


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


def _transport_error(exc: requests.RequestException, method: str, path: str) -> TransportError:
    """Classify a requests failure; the message names neither the URL's query nor the token."""
    where = {"method": method, "path": path}
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


class KantataClient:
    """The Kantata OX API for one token.

    Settings are passed in (no Django here). Safe to share between threads; connections are
    pooled per thread and base URL, not per client.
    """

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not isinstance(token, str) or not token or any(c.isspace() for c in token):
            raise InvalidRequest("token must be a non-empty string without whitespace")
        self.base_url = check_base_url(base_url)
        parts = urlsplit(self.base_url)
        self._origin = f"{parts.scheme}://{parts.netloc}"
        self._auth = _BearerAuth(token)
        self.timeout = (connect_timeout, read_timeout)
        self.retry = retry or RetryPolicy()
        self.counters = ClientCounters()
        self._sleep = sleep

        self.workspace_groups = resources.WorkspaceGroups(self)
        self.workspaces = resources.Workspaces(self)
        self.custom_fields = resources.CustomFields(self)
        self.custom_field_choices = resources.CustomFieldChoices(self)
        self.custom_field_values = resources.CustomFieldValues(self)
        self.rate_card_sets = resources.RateCardSets(self)
        self.external_references = resources.ExternalReferences(self)
        self.users = resources.Users(self)

    def __repr__(self) -> str:
        return f"KantataClient(base_url={self.base_url!r}, token=***)"

    # --- the request layer -------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> Any:
        """Send with retries per the policy; the decoded JSON body, or None when empty."""
        started = time.monotonic()
        attempt = 0
        while True:
            try:
                return self._send_once(method, path, params, json, retries=attempt)
            except NotFound:
                # A retried DELETE whose first try went through finds nothing left to delete:
                # that is the outcome the caller asked for.
                if method == "DELETE" and attempt > 0:
                    return None
                raise
            except KantataError as error:
                attempt += 1
                delay = self.retry.next_delay(
                    method, error, attempt=attempt, elapsed=time.monotonic() - started
                )
                if delay is None:
                    raise
                self._sleep(delay)

    def _send_once(
        self, method: str, path: str, params: Mapping[str, str] | None, json: Any, *, retries: int
    ) -> Any:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        status: int | None = None
        started = time.perf_counter()
        try:
            response = session_for(self._origin).request(
                method,
                self.base_url + path,
                params=params,
                json=json,
                headers=headers,
                auth=self._auth,
                timeout=self.timeout,
                # A redirect could carry the request somewhere we did not check.
                allow_redirects=False,
            )
            status = response.status_code
        except requests.RequestException as exc:
            # `from None`: requests' own message includes the full URL with its query.
            raise _transport_error(exc, method, path) from None
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            record_call(Call(method, path, status, elapsed, retries), self.counters)
        return self._decode(response, method, path)

    @staticmethod
    def _decode(response: requests.Response, method: str, path: str) -> Any:
        status = response.status_code
        body: Any = None
        is_json = False
        if response.content:
            try:
                body = response.json()
                is_json = True
            except ValueError:
                pass
        if status >= 300:
            raise error_for_response(
                status, body, path=path, method=method, headers=response.headers
            )
        if response.content and not (is_json and isinstance(body, dict)):
            raise MalformedResponse(
                f"{status} on {method} {path}: body is not a JSON object",
                status=status,
                path=path,
                method=method,
            )
        return body

    # --- envelope helpers used by the resources ----------------------------------------

    def list_page[R: Record](
        self,
        path: str,
        cls: type[R],
        params: Mapping[str, str],
        *,
        page: int = 1,
        per_page: int = 20,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Page[R]:
        """One page of a listing; `limit` with `offset` replaces page and per_page."""
        if (limit is None) != (offset is None):
            raise InvalidRequest("give limit and offset together, or neither")
        if limit is not None and offset is not None:
            window = encode_window(limit, offset)
            page, per_page = offset // limit + 1, limit
        else:
            window = encode_page(page, per_page)
        body = self.request("GET", path, params={**params, **window})
        return Page.from_envelope(body, cls, path=path, page=page, per_page=per_page)

    def iter_all[R: Record](
        self,
        path: str,
        cls: type[R],
        params: Mapping[str, str],
        *,
        per_page: int = ITER_ALL_PER_PAGE,
    ) -> Iterator[R]:
        """Every record of a listing, lazily, `per_page` at a time."""
        return iter_all(
            lambda page, size: self.list_page(path, cls, params, page=page, per_page=size),
            per_page=per_page,
        )

    def fetch_one[R: Record](
        self,
        method: str,
        path: str,
        cls: type[R],
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> R:
        """The single record of a show, create or update response."""
        body = self.request(method, path, params=params, json=json)
        records = records_from_envelope(body, cls, path=path)
        if len(records) != 1:
            raise MalformedResponse(
                f"expected one {cls.key} record from {path}, got {len(records)}", path=path
            )
        return records[0]

    def create[R: Record](
        self,
        path: str,
        cls: type[R],
        *,
        json: Any,
        params: Mapping[str, str] | None = None,
        find_existing: Callable[[], R | None],
    ) -> R:
        """POST a create that is never duplicated.

        If the create may have gone through (timeout or dropped connection after sending),
        look for what it would have made first; only if nothing is there send it once more.
        """
        try:
            return self.fetch_one("POST", path, cls, params=params, json=json)
        except TransportError as error:
            if not error.maybe_processed:
                raise
            try:
                existing = find_existing()
            except KantataError:
                raise error from None
            if existing is not None:
                return existing
            return self.fetch_one("POST", path, cls, params=params, json=json)

    def delete(self, path: str) -> None:
        self.request("DELETE", path)
