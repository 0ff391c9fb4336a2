"""Turns "this member cannot reach Kantata OX" into the connect or reconnect prompt.

Page views call `client_for(request.user)` and let its errors propagate. Here:
- `ConnectionRequired` (NotConnected, ReconnectNeeded) becomes the prompt;
- `kantata.AuthenticationError` (a 401 `oauth` answer) first tries one refresh and runs
  the view again; when that is not possible the connection is marked "needs reconnecting"
  and the prompt is shown.
A full page normally; for htmx the `#prompt` fragment, swapped into `#main`. The prompt
answers 200 so htmx swaps it (it does not swap error statuses).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import reswap, retarget

from kantata_admin.connections.errors import ConnectionRequired, ReconnectNeeded
from kantata_admin.connections.services import (
    connection_mark_needs_reconnect,
    connection_refresh_after_rejection,
)
from kantata_admin.kantata import AuthenticationError


class ConnectionPromptMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, AuthenticationError):
            retried = self._retry_after_refresh(request)
            if retried is not None:
                return retried
            connection_mark_needs_reconnect(request.user)
            exception = ReconnectNeeded()
        if isinstance(exception, ConnectionRequired):
            return prompt_response(request, exception)
        return None

    def _retry_after_refresh(self, request: HttpRequest) -> HttpResponse | None:
        """Run the view once more after a successful refresh; None when that cannot be.

        A 401 means Kantata OX did nothing with the call, so running the view again is
        what the member asked for. Only once per request.
        """
        user = getattr(request, "user", None)
        match = request.resolver_match
        if (
            user is None
            or match is None
            or getattr(request, "_kantata_refreshed", False)
            or not connection_refresh_after_rejection(user)
        ):
            return None
        request._kantata_refreshed = True
        try:
            return match.func(request, *match.args, **match.kwargs)
        except AuthenticationError:
            connection_mark_needs_reconnect(user)
            return prompt_response(request, ReconnectNeeded())
        except ConnectionRequired as exc:
            return prompt_response(request, exc)


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
        response = reswap(
            retarget(render(request, "connections/prompt.html#prompt", context), "#main"),
            "innerHTML",
        )
    else:
        response = render(request, "connections/prompt.html", context)
    patch_vary_headers(response, ["HX-Request"])
    add_never_cache_headers(response)
    return response
