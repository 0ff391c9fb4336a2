"""Fault injection that tests drive over HTTP: the next N API calls made with a token
answer 429 or 503, arrive late, lose their connection or carry malformed JSON.

Faults live in the database and are taken one call at a time under select_for_update,
so they hold across threads and worker processes.
"""

import contextlib
import functools
import json
import socket
import time

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from kantata_admin.sandbox import ratelimit
from kantata_admin.sandbox.api.errors import no_content, oauth_error, system_error
from kantata_admin.sandbox.auth import bearer_token
from kantata_admin.sandbox.models import AccessToken, Fault
from kantata_admin.sandbox.responses import KantataJsonResponse

Kind = Fault.Kind
MALFORMED_BODY = b'{"count": 1, "results": [{"key": "workspace_groups", "id": '


def take(token: AccessToken) -> Fault | None:
    """The fault that applies to this call, if any, counted down by one."""
    # A plain read first: most calls have no fault and should not take a write lock.
    if not Fault.objects.filter(token=token, remaining__gt=0).exists():
        return None
    with transaction.atomic():
        fault = (
            Fault.objects.select_for_update()
            .filter(token=token, remaining__gt=0)
            .order_by("id")
            .first()
        )
        if fault is None:
            return None
        fault.remaining -= 1
        if fault.remaining:
            fault.save(update_fields=["remaining"])
        else:
            fault.delete()
        return fault


def answer_instead(fault: Fault) -> HttpResponse | None:
    """For faults that replace the handler: the answer to send without running it."""
    if fault.kind == Kind.TOO_MANY_REQUESTS:
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
        return system_error(429, "Rate limit exceeded: too many requests.", headers=headers)
    if fault.kind == Kind.UNAVAILABLE:
        return system_error(503, "Service is unavailable. Please try again later.")
    return None


def spoil(request: HttpRequest, fault: Fault, response: HttpResponse) -> HttpResponse:
    """For faults that follow the handler: the write has happened, the answer goes wrong."""
    if fault.kind == Kind.DELAY:
        time.sleep(fault.delay_ms / 1000)
        return response
    if fault.kind == Kind.MALFORMED:
        return HttpResponse(MALFORMED_BODY, status=200, content_type="application/json")
    if fault.kind == Kind.DROP:
        sock = request.META.get("gunicorn.socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            return response
        # Without gunicorn: promise more bytes than are sent, so the client sees a cut.
        cut = HttpResponse(b'{"count": ', status=200, content_type="application/json")
        cut["Content-Length"] = "4096"
        return cut
    return response


def _positive(body: dict, name: str, default: int | None) -> int | None:
    value = body.get(name, default)
    if value is None:
        return None
    # 2**31 - 1: what a PositiveIntegerField holds on every database.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise ValueError(f"{name} must be an integer from 0 to {2**31 - 1}")
    return value


def _control(*methods: str, what: str):
    """A control endpoint for tests: the caller's bearer token or a 401, one of `methods`
    or a 405, and a JSON body (POST only) whose ValueError, AttributeError or TypeError
    answers 400 "Bad {what}: ...". The view gets (request, token, body)."""
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
                body = json.loads(request.body or b"{}") if request.method == "POST" else {}
                return view(request, token, body)
            except (ValueError, AttributeError, TypeError) as error:
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
        remaining=_positive(body, "count", 1) or 1,
        retry_after=_positive(body, "retry_after", None),
        delay_ms=_positive(body, "delay_ms", 0),
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
    token.rate_limit = _positive(body, "requests_per_minute", None)
    token.save(update_fields=["rate_limit"])
    ratelimit.reset(token)
    return KantataJsonResponse({"requests_per_minute": ratelimit.limit_for(token)})
