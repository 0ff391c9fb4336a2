"""The request layer every resource speaks through (stripe's `_api_requestor`).

It sends (through transport.py), retries what is safe within one deadline per call, maps
failures to the error tree, logs and counts each call, and reads the envelope into records
and pages. It holds the token (wrapped) and the settings of one client; it knows nothing of
resources, which depend on it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from .budget import RateBudget
from .encoding import PAGE_CAP, encode_page, encode_window
from .errors import (
    AuthenticationError,
    InvalidRequest,
    KantataError,
    MalformedResponse,
    NotFound,
    NotModified,
    Timeout,
    TransportError,
    UpstreamBusy,
    error_for_response,
    request_id_of,
)
from .observability import Call, ClientCounters, record_call
from .pagination import Page, iter_all, records_from_envelope
from .records import Record
from .retry import RetryPolicy
from .transport import (
    USER_AGENT,
    BearerAuth,
    call_slots,
    check_base_url,
    session_for,
    transport_error,
)


@dataclass(frozen=True, slots=True)
class Answer:
    """A successful answer: its decoded body (None when empty), `X-Request-Id` and ETag."""

    body: Any
    request_id: str | None = None
    etag: str | None = None


@contextmanager
def _blamed_on(answer: Answer) -> Iterator[None]:
    # An envelope that does not parse is still an answer Kantata's support can look up.
    try:
        yield
    except MalformedResponse as error:
        if error.request_id is None:
            error.request_id = answer.request_id
        raise


class Requestor:
    """Sends one client's calls. Safe to share between threads; connections are pooled per
    thread and base URL (transport.py), not per requestor."""

    def __init__(
        self,
        auth: BearerAuth,
        *,
        base_url: str,
        connect_timeout: float,
        read_timeout: float,
        retry: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
        token_provider: Callable[[], str | None] | None = None,
        rate_budget: RateBudget | None = None,
    ) -> None:
        # Takes the token already wrapped: a traceback's locals show BearerAuth(***).
        self._auth = auth
        # Asked for a new token after a 401, once per request (see `_renew_auth`).
        self._token_provider = token_provider
        self._budget = rate_budget
        self.base_url = check_base_url(base_url)
        parts = urlsplit(self.base_url)
        self._origin = f"{parts.scheme}://{parts.netloc}"
        self.timeout = (connect_timeout, read_timeout)
        self.retry = retry
        self.counters = ClientCounters()
        self._sleep = sleep

    def deadline(self) -> float:
        """A `time.monotonic()` deadline for one call: now plus the policy's total budget."""
        return time.monotonic() + self.retry.total_budget

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        deadline: float | None = None,
    ) -> Any:
        """Send with retries per the policy; the decoded JSON body, or None when empty.

        `deadline` (from `deadline()`) bounds every attempt and wait of the call; an
        operation made of several requests passes the same one to each.
        """
        return self.exchange(method, path, params=params, json=json, deadline=deadline).body

    def exchange(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        deadline: float | None = None,
    ) -> Answer:
        """Like `request`, with extra request `headers`, answering the whole `Answer`."""
        if deadline is None:
            deadline = self.deadline()
        attempt = 0
        last_error: KantataError | None = None
        may_have_deleted = False
        renewed = False
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if last_error is not None:
                    raise last_error
                raise Timeout(
                    f"no time left for {method} {path}",
                    maybe_processed=False,
                    method=method,
                    path=path,
                )
            try:
                return self._send_once(
                    method, path, params, json, headers, retries=attempt, remaining=remaining
                )
            except UpstreamBusy:
                raise  # waiting more for a slot would only hold this page's thread longer
            except AuthenticationError:
                # Kantata did nothing with a call it refused with 401: this one request (never
                # the view around it) goes again, once, with the token the provider renewed.
                if renewed or not self._renew_auth():
                    raise
                renewed = True
            except NotFound:
                # A DELETE whose earlier try may have gone through finds nothing left to
                # delete: the outcome the caller asked for. After a 429 or 503 nothing was
                # deleted by us, so a 404 then is a real one.
                if method == "DELETE" and may_have_deleted:
                    return Answer(None)
                raise
            except KantataError as error:
                last_error = error
                may_have_deleted = may_have_deleted or (
                    isinstance(error, TransportError) and error.maybe_processed
                )
                attempt += 1
                delay = self.retry.next_delay(
                    method, error, attempt=attempt, remaining=deadline - time.monotonic()
                )
                if delay is None:
                    raise
                self._sleep(delay)

    def _renew_auth(self) -> bool:
        """Ask the token provider for a new token (as requests-oauthlib's auto-refresh
        does); True when it gave one, which every later call of this client uses too."""
        if self._token_provider is None:
            return False
        token = self._token_provider()
        if not isinstance(token, str) or not token or any(c.isspace() for c in token):
            return False
        self._auth = BearerAuth(token)
        return True

    def _send_once(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        json: Any,
        extra_headers: Mapping[str, str] | None,
        *,
        retries: int,
        remaining: float,
    ) -> Answer:
        headers = {**(extra_headers or {}), "User-Agent": USER_AGENT, "Accept": "application/json"}
        status: int | None = None
        request_id: str | None = None
        failure: TransportError | None = None
        if self._budget is not None:
            # Every attempt, retries too, takes its turn from the account's shared budget,
            # before it takes one of this process's call slots.
            self._budget.wait_turn(remaining)
        started = time.perf_counter()
        try:
            with call_slots.held(method, path):
                response = self._send(method, path, params, json, headers, remaining)
            status = response.status_code
            request_id = request_id_of(response.headers)
        except requests.RequestException as exc:
            failure = transport_error(exc, method, path)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            record_call(Call(method, path, status, elapsed, retries, request_id), self.counters)
            if self._budget is not None:
                self._budget.answered(status)
        if failure is not None:
            # Raised outside the except block, so it has no __context__: requests' exception
            # names the full URL with its query, and its frames hold the Authorization header.
            raise failure
        return self._decode(response, method, path)

    def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        json: Any,
        headers: dict[str, str],
        remaining: float,
    ) -> requests.Response:
        connect_timeout, read_timeout = self.timeout
        return session_for(self._origin).request(
            method,
            self.base_url + path,
            params=params,
            json=json,
            headers=headers,
            auth=self._auth,
            # No attempt may outlive the call's deadline.
            timeout=(min(connect_timeout, remaining), min(read_timeout, remaining)),
            # A redirect could carry the request somewhere we did not check.
            allow_redirects=False,
        )

    @staticmethod
    def _decode(response: requests.Response, method: str, path: str) -> Answer:
        status = response.status_code
        request_id = request_id_of(response.headers)
        etag = response.headers.get("ETag") or None
        if status == 304:
            # Only a conditional GET (If-None-Match) gets this: the caller's copy is current.
            sent = response.request.headers.get("If-None-Match", "") if response.request else ""
            raise NotModified(
                f"304 on {method} {path}: not modified",
                etag=etag or sent,
                path=path,
                method=method,
                request_id=request_id,
            )
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
                request_id=request_id,
            )
        return Answer(body, request_id, etag)

    # --- the envelope, read into records -----------------------------------------------

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
        deadline: float | None = None,
        if_none_match: str | None = None,
    ) -> Page[R]:
        """One page of a listing; `limit` with `offset` replaces page and per_page.

        With `if_none_match` (a `Page.etag` from before), an unchanged page raises
        `NotModified` instead of being sent again."""
        if (limit is None) != (offset is None):
            raise InvalidRequest("give limit and offset together, or neither")
        if limit is not None and offset is not None:
            window = encode_window(limit, offset)
            page, per_page = offset // limit + 1, limit
        else:
            window = encode_page(page, per_page)
        answer = self.exchange(
            "GET",
            path,
            params={**params, **window},
            headers={"If-None-Match": if_none_match} if if_none_match else None,
            deadline=deadline,
        )
        with _blamed_on(answer):
            return Page.from_envelope(
                answer.body, cls, path=path, page=page, per_page=per_page, etag=answer.etag
            )

    def iter_all[R: Record](
        self,
        path: str,
        cls: type[R],
        params: Mapping[str, str],
        *,
        per_page: int = PAGE_CAP,
        deadline: float | None = None,
    ) -> Iterator[R]:
        """Every record of a listing, lazily, `per_page` at a time; with `deadline`, one
        deadline for the whole walk, else one per page."""
        return iter_all(
            lambda page, size: self.list_page(
                path, cls, params, page=page, per_page=size, deadline=deadline
            ),
            per_page=per_page,
        )

    def fetch_one[R: Record](self, method: str, path: str, cls: type[R], **request: Any) -> R:
        """The single record of a show, create or update response; `request` is
        `fetch_many`'s params, json and deadline."""
        (record,) = self.fetch_many(method, path, cls, expected=1, **request)
        return record

    def fetch_many[R: Record](
        self,
        method: str,
        path: str,
        cls: type[R],
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        deadline: float | None = None,
        expected: int,
    ) -> list[R]:
        """The `expected` records of a write (or show) response, in the answer's order."""
        answer = self.exchange(method, path, params=params, json=json, deadline=deadline)
        with _blamed_on(answer):
            records = records_from_envelope(answer.body, cls, path=path)
            if len(records) != expected:
                raise MalformedResponse(
                    f"expected {expected} {cls.key} records from {path}, got {len(records)}",
                    path=path,
                )
            return records

    def delete(self, path: str) -> None:
        self.request("DELETE", path)
