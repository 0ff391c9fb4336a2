"""Secrets the sandbox hands out: generated here, stored only as sha256 digests.

sha256 without salt is enough because every secret is 256 random bits; a slow password
hash would only make each API call slower.
"""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

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


def issue_token(
    user: SandboxUser, application: OAuthApplication, code: AuthorizationCode | None = None
) -> str:
    """Create a bearer token and return it; only its digest is kept."""
    raw = new_secret()
    AccessToken.objects.create(
        user=user, application=application, token_hash=digest(raw), authorization_code=code
    )
    return raw


def token_for_bearer(raw: str) -> AccessToken | None:
    """The live token for a bearer value, or None when unknown or revoked."""
    if not raw:
        return None
    return (
        AccessToken.objects.select_related("user__account", "application")
        .filter(token_hash=digest(raw), revoked_at__isnull=True)
        .first()
    )


def revoke_application(user: SandboxUser, application: OAuthApplication) -> int:
    """Revoke every token `user` gave `application`; returns how many were live."""
    with transaction.atomic():
        return AccessToken.objects.filter(
            user=user, application=application, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())


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
