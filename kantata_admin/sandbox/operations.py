"""What the sandbox's operators do: mint tokens, register applications, revoke access.

One place for both ways in: the manage.py commands (sandbox_token, sandbox_application,
sandbox_revoke) and the test controls over HTTP (control_views.py).
"""

from django.conf import settings

from kantata_admin.sandbox.credentials import (
    digest,
    issue_pair,
    new_secret,
    personal_token,
    revoke_application,
)
from kantata_admin.sandbox.models import OAuthApplication, SandboxUser

MAX_TOKENS = 200


class OperationRefused(ValueError):
    """The request names something the sandbox does not have; the message says what."""


def sandbox_user(email: str) -> SandboxUser:
    user = SandboxUser.objects.filter(email__iexact=email).first()
    if user is None:
        raise OperationRefused(f"No sandbox user {email!r}; run sandbox_seed first.")
    return user


def tokens_issue(email: str, count: int = 1, *, dashboard: bool = False) -> list:
    """`count` new tokens for a seeded user: personal bearer tokens (strings), or with
    `dashboard` the token endpoint's answers (dicts) for the dashboard's application."""
    if not 1 <= count <= MAX_TOKENS:
        raise OperationRefused(f"count must be from 1 to {MAX_TOKENS}")
    user = sandbox_user(email)
    if not dashboard:
        return [personal_token(user) for _ in range(count)]
    application = OAuthApplication.objects.filter(client_id=settings.KANTATA_CLIENT_ID).first()
    if application is None:
        raise OperationRefused("The dashboard application is not registered: sandbox_seed.")
    return [issue_pair(user, application).answer() for _ in range(count)]


def application_register(
    client_id: str, *, secret: str = "", name: str = "", redirect_uris: list[str] = ()
) -> str:
    """Register an application, or add redirect URIs to (and reset the secret or name
    of) one; returns the secret generated for a new application without one, else ""."""
    if not client_id:
        raise OperationRefused("client_id is required")
    application = OAuthApplication.objects.filter(client_id=client_id).first()
    generated = ""
    if application is None:
        generated = "" if secret else new_secret()
        secret = secret or generated
        application = OAuthApplication(client_id=client_id, name=name or client_id)
    if secret:
        application.client_secret_hash = digest(secret)
    if name:
        application.name = name
    application.redirect_uris = application.redirect_uris + [
        uri for uri in redirect_uris if uri not in application.redirect_uris
    ]
    application.save()
    return generated


def access_revoke(email: str, client_id: str) -> int:
    """Revoke an application's access for a user; returns how many tokens were live."""
    user = SandboxUser.objects.filter(email__iexact=email).first()
    application = OAuthApplication.objects.filter(client_id=client_id).first()
    if user is None or application is None:
        raise OperationRefused("Unknown sandbox user or client id.")
    return revoke_application(user, application)
