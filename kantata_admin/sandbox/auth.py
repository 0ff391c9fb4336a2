"""Bearer-token authentication and the wrapper every API view goes through."""

import functools
import logging
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from kantata_admin.sandbox.credentials import token_for_bearer
from kantata_admin.sandbox.models import AccessToken

logger = logging.getLogger(__name__)
INTERNAL_ERROR = "Something went wrong on our side. Please try again later."


def bearer_token(request: HttpRequest) -> AccessToken | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token_for_bearer(value.strip())


def api_endpoint(view: Callable) -> Callable[..., HttpResponse]:
    """Authenticate, rate-limit, apply faults and map API errors for `view(request, ctx, …)`."""
    # Imported here: these modules import this one for bearer_token.
    from kantata_admin.sandbox import faults, ratelimit
    from kantata_admin.sandbox.api.envelope import ApiContext
    from kantata_admin.sandbox.api.errors import (
        ApiError,
        ValidationFailed,
        oauth_error,
        system_error,
    )

    def dispatch(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = bearer_token(request)
        if token is None:
            return oauth_error()
        limited = ratelimit.check(token)
        if limited is not None:
            return limited
        fault = faults.take(token)
        if fault is not None and (instead := faults.answer_instead(fault)) is not None:
            return instead
        try:
            response = view(request, ApiContext(request, token.user), *args, **kwargs)
        except (ApiError, ValidationFailed) as error:
            response = error.response()
        return faults.spoil(request, fault, response) if fault is not None else response

    @csrf_exempt
    @login_not_required
    @never_cache
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return dispatch(request, *args, **kwargs)
        except Exception:
            # Responses are always JSON (seed), even for a bug: never Django's HTML 500.
            # Method and path only: the bearer token travels in a header, never logged.
            logger.exception("Sandbox API error on %s %s", request.method, request.path)
            return system_error(500, INTERNAL_ERROR)

    return wrapper
