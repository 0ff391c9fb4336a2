"""The wrappers every API view goes through.

`answered` gives every answer what the recorded service's answers have: a fresh
`X-Request-Id` (also in this call's log line), a weak `ETag` on GET answers with 304 for a
matching `If-None-Match`, JSON even for a bug, and the optional latency of
KANTATA_SANDBOX_LATENCY_MS. `api_endpoint` adds authentication, the rate limit and faults.
"""

import functools
import hashlib
import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.views.decorators.csrf import csrf_exempt

from kantata_admin.sandbox import faults, ratelimit
from kantata_admin.sandbox.api.envelope import ApiContext
from kantata_admin.sandbox.api.errors import ApiError, ValidationFailed, oauth_error, system_error
from kantata_admin.sandbox.bearer import bearer_token

logger = logging.getLogger(__name__)
INTERNAL_ERROR = "Something went wrong on our side. Please try again later."


def _weak_etag(content: bytes) -> str:
    return f'W/"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'


def _matches(request: HttpRequest, etag: str) -> bool:
    """RFC 9110 13.1.2: If-None-Match compares weakly (W/ prefixes ignored)."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    wanted = {tag.removeprefix("W/") for tag in parse_etags(header)}
    return "*" in wanted or etag.removeprefix("W/") in wanted


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A weak ETag on a successful GET, and 304 with no body when the client has it; as a
    Rails app answers, `Cache-Control: max-age=0, private, must-revalidate` then."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        patch_cache_control(response, no_cache=True, no_store=True, private=True)
        return response
    etag = _weak_etag(response.content)
    if _matches(request, etag):
        response = HttpResponseNotModified()
    response["ETag"] = etag
    patch_cache_control(response, max_age=0, private=True, must_revalidate=True)
    return response


def _has_nul(request: HttpRequest) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


def answered(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Request id, conditional GET, one log line per call, and never an HTML 500."""

    @csrf_exempt
    @login_not_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request_id = str(uuid.uuid4())
        try:
            response = view(request, *args, **kwargs)
        except Exception:
            # Responses are always JSON (seed), even for a bug: never Django's HTML 500.
            # Method and path only: the bearer token travels in a header, never logged.
            logger.exception(
                "Sandbox API error on %s %s request_id=%s", request.method, request.path, request_id
            )
            response = system_error(500, INTERNAL_ERROR)
        response = _conditional(request, response)
        response["X-Request-Id"] = request_id
        if settings.KANTATA_SANDBOX_LATENCY_MS > 0:
            time.sleep(settings.KANTATA_SANDBOX_LATENCY_MS / 1000)
        logger.info(
            "%s %s %s request_id=%s",
            request.method,
            request.path,
            response.status_code,
            request_id,
        )
        return response

    return wrapper


def api_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Authenticate, rate-limit, apply faults and map API errors for `view(request, ctx, …)`."""

    @answered
    @functools.wraps(view)
    def dispatch(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = bearer_token(request)
        if token is None:
            return oauth_error()
        try:
            has_nul = _has_nul(request)
        except SuspiciousOperation:  # more parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS
            return system_error(
                400, f"At most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} query parameters."
            )
        if has_nul:
            # PostgreSQL cannot compare text with NUL in it: refused here, for every filter.
            return system_error(400, "Query parameters cannot contain NUL characters.")
        limited = ratelimit.check(token)
        if limited is not None:
            return limited
        fault = faults.take(token)
        if fault is not None and (instead := faults.answer_instead(request, fault)) is not None:
            return instead
        try:
            response = view(request, ApiContext(request, token.user), *args, **kwargs)
        except (ApiError, ValidationFailed) as error:
            response = error.response()
        return faults.spoil(request, fault, response) if fault is not None else response

    return dispatch
