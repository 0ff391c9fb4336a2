"""Requests-a-minute per token, counted in the database: every thread, worker and server
process shares the counters and nothing lives in process memory or a per-process cache.

One upsert per call counts it and reads the new total in the same statement, so two
concurrent calls can never both see the same count (SQLite 3.35+ and PostgreSQL both
speak INSERT ... ON CONFLICT ... RETURNING).
"""

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

from kantata_admin.sandbox.api.errors import system_error
from kantata_admin.sandbox.models import AccessToken, RateWindow

WINDOW = 60


def _count_sql() -> str:
    table = connection.ops.quote_name(RateWindow._meta.db_table)
    token, minute, calls = (
        connection.ops.quote_name(RateWindow._meta.get_field(name).column)
        for name in ("token", "minute", "calls")
    )
    # Only quoted identifiers from the model's own metadata are interpolated; the values
    # go as parameters.
    return (
        f"INSERT INTO {table} ({token}, {minute}, {calls}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({token}, {minute}) DO UPDATE SET {calls} = {table}.{calls} + 1 "
        f"RETURNING {calls}"
    )


def _count(token: AccessToken, window: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_count_sql(), [token.pk, window])
        used = cursor.fetchone()[0]
    if used == 1:
        # The first call of a token's minute sweeps every finished minute: at most one
        # indexed delete per token a minute, and the table stays a row or so per token.
        RateWindow.objects.filter(minute__lt=window).delete()
    return used


def limit_for(token: AccessToken) -> int:
    return token.rate_limit if token.rate_limit is not None else settings.KANTATA_SANDBOX_RATE_LIMIT


def check(token: AccessToken) -> JsonResponse | None:
    """Count this call; a 429 answer when the token is over its limit, else None."""
    limit = limit_for(token)
    if limit <= 0:
        return None
    now = time.time()
    window = int(now // WINDOW)
    if _count(token, window) <= limit:
        return None
    retry_after = max(1, int((window + 1) * WINDOW - now))
    # Kantata documents no Retry-After: KANTATA_SANDBOX_RETRY_AFTER=false leaves it out, as
    # the real service may, so clients are tested backing off without it.
    headers = {"Retry-After": str(retry_after)} if settings.KANTATA_SANDBOX_RETRY_AFTER else None
    return system_error(
        429, "Rate limit exceeded: too many requests. Please retry later.", headers=headers
    )


def reset(token: AccessToken) -> None:
    RateWindow.objects.filter(token=token).delete()
