"""Renewing a member's access token with their refresh token, never inside a database
transaction.

A refresh is claimed in one short UPDATE (a lease on the row), the token endpoint is called
with no transaction open, and the result is stored in a second short UPDATE that holds only
while the claim is still ours. A page that finds a refresh in flight waits briefly for its
result instead of spending the refresh token a second time (a server may accept it once).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from kantata_admin.connections import crypto
from kantata_admin.connections.errors import (
    ReconnectNeeded,
    RenewalUnavailable,
    TokenUnreadable,
)
from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.oauth import (
    TokenEndpointUnavailable,
    TokenGrant,
    TokenRefused,
    refresh_access_token,
)

logger = logging.getLogger(__name__)

# Refresh this long before expiry (a quarter of the lifetime for short-lived tokens).
REFRESH_MARGIN = timedelta(seconds=60)
# How long a page waits for another page's refresh before going on with what it has.
REFRESH_WAIT_SECONDS = 5.0
REFRESH_POLL_SECONDS = 0.1
KEY_PROBLEM = (
    "Your Kantata OX connection cannot be read with this server's encryption keys. "
    "Reconnect, or ask a team admin to check TOKEN_ENCRYPTION_KEYS."
)
REFRESH_FAILED = "Your Kantata OX access expired and could not be renewed. Reconnect to carry on."


def expiry_fields(grant: TokenGrant) -> dict[str, datetime | None]:
    """`expires_at` and `refresh_due_at` for a token answer (None: it never expires)."""
    if grant.expires_in is None:
        return {"expires_at": None, "refresh_due_at": None}
    now = timezone.now()
    lifetime = timedelta(seconds=grant.expires_in)
    return {
        "expires_at": now + lifetime,
        "refresh_due_at": now + lifetime - min(REFRESH_MARGIN, lifetime / 4),
    }


def _lease() -> timedelta:
    # Longer than the token call can take, so a claim outlives its own refresh; a process
    # that died mid-refresh frees the row when it runs out.
    return timedelta(seconds=settings.KANTATA_CONNECT_TIMEOUT + settings.KANTATA_READ_TIMEOUT + 5)


def _claim(connection: KantataConnection, *, rejected: bool) -> datetime | None:
    """Claim the refresh of `connection` as this page saw it; the claim, or None when the
    row changed meanwhile (refreshed, reconnected) or another page holds it."""
    now = timezone.now()
    claim = now + _lease()
    rows = KantataConnection.objects.filter(
        Q(refresh_claimed_until__isnull=True) | Q(refresh_claimed_until__lt=now),
        pk=connection.pk,
        status=KantataConnection.Status.ACTIVE,
        # Still the token this page holds: a new one means someone refreshed already.
        access_token_encrypted=connection.access_token_encrypted,
    ).exclude(refresh_token_encrypted="")
    if not rejected:
        rows = rows.filter(refresh_due_at__lte=now)
    return claim if rows.update(refresh_claimed_until=claim) else None


def _release(connection: KantataConnection, claim: datetime, **changes: object) -> int:
    return KantataConnection.objects.filter(pk=connection.pk, refresh_claimed_until=claim).update(
        refresh_claimed_until=None, **changes
    )


def _still_valid(connection: KantataConnection) -> bool:
    return connection.expires_at is not None and timezone.now() < connection.expires_at


def _await_refresh(connection: KantataConnection, *, rejected: bool) -> KantataConnection:
    """The row once another page's refresh is done (or after a short wait, as it is). A
    page whose token still works does not wait: it goes on with it, holding no thread."""
    if not rejected and _still_valid(connection):
        return KantataConnection.objects.get(pk=connection.pk)
    give_up = time.monotonic() + REFRESH_WAIT_SECONDS
    while True:
        current = KantataConnection.objects.get(pk=connection.pk)
        if current.needs_reconnect:
            raise ReconnectNeeded(REFRESH_FAILED)
        in_flight = (
            current.refresh_claimed_until is not None
            and current.refresh_claimed_until > timezone.now()
        )
        changed = current.access_token_encrypted != connection.access_token_encrypted
        if changed or not in_flight or time.monotonic() >= give_up:
            return current
        time.sleep(REFRESH_POLL_SECONDS)


def connection_refresh(
    connection: KantataConnection, *, rejected: bool = False
) -> KantataConnection:
    """Trade the refresh token for new tokens; the row as it now is. ReconnectNeeded when
    the server refuses.

    `rejected`: Kantata answered 401 to the current token, so refresh even if not due yet.
    Called with no transaction open: the token call happens between two short updates.
    """
    claim = _claim(connection, rejected=rejected)
    if claim is None:
        return _await_refresh(connection, rejected=rejected)
    try:
        refresh_token = crypto.unseal(
            connection.refresh_token_encrypted,
            owner_id=connection.user_id,
            purpose=crypto.REFRESH,
        )
    except TokenUnreadable as exc:
        logger.error("Kantata OX connection %s: %s", connection.pk, exc)
        _release(connection, claim)
        raise ReconnectNeeded(KEY_PROBLEM) from None
    try:
        grant = refresh_access_token(refresh_token)
    except TokenEndpointUnavailable as exc:
        # A passing failure: the connection stays as it is, and the next page tries again.
        logger.warning("Kantata OX refresh postponed: %s", exc)
        _release(connection, claim)
        if _still_valid(connection) and not rejected:
            return KantataConnection.objects.get(pk=connection.pk)  # early: the token works
        raise RenewalUnavailable() from None
    except TokenRefused as exc:
        # Only the server's refusal ends the connection: the member reconnects.
        _release(connection, claim, status=KantataConnection.Status.NEEDS_RECONNECT)
        logger.info("member %s: Kantata OX refresh refused: %s", connection.user_id, exc)
        raise ReconnectNeeded(REFRESH_FAILED) from None
    _store(connection, claim, grant)
    return KantataConnection.objects.get(pk=connection.pk)


def _store(connection: KantataConnection, claim: datetime, grant: TokenGrant) -> None:
    changes: dict[str, object] = {
        "access_token_encrypted": crypto.seal(
            grant.access_token, owner_id=connection.user_id, purpose=crypto.ACCESS
        ),
        **expiry_fields(grant),
    }
    if grant.refresh_token:  # a server may keep the refresh token it had
        changes["refresh_token_encrypted"] = crypto.seal(
            grant.refresh_token, owner_id=connection.user_id, purpose=crypto.REFRESH
        )
    if not _release(connection, claim, **changes):
        # The lease ran out and the row moved on (a reconnect): its tokens win.
        logger.warning("Kantata OX connection %s: refresh result dropped", connection.pk)


class TokenRenewer:
    """The `token_provider` of a member's client: after a 401, one refresh, and the new
    access token (None when there is none: the caller then shows the reconnect prompt).
    RenewalUnavailable (the token endpoint unreachable) goes through the client to the
    connections middleware, which answers 503 without marking the connection."""

    def __init__(self, connection: KantataConnection) -> None:
        self._connection = connection

    def __call__(self) -> str | None:
        if not self._connection.can_refresh:
            return None
        try:
            renewed = connection_refresh(self._connection, rejected=True)
        except ReconnectNeeded:
            return None
        if renewed.access_token_encrypted == self._connection.access_token_encrypted:
            return None  # nothing newer than the token Kantata refused
        self._connection = renewed
        try:
            return crypto.unseal(
                renewed.access_token_encrypted, owner_id=renewed.user_id, purpose=crypto.ACCESS
            )
        except TokenUnreadable:
            return None

    def __repr__(self) -> str:
        return f"TokenRenewer(connection={self._connection.pk})"
