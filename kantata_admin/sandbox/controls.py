"""Control endpoints that tests drive over HTTP with their own bearer token:
/sandbox/faults queues faults (faults.py), /sandbox/rate_limit sets a token's limit."""

import functools
import json
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from kantata_admin.sandbox import ratelimit
from kantata_admin.sandbox.api.errors import no_content, oauth_error, system_error
from kantata_admin.sandbox.bearer import bearer_token
from kantata_admin.sandbox.limits import BodyRefused, checked_body
from kantata_admin.sandbox.models import AccessToken, Fault
from kantata_admin.sandbox.responses import KantataJsonResponse

Kind = Fault.Kind
# Sane caps: a fault is for a test, not for wedging a server thread for a day.
MAX_FAULT_COUNT = 1000
MAX_DELAY_MS = 60_000
MAX_RETRY_AFTER = 3600
MAX_RATE_LIMIT = 1_000_000


def _positive(body: dict, name: str, default: int | None, maximum: int) -> int | None:
    value = body.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise ValueError(f"{name} must be an integer from 0 to {maximum}")
    return value


def _control(*methods: str, what: str) -> Callable:
    """A control endpoint for tests: the caller's bearer token or a 401, one of `methods`
    or a 405, and a JSON object body (POST only) whose ValueError answers 400
    "Bad {what}: ...". The view gets (request, token, body)."""
    allowed = f"Use {' or '.join(methods)}."

    def decorate(view):
        @csrf_exempt
        @login_not_required
        @functools.wraps(view)
        def endpoint(request: HttpRequest) -> HttpResponse:
            token = bearer_token(request)
            if token is None:
                return oauth_error()
            if request.method not in methods:
                return system_error(405, allowed)
            try:
                raw = checked_body(request) if request.method == "POST" else b""
            except BodyRefused as refused:
                return system_error(refused.status, refused.message)
            try:
                body = json.loads(raw or b"{}")
                if not isinstance(body, dict):
                    raise ValueError("the body must be a JSON object")
                return view(request, token, body)
            except (ValueError, RecursionError) as error:
                return system_error(400, f"Bad {what}: {error}")

        return endpoint

    return decorate


@_control("POST", "DELETE", what="fault")
def faults(request: HttpRequest, token: AccessToken, body: dict) -> HttpResponse:
    """POST queues a fault for the caller's token; DELETE clears them all."""
    if request.method == "DELETE":
        token.faults.all().delete()
        return no_content()
    kind = str(body.get("kind", ""))
    if kind not in Kind.values:
        raise ValueError(f"kind must be one of {', '.join(Kind.values)}")
    fault = Fault.objects.create(
        token=token,
        kind=kind,
        remaining=_positive(body, "count", 1, MAX_FAULT_COUNT) or 1,
        retry_after=_positive(body, "retry_after", None, MAX_RETRY_AFTER),
        delay_ms=_positive(body, "delay_ms", 0, MAX_DELAY_MS),
    )
    return KantataJsonResponse(
        {
            "id": str(fault.pk),
            "kind": fault.kind,
            "count": fault.remaining,
            "retry_after": fault.retry_after,
            "delay_ms": fault.delay_ms,
        },
        status=201,
    )


@_control("POST", what="rate limit")
def rate_limit(request: HttpRequest, token: AccessToken, body: dict) -> HttpResponse:
    """POST {"requests_per_minute": N|null}: this token's own limit (null: the setting)."""
    token.rate_limit = _positive(body, "requests_per_minute", None, MAX_RATE_LIMIT)
    token.save(update_fields=["rate_limit"])
    ratelimit.reset(token)
    return KantataJsonResponse({"requests_per_minute": ratelimit.limit_for(token)})
