"""Writes and the client: the one place a member's connection is saved, used, refreshed,
marked for reconnecting, deleted and re-encrypted.

`client_for(user)` is how every page gets a Kantata OX client. It raises NotConnected or
ReconnectNeeded, which `connections.middleware` turns into the connect prompt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
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
from kantata_admin.connections.oauth import PROVIDER_ID, TokenGrant, revoke_token
from kantata_admin.connections.policy import ConnectionRefused, Identity, check_connection_allowed
from kantata_admin.connections.refresh import (
    KEY_PROBLEM,
    TokenRenewer,
    connection_refresh,
    expiry_fields,
)
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


# --- the client ---------------------------------------------------------------------------


def client_with_token(
    token: str,
    *,
    token_provider: Callable[[], str | None] | None = None,
    rate_budget: RateBudget | None = None,
) -> KantataClient:
    """A client for `token` with this site's API URL and timeouts."""
    return KantataClient(
        token,
        base_url=settings.KANTATA_API_URL,
        connect_timeout=settings.KANTATA_CONNECT_TIMEOUT,
        read_timeout=settings.KANTATA_READ_TIMEOUT,
        token_provider=token_provider,
        rate_budget=rate_budget,
    )


def connection_for(user: Any) -> KantataConnection | None:
    if user is None or not user.is_authenticated:
        return None
    return KantataConnection.objects.filter(user=user).first()


def client_for(user: Any, *, priority: str = PAGE) -> KantataClient:
    """The member's own Kantata OX client; the one place pages (and, with `priority=JOB`,
    background jobs) get one. Its requests take turns from the account's rate budget."""
    return client_and_connection(user, priority=priority)[0]


def client_and_connection(
    user: Any, *, priority: str = PAGE
) -> tuple[KantataClient, KantataConnection]:
    """`client_for`, with the connection row it was made from: a page that also needs the
    member's Kantata account reads the row once."""
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
    # A 401 refreshes once and sends that one request again, inside the client: a view
    # is never run twice (it may have written before the refused call).
    client = client_with_token(
        token,
        token_provider=TokenRenewer(connection),
        rate_budget=budget_for(connection.account_id, priority),
    )
    return client, connection


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
        **expiry_fields(grant),
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
