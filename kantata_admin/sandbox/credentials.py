"""Secrets the sandbox hands out: generated here, stored only as sha256 digests.

sha256 without salt is enough because every secret is 256 random bits; a slow password
hash would only make each API call slower.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from kantata_admin.sandbox import clock
from kantata_admin.sandbox.models import (
    AccessToken,
    AuthorizationCode,
    OAuthApplication,
    SandboxUser,
)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def secrets_match(raw: str, stored_digest: str) -> bool:
    return secrets.compare_digest(digest(raw), stored_digest)


@dataclass(frozen=True)
class IssuedToken:
    """What the token endpoint answers; refresh_token and expires_in only with a TTL."""

    access_token: str
    created_at: int  # epoch seconds, as Doorkeeper writes it
    refresh_token: str | None = None
    expires_in: int | None = None

    def answer(self) -> dict:
        body: dict = {"access_token": self.access_token, "token_type": "bearer"}
        if self.refresh_token is not None:
            body.update(
                expires_in=self.expires_in,
                refresh_token=self.refresh_token,
                created_at=self.created_at,
            )
        return body


def issue_pair(
    user: SandboxUser, application: OAuthApplication, code: AuthorizationCode | None = None
) -> IssuedToken:
    """Create a bearer token (and, with KANTATA_SANDBOX_TOKEN_TTL, its refresh token and
    expiry); only digests are kept."""
    raw, now, ttl = new_secret(), clock.now(), settings.KANTATA_SANDBOX_TOKEN_TTL
    refresh = new_secret() if ttl > 0 else None
    AccessToken.objects.create(
        user=user,
        application=application,
        token_hash=digest(raw),
        authorization_code=code,
        refresh_token_hash=digest(refresh) if refresh else None,
        expires_at=now + timedelta(seconds=ttl) if ttl > 0 else None,
        created_at=now,
    )
    return IssuedToken(
        access_token=raw,
        created_at=int(now.timestamp()),
        refresh_token=refresh,
        expires_in=ttl if ttl > 0 else None,
    )


def issue_token(
    user: SandboxUser, application: OAuthApplication, code: AuthorizationCode | None = None
) -> str:
    """A new bearer token, returned once; only its digest is kept."""
    return issue_pair(user, application, code).access_token


def _live() -> Q:
    not_expired = Q(expires_at__isnull=True) | Q(expires_at__gt=clock.now())
    return Q(revoked_at__isnull=True) & not_expired


def token_for_bearer(raw: str) -> AccessToken | None:
    """The live token for a bearer value, or None when unknown, revoked or expired."""
    if not raw:
        return None
    return (
        AccessToken.objects.select_related("user__account", "application")
        .filter(_live(), token_hash=digest(raw))
        .first()
    )


def refresh_pair(application: OAuthApplication, raw_refresh: str) -> IssuedToken | None:
    """The refresh_token grant: a new pair for a live refresh token of `application`, the
    old pair retired (its access token too, as Doorkeeper does); None when the refresh
    token is unknown, retired or another client's. The access token having expired does
    not matter: that is when a client refreshes."""
    if not raw_refresh:
        return None
    with transaction.atomic():
        old = (
            AccessToken.objects.select_for_update()
            .select_related("user")
            .filter(
                refresh_token_hash=digest(raw_refresh),
                application=application,
                revoked_at__isnull=True,
            )
            .first()
        )
        if old is None:
            return None
        old.revoked_at = clock.now()
        old.save(update_fields=["revoked_at"])
        return issue_pair(old.user, application)


def revoke_token(application: OAuthApplication, raw: str, hint: str = "") -> bool:
    """RFC 7009: retire the pair that `raw` (an access or a refresh token) belongs to.

    False when the token was issued to another client (the caller refuses that); True
    otherwise, also for an unknown or already revoked token, which RFC 7009 answers 200.
    """
    if not raw:
        return True
    lookups = ["token_hash", "refresh_token_hash"]
    if hint == "refresh_token":  # only a hint: the other kind is still tried
        lookups.reverse()
    for lookup in lookups:
        token = AccessToken.objects.filter(**{lookup: digest(raw)}).first()
        if token is None:
            continue
        if token.application_id != application.pk:
            return False
        AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=clock.now()
        )
        return True
    return True


def revoke_application(user: SandboxUser, application: OAuthApplication) -> int:
    """Revoke every token `user` gave `application`; returns how many were live."""
    with transaction.atomic():
        return AccessToken.objects.filter(
            user=user, application=application, revoked_at__isnull=True
        ).update(revoked_at=clock.now())


PERSONAL_CLIENT_ID = "sandbox-personal-tokens"


def personal_token(user: SandboxUser) -> str:
    """A token from the sandbox's own "application page", for scripts and tests."""
    application, _ = OAuthApplication.objects.get_or_create(
        client_id=PERSONAL_CLIENT_ID,
        defaults={
            "name": "Personal tokens (application page)",
            "client_secret_hash": digest(new_secret()),
            "redirect_uris": [],
        },
    )
    return issue_token(user, application)
