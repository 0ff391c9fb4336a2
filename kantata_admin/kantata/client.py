"""`KantataClient`: one object per token over a shared request layer.

The layer sends (through transport.py), retries what is safe within one deadline per call,
maps failures to the error tree, logs and counts each call, and parses the envelope.
Resource namespaces (`client.workspace_groups` and so on) are one-line methods over it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from . import resources
from .encoding import encode_page, encode_window
from .errors import (
    InvalidRequest,
    KantataError,
    MalformedResponse,
    NotFound,
    NotModified,
    Timeout,
    TransportError,
    ValidationFailed,
    error_for_response,
    request_id_of,
)
from .observability import Call, ClientCounters, record_call
from .pagination import ITER_ALL_PER_PAGE, Page, iter_all, records_from_envelope
from .records import Record
from .recovery import made_by_this_call
from .retry import RetryPolicy
from .transport import USER_AGENT, BearerAuth, check_base_url, session_for, transport_error

DEFAULT_BASE_URL = "https://api.mavenlink.com/api/v1"


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
        # Wrapped and dropped before anything else can raise: a traceback that records its
        # frames' locals (error trackers, capture_locals) must not find the token here.
        self._auth = BearerAuth(token)
        del token
        self.base_url = check_base_url(base_url)
        parts = urlsplit(self.base_url)
        self._origin = f"{parts.scheme}://{parts.netloc}"
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
        # getattr: a traceback may show the client before __init__ has set base_url.
        return f"KantataClient(base_url={getattr(self, 'base_url', None)!r}, token=***)"

    # --- the request layer -------------------------------------------------------------

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
        connect_timeout, read_timeout = self.timeout
        started = time.perf_counter()
        try:
            response = session_for(self._origin).request(
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
            status = response.status_code
            request_id = request_id_of(response.headers)
        except requests.RequestException as exc:
            failure = transport_error(exc, method, path)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            record_call(Call(method, path, status, elapsed, retries, request_id), self.counters)
        if failure is not None:
            # Raised outside the except block, so it has no __context__: requests' exception
            # names the full URL with its query, and its frames hold the Authorization header.
            raise failure
        return self._decode(response, method, path)

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
        per_page: int = ITER_ALL_PER_PAGE,
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

    def fetch_one[R: Record](
        self,
        method: str,
        path: str,
        cls: type[R],
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        deadline: float | None = None,
    ) -> R:
        """The single record of a show, create or update response."""
        answer = self.exchange(method, path, params=params, json=json, deadline=deadline)
        with _blamed_on(answer):
            records = records_from_envelope(answer.body, cls, path=path)
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
        sent: Mapping[str, Any],
        find_existing: Callable[[float], R | None],
        params: Mapping[str, str] | None = None,
    ) -> R:
        """POST a create that is never duplicated, within one deadline.

        If the create may have gone through (timeout or dropped connection after sending),
        `find_existing(deadline)` looks for what it would have made. A record found is
        returned only if this call made it (`made_by_this_call`, given the `sent` fields);
        one made by someone else means the name was taken, so the original error stands.
        Only if nothing is found is the create sent once more.
        """
        started_at = datetime.now(UTC)
        deadline = self.deadline()
        try:
            return self.fetch_one("POST", path, cls, params=params, json=json, deadline=deadline)
        except TransportError as error:
            if not error.maybe_processed:
                raise
            lost = error

        def ours(record: R | None) -> bool:
            return record is not None and made_by_this_call(record, sent, since=started_at)

        try:
            found = find_existing(deadline)
        except KantataError:
            raise lost from None
        if found is not None:
            if ours(found):
                return found
            raise lost
        if time.monotonic() >= deadline:
            raise lost
        try:
            return self.fetch_one("POST", path, cls, params=params, json=json, deadline=deadline)
        except ValidationFailed as refused:
            if "name" not in refused.field_errors:
                raise
            # The first POST may have landed after the lookup ran (its answer was still on
            # the way): then the name is taken by our own record, which is the success.
            try:
                found = find_existing(deadline)
            except KantataError:
                found = None
            if ours(found):
                return found
            raise

    def delete(self, path: str) -> None:
        self.request("DELETE", path)
