"""Control endpoints that tests drive over HTTP (docs/sandbox.md, "Test controls").

With the caller's own bearer token: /faults queues faults (faults.py), /rate_limit sets
the token's limit. Without one, as an operator would at a console (the sandbox is a test
tool, DEBUG only): /controls/tokens mints tokens, /controls/applications registers OAuth
applications, /controls/revocations revokes an application's access, /controls/clock
moves the sandbox's clock (clock.py) so expiry tests need not sleep."""

import functools
import json
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from kantata_admin.sandbox import clock, ratelimit
from kantata_admin.sandbox.api.errors import no_content, oauth_error, system_error
from kantata_admin.sandbox.bearer import bearer_token
from kantata_admin.sandbox.limits import BodyRefused, checked_body
from kantata_admin.sandbox.models import AccessToken, Fault
from kantata_admin.sandbox.operations import (
    access_revoke,
    application_register,
    tokens_issue,
)
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


def _control(*methods: str, what: str, needs_token: bool = True) -> Callable:
    """A control endpoint for tests: the caller's bearer token or a 401 (unless not
    `needs_token`), one of `methods` or a 405, and a JSON object body (POST only) whose
    ValueError answers 400 "Bad {what}: ...". The view gets (request, token, body)."""
    allowed = f"Use {' or '.join(methods)}."

    def decorate(view):
        @csrf_exempt
        @login_not_required
        @functools.wraps(view)
        def endpoint(request: HttpRequest) -> HttpResponse:
            token = bearer_token(request) if needs_token else None
            if needs_token and token is None:
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
        before_work=body.get("before_work") is True,
    )
    return KantataJsonResponse(
        {
            "id": str(fault.pk),
            "kind": fault.kind,
            "count": fault.remaining,
            "retry_after": fault.retry_after,
            "delay_ms": fault.delay_ms,
            "before_work": fault.before_work,
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


def _text(body: dict, name: str, default: str | None = None) -> str:
    value = body.get(name, default)
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text")
    return value


@_control("POST", what="token request", needs_token=False)
def tokens(request: HttpRequest, token: None, body: dict) -> HttpResponse:
    """POST {"email", "count": 1, "dashboard": false}: new personal tokens for a seeded
    user ({"tokens": [...]}), or with dashboard the token endpoint's answers for the
    dashboard's application ({"answers": [...]})."""
    dashboard = body.get("dashboard", False)
    if not isinstance(dashboard, bool):
        raise ValueError("dashboard must be true or false")
    count = _positive(body, "count", 1, MAX_FAULT_COUNT) or 1
    issued = tokens_issue(_text(body, "email"), count, dashboard=dashboard)
    return KantataJsonResponse({"answers" if dashboard else "tokens": issued}, status=201)


@_control("POST", what="application", needs_token=False)
def applications(request: HttpRequest, token: None, body: dict) -> HttpResponse:
    """POST {"client_id", "secret"?, "name"?, "redirect_uris": [...]}: register an
    application or add redirect URIs to one; a generated secret is answered once."""
    uris = body.get("redirect_uris", [])
    if not isinstance(uris, list) or not all(isinstance(uri, str) for uri in uris):
        raise ValueError("redirect_uris must be a list of text")
    client_id = _text(body, "client_id")
    generated = application_register(
        client_id,
        secret=_text(body, "secret", ""),
        name=_text(body, "name", ""),
        redirect_uris=uris,
    )
    answer = {"client_id": client_id}
    if generated:
        answer["client_secret"] = generated
    return KantataJsonResponse(answer, status=201)


@_control("POST", what="revocation", needs_token=False)
def revocations(request: HttpRequest, token: None, body: dict) -> HttpResponse:
    """POST {"email", "client_id"}: revoke that application's access for that user."""
    revoked = access_revoke(_text(body, "email"), _text(body, "client_id"))
    return KantataJsonResponse({"revoked": revoked}, status=201)


@_control("GET", "POST", what="clock change", needs_token=False)
def clock_control(request: HttpRequest, token: None, body: dict) -> HttpResponse:
    """GET reads the sandbox's clock; POST {"advance_seconds": S} moves it forward."""
    if request.method == "POST":
        seconds = body.get("advance_seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            raise ValueError("advance_seconds must be a number of seconds, at least 0")
        clock.advance(seconds)
    return KantataJsonResponse(
        {"now": clock.now().isoformat(), "offset_seconds": clock.offset().total_seconds()}
    )


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the sandbox's database answers, 503 otherwise (the harness and make run
    wait on it)."""
    try:
        connection.ensure_connection()
    except DatabaseError:
        return KantataJsonResponse({"status": "unavailable"}, status=503)
    return KantataJsonResponse({"status": "ok"})
