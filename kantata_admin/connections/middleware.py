"""Turns "this member cannot reach Kantata OX" into the connect or reconnect prompt.

Page views call `client_for(request.user)` and let its errors propagate. Here:
- `ConnectionRequired` (NotConnected, ReconnectNeeded) becomes the prompt;
- `kantata.AuthenticationError` (a final 401 `oauth` answer: the client has already
  refreshed and resent that one request where it could) marks the connection "needs
  reconnecting" and shows the prompt. A view is never run twice: it may have written
  before the refused call.
A call this process could not even send, because as many as it allows were already in
flight (`kantata.UpstreamBusy`, see `kantata.transport.CallSlots`), and that no view
handled, becomes a 503 "Kantata OX is busy" page at once, rather than a thread held; an
expired token the authorization server could not renew just now (RenewalUnavailable), a
503 too, the connection left active.
A full page normally; for htmx the `#prompt` fragment, swapped into `#main`. The prompt
answers 200 so htmx swaps it (it does not swap error statuses).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from kantata_admin.connections.errors import (
    ConnectionRequired,
    ReconnectNeeded,
    RenewalUnavailable,
)
from kantata_admin.connections.services import connection_mark_needs_reconnect
from kantata_admin.kantata import AuthenticationError, UpstreamBusy

BUSY_RETRY_AFTER_SECONDS = 5


class ConnectionPromptMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, AuthenticationError):
            connection_mark_needs_reconnect(request.user)
            exception = ReconnectNeeded()
        if isinstance(exception, ConnectionRequired):
            return prompt_response(request, exception)
        if isinstance(exception, UpstreamBusy):
            return unavailable_response(
                request,
                "Kantata OX is busy",
                "Too many pages are waiting for Kantata OX right now. Try again in a moment.",
            )
        if isinstance(exception, RenewalUnavailable):
            return unavailable_response(request, "Kantata OX did not answer", exception.message)
        return None


def unavailable_response(request: HttpRequest, title: str, message: str) -> HttpResponse:
    """A 503 page for a passing upstream failure that no view handled."""
    context = {"status": 503, "title": title, "message": message}
    response = render(request, "error.html", context, status=503)
    response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _return_path(request: HttpRequest) -> str:
    """Where the member was: for htmx the page in the address bar, not the fragment."""
    htmx = getattr(request, "htmx", None)
    path = (htmx.current_url_abs_path if htmx else None) or request.get_full_path()
    if not url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}):
        return "/"
    return path


def prompt_response(request: HttpRequest, problem: ConnectionRequired) -> HttpResponse:
    """The connect (or reconnect) prompt for `problem`, as a page or an htmx fragment."""
    context = {
        "problem": problem,
        "reconnect": isinstance(problem, ReconnectNeeded),
        "next": _return_path(request),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        response = render(request, "connections/prompt.html#prompt", context)
        response["HX-Retarget"] = "#main"
        response["HX-Reswap"] = "innerHTML"
    else:
        response = render(request, "connections/prompt.html", context)
    patch_vary_headers(response, ["HX-Request"])
    add_never_cache_headers(response)
    return response
