"""Fault injection: the next N API calls made with a token answer 429 or 503, arrive
late, lose their connection or carry malformed JSON (controls.py is how tests ask).

Faults live in the database and are taken one call at a time under select_for_update,
so they hold across threads and worker processes.
"""

import contextlib
import socket
import time

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from kantata_admin.sandbox.api.errors import system_error
from kantata_admin.sandbox.models import AccessToken, Fault
from kantata_admin.sandbox.responses import JSON_CONTENT_TYPE

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


def answer_instead(request: HttpRequest, fault: Fault) -> HttpResponse | None:
    """For faults that replace the handler: the answer to send without running it."""
    if fault.before_work and fault.kind in (Kind.DROP, Kind.MALFORMED):
        return spoil(request, fault, system_error(503, "Not run."))
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
        return HttpResponse(MALFORMED_BODY, status=200, content_type=JSON_CONTENT_TYPE)
    if fault.kind == Kind.DROP:
        sock = request.META.get("gunicorn.socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            return response
        # Without gunicorn: promise more bytes than are sent, so the client sees a cut.
        cut = HttpResponse(b'{"count": ', status=200, content_type=JSON_CONTENT_TYPE)
        cut["Content-Length"] = "4096"
        return cut
    return response
