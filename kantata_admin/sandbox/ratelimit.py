"""Requests-a-minute per token, counted in Django's cache (Redis when configured), so
every worker process shares the counters and nothing lives in process memory."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse

from kantata_admin.sandbox.api.errors import system_error
from kantata_admin.sandbox.models import AccessToken

WINDOW = 60


def _key(token: AccessToken, window: int) -> str:
    return f"sandbox:ratelimit:{token.pk}:{window}"


def limit_for(token: AccessToken) -> int:
    return token.rate_limit if token.rate_limit is not None else settings.KANTATA_SANDBOX_RATE_LIMIT


def check(token: AccessToken) -> JsonResponse | None:
    """Count this call; a 429 answer when the token is over its limit, else None."""
    limit = limit_for(token)
    if limit <= 0:
        return None
    now = time.time()
    window = int(now // WINDOW)
    key = _key(token, window)
    cache.add(key, 0, timeout=WINDOW * 2)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=WINDOW * 2)
        used = 1
    if used <= limit:
        return None
    retry_after = max(1, int((window + 1) * WINDOW - now))
    return system_error(
        429,
        "Rate limit exceeded: too many requests. Please retry later.",
        headers={"Retry-After": str(retry_after)},
    )


def reset(token: AccessToken) -> None:
    cache.delete(_key(token, int(time.time() // WINDOW)))
