"""The error tree, and the one function that maps an upstream response onto it.

Every error carries the request path (never the query string, which may hold search terms or
other values a user typed, and never the token) so logs and error pages can say which call
failed without leaking anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """One entry of the upstream `errors` array."""

    type: str
    message: str
    field: str | None = None
    # The failing item's position in a request that writes several (a values create).
    index: int | None = None


class KantataError(Exception):
    """Base of everything this client raises.

    An error read from an HTTP answer carries that answer's `X-Request-Id` as `request_id`
    (None when the answer had none, and for failures with no answer); `str()` shows it,
    since it is what Kantata's support asks for.
    """

    # The HTTP status when a response arrived; None for transport failures.
    status: int | None = None
    # Seconds the API asked us to wait (429, 503), when it said.
    retry_after: float | None = None
    # A write whose answer was lost or unreadable: True once what it would have made was
    # looked for and not found (so it was not made), False while nobody knows.
    write_checked: bool = False

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        method: str | None = None,
        details: tuple[ErrorDetail, ...] = (),
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.method = method
        self.details = details
        self.request_id = request_id

    def __str__(self) -> str:
        message = super().__str__()
        return f"{message} (request id {self.request_id})" if self.request_id else message

    @property
    def messages(self) -> tuple[str, ...]:
        """The upstream messages, in the order the API sent them."""
        return tuple(detail.message for detail in self.details)


class InvalidRequest(KantataError, ValueError):
    """The caller's arguments cannot be encoded; raised before any request is sent."""


class InsecureBaseURL(KantataError, ValueError):
    """A base URL that would send the bearer token in clear text over the network."""


class APIError(KantataError):
    """The API answered with an error status."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        path: str | None = None,
        method: str | None = None,
        details: tuple[ErrorDetail, ...] = (),
        body: Any = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, path=path, method=method, details=details, request_id=request_id)
        self.status = status
        self.body = body


class AuthenticationError(APIError):
    """401: the token is invalid or was revoked; the user must connect again."""


class PermissionDenied(APIError):
    """403: the token's user may not do this."""


class NotFound(APIError):
    """404: missing, or hidden by the endpoint's default filters."""


class ValidationFailed(APIError):
    """422: the write was refused; `errors` lists each message with its field."""

    @property
    def errors(self) -> tuple[ErrorDetail, ...]:
        return self.details

    @property
    def field_errors(self) -> dict[str, list[str]]:
        """Messages grouped by field; messages without a field are under `"__all__"`."""
        grouped: dict[str, list[str]] = {}
        for detail in self.details:
            grouped.setdefault(detail.field or "__all__", []).append(detail.message)
        return grouped


class RateLimited(APIError):
    """429: nothing was processed; `retry_after` is in seconds when the API said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class BadRequest(APIError):
    """400, or a `system` error: the request itself was wrong or the account refuses it."""


class ServiceUnavailable(APIError):
    """5xx: Kantata OX is down or overloaded; `retry_after` when the API said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class UpstreamBusy(ServiceUnavailable):
    """This process already has as many calls to Kantata OX in flight as it allows
    (`transport.call_slots`), and none ended within the short wait: nothing was sent. A
    503 of our own, so every page already says "unavailable, try again in a moment"."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, status=503, **kwargs)


class TransportError(KantataError):
    """No usable HTTP response arrived."""

    def __init__(self, message: str, *, maybe_processed: bool = True, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        # False only when the request provably never left (refused, connect timeout): then
        # even a create may be sent again without looking first.
        self.maybe_processed = maybe_processed


class ConnectionFailed(TransportError):
    """The connection could not be made, or dropped before a response arrived."""


class Timeout(TransportError):
    """The connect or read timeout, or the whole call's time budget, ran out."""


class TLSOrProxyError(TransportError):
    """TLS verification or the proxy failed: nothing reached the API, and a retry would
    meet the same certificate or proxy, so it is never retried."""


class NotModified(KantataError):
    """304: the listing asked for with `if_none_match` has not changed since that ETag.

    Not a failure: the cached copy is still current. `etag` is the answer's (or, when it
    sent none, the one asked with)."""

    status = 304

    def __init__(self, message: str, *, etag: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.etag = etag


class MalformedResponse(KantataError):
    """A success status with a body that is not JSON, or JSON without the envelope."""

    def __init__(self, message: str, *, status: int | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.status = status


def request_id_of(headers: Mapping[str, str] | None) -> str | None:
    """The answer's `X-Request-Id` (Kantata sends one on every answer), or None."""
    value = (headers or {}).get("X-Request-Id")
    return (value.strip() or None) if isinstance(value, str) else None


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header; HTTP dates are not used by this API."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def _details(body: Any) -> tuple[ErrorDetail, ...]:
    if not isinstance(body, Mapping):
        return ()
    entries = body.get("errors")
    if not isinstance(entries, list):
        return ()
    details = []
    for entry in entries:
        if isinstance(entry, Mapping):
            field, index = entry.get("field"), entry.get("index")
            details.append(
                ErrorDetail(
                    type=str(entry.get("type") or ""),
                    message=str(entry.get("message") or ""),
                    field=str(field) if field else None,
                    index=index if isinstance(index, int) and not isinstance(index, bool) else None,
                )
            )
        elif isinstance(entry, str):
            details.append(ErrorDetail(type="", message=entry))
    return tuple(details)


def _class_for(status: int, details: tuple[ErrorDetail, ...]) -> type[APIError]:
    types = {detail.type for detail in details}
    if status == 401 or "oauth" in types:
        return AuthenticationError
    if status == 403:
        return PermissionDenied
    if status == 404:
        return NotFound
    if status == 422:
        # A 422 carrying only `system` errors is a refusal, not a field problem.
        if details and "validation" not in types and "system" in types:
            return BadRequest
        return ValidationFailed
    if status == 429:
        return RateLimited
    if status >= 500:
        return ServiceUnavailable
    if status == 400 or "system" in types:
        return BadRequest
    return APIError


def error_for_response(
    status: int,
    body: Any,
    *,
    path: str,
    method: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> APIError:
    """The one mapping from an error status and its `errors` body to an exception."""
    headers = headers or {}
    details = _details(body)
    cls = _class_for(status, details)
    summary = "; ".join(
        f"{detail.field}: {detail.message}" if detail.field else detail.message
        for detail in details
        if detail.message
    )
    message = f"{status} on {method or 'request'} {path}" + (f": {summary}" if summary else "")
    kwargs: dict[str, Any] = {
        "status": status,
        "path": path,
        "method": method,
        "details": details,
        "body": body,
        "request_id": request_id_of(headers),
    }
    if cls is RateLimited or cls is ServiceUnavailable:
        retry_after = parse_retry_after(headers.get("Retry-After"))
        return cls(message, retry_after=retry_after, **kwargs)
    return cls(message, **kwargs)
