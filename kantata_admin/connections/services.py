"""Writes and the client: the one place a member's connection is saved, used, refreshed,
marked for reconnecting, deleted and re-encrypted.

`client_for(user)` is how every page gets a Kantata OX client. It raises NotConnected or
ReconnectNeeded, which `connections.middleware` turns into the connect prompt.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from kantata_admin.audit.models import Action, Outcome
from kantata_admin.audit.services import audit_record
from kantata_admin.connections import crypto
from kantata_admin.connections.errors import NotConnected, ReconnectNeeded, TokenUnreadable
from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.oauth import (
    PROVIDER_ID,
    TokenEndpointUnavailable,
    TokenGrant,
    TokenRefused,
    refresh_access_token,
    revoke_token,
)
from kantata_admin.connections.policy import ConnectionRefused, Identity, check_connection_allowed
from kantata_admin.kantata import (
    AuthenticationError,
    InvalidRequest,
    KantataClient,
    KantataError,
    RateBudget,
    TransportError,
)
from kantata_admin.ratebudget.budget import PAGE, budget_for

logger = logging.getLogger(__name__)

# last_used_at moves at most this often, so an ordinary page view writes nothing.
LAST_USED_GRANULARITY = timedelta(minutes=1)
# Refresh this long before expiry (a quarter of the lifetime for short-lived tokens).
REFRESH_MARGIN = timedelta(seconds=60)
KEY_PROBLEM = (
    "Your Kantata OX connection cannot be read with this server's encryption keys. "
    "Reconnect, or ask a team admin to check TOKEN_ENCRYPTION_KEYS."
)
REFRESH_FAILED = "Your Kantata OX access expired and could not be renewed. Reconnect to carry on."


# --- the client ---------------------------------------------------------------------------


def client_with_token(token: str, *, rate_budget: RateBudget | None = None) -> KantataClient:
    """A client for `token` with this site's API URL and timeouts."""
    return KantataClient(
        token,
        base_url=settings.KANTATA_API_URL,
        connect_timeout=settings.KANTATA_CONNECT_TIMEOUT,
        read_timeout=settings.KANTATA_READ_TIMEOUT,
        rate_budget=rate_budget,
    )


def connection_for(user: Any) -> KantataConnection | None:
    if user is None or not user.is_authenticated:
        return None
    return KantataConnection.objects.filter(user=user).first()


def client_for(user: Any, *, priority: str = PAGE) -> KantataClient:
    """The member's own Kantata OX client; the one place pages (and, with `priority=JOB`,
    background jobs) get one. Its requests take turns from the account's rate budget."""
    connection = connection_for(user)
    if connection is None:
        raise NotConnected()
    if connection.needs_reconnect:
        raise ReconnectNeeded()
    if (
        connection.can_refresh
        and connection.refresh_due_at
        and timezone.now() >= (connection.refresh_due_at)
    ):
        connection = connection_refresh(connection)
    token = _unseal_access(connection)
    _touch(connection)
    return client_with_token(token, rate_budget=budget_for(connection.account_id, priority))


def _unseal_access(connection: KantataConnection) -> str:
    try:
        return crypto.unseal(
            connection.access_token_encrypted, owner_id=connection.user_id, purpose=crypto.ACCESS
        )
    except TokenUnreadable as exc:
        # A configuration fault, not the member's: the row is left as it is, so putting
        # the key back repairs every connection at once.
        logger.error("Kantata OX connection %s: %s", connection.pk, exc)
        raise ReconnectNeeded(KEY_PROBLEM) from None


def _touch(connection: KantataConnection) -> None:
    now = timezone.now()
    if connection.last_used_at and now - connection.last_used_at < LAST_USED_GRANULARITY:
        return
    KantataConnection.objects.filter(pk=connection.pk).update(last_used_at=now)
    connection.last_used_at = now


# --- saving, refreshing, marking, deleting ------------------------------------------------


def _expiry_fields(grant: TokenGrant) -> dict[str, datetime | None]:
    if grant.expires_in is None:
        return {"expires_at": None, "refresh_due_at": None}
    now = timezone.now()
    lifetime = timedelta(seconds=grant.expires_in)
    return {
        "expires_at": now + lifetime,
        "refresh_due_at": now + lifetime - min(REFRESH_MARGIN, lifetime / 4),
    }


def connection_save(
    user: Any,
    identity: Identity,
    grant: TokenGrant,
    *,
    kind: str = KantataConnection.Kind.OAUTH,
) -> KantataConnection:
    """Connect (or reconnect) `user` as `identity` with `grant`'s tokens, encrypted."""
    check_connection_allowed(user, identity)
    # A reconnect leaves no live token behind that nobody holds any more (a server may
    # hand out the same token again: that one stays).
    replaced = [
        (token, hint)
        for token, hint in _revocable_tokens(KantataConnection.objects.filter(user=user).first())
        if token not in (grant.access_token, grant.refresh_token)
    ]
    values = {
        "kantata_user_id": identity.kantata_user_id,
        "account_id": identity.account_id,
        "name": identity.name,
        "email": identity.email,
        "access_token_encrypted": crypto.seal(
            grant.access_token, owner_id=user.pk, purpose=crypto.ACCESS
        ),
        "refresh_token_encrypted": crypto.seal(
            grant.refresh_token, owner_id=user.pk, purpose=crypto.REFRESH
        )
        if grant.refresh_token
        else "",
        "status": KantataConnection.Status.ACTIVE,
        "kind": kind,
        "connected_at": timezone.now(),
        **_expiry_fields(grant),
    }
    try:
        with transaction.atomic():
            connection, _ = KantataConnection.objects.update_or_create(user=user, defaults=values)
            # A member reconnecting as another Kantata user no longer signs in as the old one.
            SocialAccount.objects.filter(user=user, provider=PROVIDER_ID).exclude(
                uid=identity.kantata_user_id
            ).delete()
    except IntegrityError:
        # Another member connected this Kantata user in the same instant.
        raise ConnectionRefused(
            "This Kantata OX user is already connected to another member of the team."
        ) from None
    logger.info(
        "member %s connected Kantata OX user %s (%s)", user.pk, identity.kantata_user_id, kind
    )
    for token, hint in replaced:
        revoke_token(token, hint=hint)
    audit_record(
        actor=user,
        action=Action.CONNECT,
        account_id=identity.account_id,
        changes={"kantata_user": identity.email or identity.name, "kind": kind},
    )
    return connection


def connection_mark_needs_reconnect(user: Any) -> None:
    """Kantata OX refused the member's token: every page now offers to reconnect."""
    if user is None or not user.is_authenticated:
        return
    updated = KantataConnection.objects.filter(
        user=user, status=KantataConnection.Status.ACTIVE
    ).update(status=KantataConnection.Status.NEEDS_RECONNECT)
    if updated:
        logger.info("member %s: Kantata OX connection needs reconnecting", user.pk)


def connection_refresh(connection: KantataConnection) -> KantataConnection:
    """Trade the refresh token for new tokens; ReconnectNeeded when that fails.

    The row is locked so two pages refreshing at once do not both spend a refresh token
    the server may accept only once: the second finds the first one's result.
    """
    with transaction.atomic():
        locked = KantataConnection.objects.select_for_update().get(pk=connection.pk)
        if locked.needs_reconnect:
            raise ReconnectNeeded()
        if locked.refresh_due_at != connection.refresh_due_at or not locked.can_refresh:
            return locked  # refreshed (or reconnected) meanwhile
        try:
            refresh_token = crypto.unseal(
                locked.refresh_token_encrypted, owner_id=locked.user_id, purpose=crypto.REFRESH
            )
        except TokenUnreadable as exc:
            logger.error("Kantata OX connection %s: %s", locked.pk, exc)
            raise ReconnectNeeded(KEY_PROBLEM) from None
        try:
            grant = refresh_access_token(refresh_token)
        except TokenEndpointUnavailable as exc:
            if locked.expires_at and timezone.now() < locked.expires_at:
                # Early refresh only: the current token still works, try again later.
                logger.warning("Kantata OX refresh postponed: %s", exc)
                return locked
            failure: Exception = exc
        except TokenRefused as exc:
            failure = exc
        else:
            locked.access_token_encrypted = crypto.seal(
                grant.access_token, owner_id=locked.user_id, purpose=crypto.ACCESS
            )
            if grant.refresh_token:  # a server may keep the refresh token it had
                locked.refresh_token_encrypted = crypto.seal(
                    grant.refresh_token, owner_id=locked.user_id, purpose=crypto.REFRESH
                )
            for name, value in _expiry_fields(grant).items():
                setattr(locked, name, value)
            locked.save()
            return locked
        locked.status = KantataConnection.Status.NEEDS_RECONNECT
        locked.save(update_fields=["status"])
    logger.info("member %s: Kantata OX refresh failed: %s", connection.user_id, failure)
    raise ReconnectNeeded(REFRESH_FAILED)


def connection_refresh_after_rejection(user: Any) -> bool:
    """After a 401: refresh once if the connection can; True when it now has new tokens."""
    connection = connection_for(user)
    if connection is None or connection.needs_reconnect or not connection.can_refresh:
        return False
    try:
        connection_refresh(_due_now(connection))
    except ReconnectNeeded:
        return False
    return True


def _due_now(connection: KantataConnection) -> KantataConnection:
    # connection_refresh skips a row whose due time moved; a 401 makes it due now.
    KantataConnection.objects.filter(pk=connection.pk).update(refresh_due_at=timezone.now())
    connection.refresh_from_db()
    return connection


def _revocable_tokens(connection: KantataConnection | None) -> list[tuple[str, str]]:
    """(token, RFC 7009 hint) pairs to revoke when `connection`'s tokens are dropped.

    A personal token is never revoked: it is the admin's own token from Kantata's
    application page and may serve them elsewhere.
    """
    if connection is None or connection.kind != KantataConnection.Kind.OAUTH:
        return []
    tokens = []
    for column, purpose, hint in (
        ("refresh_token_encrypted", crypto.REFRESH, "refresh_token"),
        ("access_token_encrypted", crypto.ACCESS, "access_token"),
    ):
        ciphertext = getattr(connection, column)
        if not ciphertext:
            continue
        try:
            tokens.append(
                (crypto.unseal(ciphertext, owner_id=connection.user_id, purpose=purpose), hint)
            )
        except TokenUnreadable:
            logger.warning("Kantata OX connection %s: token unreadable, not revoked", connection.pk)
    return tokens


def connection_delete(
    connection: KantataConnection, *, revoke: bool = True, by: Any = None
) -> bool:
    """Disconnect: delete the tokens (and the sign-in link), then revoke them upstream
    where the server offers RFC 7009 (not a personal token). True when the server
    confirmed a revocation."""
    tokens = _revocable_tokens(connection) if revoke else []
    with transaction.atomic():
        SocialAccount.objects.filter(user_id=connection.user_id, provider=PROVIDER_ID).delete()
        connection.delete()
    logger.info("member %s disconnected Kantata OX", connection.user_id)
    revoked = [revoke_token(token, hint=hint) for token, hint in tokens]
    confirmed = bool(revoked) and all(revoked)
    audit_record(
        actor=by or connection.user,
        action=Action.DISCONNECT,
        account_id=connection.account_id,
        changes={
            "member": connection.user.email,
            "kantata_user": connection.email or connection.name,
            "revoked_upstream": "yes" if confirmed else "no",
        },
    )
    return confirmed


# --- the personal-token alternative -------------------------------------------------------


def connection_save_checked(
    user: Any, grant: TokenGrant, *, kind: str = KantataConnection.Kind.OAUTH
) -> KantataConnection:
    """Save `grant` for `user` after `users/me` says whose token it is."""
    try:
        me = client_with_token(grant.access_token).users.me()
    except InvalidRequest:
        raise ConnectionRefused(
            "That is not a Kantata OX token: paste the whole token, without spaces."
        ) from None
    except AuthenticationError:
        raise ConnectionRefused(
            "Kantata OX did not accept this token. Copy it again from your application's "
            "page in Kantata OX."
        ) from None
    except TransportError:
        raise ConnectionRefused(
            "Kantata OX could not be reached to check the token. Try again shortly."
        ) from None
    except KantataError:
        raise ConnectionRefused(
            "Kantata OX could not check this token. Check that you copied all of it."
        ) from None
    return connection_save(user, Identity.from_users_me(dict(me.raw)), grant, kind=kind)


def connection_save_personal_token(user: Any, token: str) -> KantataConnection:
    """An admin's personal token from Kantata's application page ("backend connector"):
    checked with `users/me`, then stored encrypted like any other. It connects that admin
    only; it is never shared with the team."""
    return connection_save_checked(
        user, TokenGrant(token.strip()), kind=KantataConnection.Kind.PERSONAL
    )


# --- key rotation -------------------------------------------------------------------------


def rotate_token_keys() -> tuple[int, int]:
    """Re-encrypt every stored token under the newest key.

    Returns (tokens re-encrypted, connections that could not be read with any key).
    """
    rotated = unreadable = 0
    with transaction.atomic():
        for connection in KantataConnection.objects.select_for_update():
            try:
                access = crypto.reseal(connection.access_token_encrypted)
                refresh = (
                    crypto.reseal(connection.refresh_token_encrypted)
                    if connection.refresh_token_encrypted
                    else ""
                )
            except TokenUnreadable:
                unreadable += 1
                logger.error("Kantata OX connection %s: unreadable, not rotated", connection.pk)
                continue
            connection.access_token_encrypted, connection.refresh_token_encrypted = access, refresh
            connection.save(update_fields=["access_token_encrypted", "refresh_token_encrypted"])
            rotated += 2 if refresh else 1
    audit_record(
        actor=None,
        action=Action.KEY_ROTATION,
        changes={"tokens_re_encrypted": rotated, "connections_unreadable": unreadable},
        outcome=Outcome.ERROR if unreadable else Outcome.SUCCESS,
        error=f"{unreadable} connection(s) could not be read with any key" if unreadable else "",
    )
    return rotated, unreadable
