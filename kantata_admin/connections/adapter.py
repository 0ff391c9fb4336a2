"""allauth's social-account policy for Kantata OX: connect, not sign up; tokens go only to
our encrypted model; every failure of the flow ends on a page with a plain message."""

from __future__ import annotations

from datetime import datetime

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthError, AuthProcess
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.oauth_flow import FlowFailed
from kantata_admin.connections.policy import (
    ConnectionRefused,
    Identity,
    account_allowed,
    check_connection_allowed,
)
from kantata_admin.connections.services import connection_save

DENIED = "You did not allow Kantata Admin to use your Kantata OX account, so nothing was connected."
STATE_LOST = (
    "This connection attempt had expired or was not started from this browser, so nothing "
    "was saved. Please connect again."
)
UNKNOWN = "Kantata OX could not connect your account, so nothing was saved. Please try again."
SIGN_IN_OFF = (
    "Signing in with Kantata OX is not offered here. Sign in with your e-mail address and "
    "password, then connect Kantata OX from the Kantata OX page."
)
SIGN_IN_EMAIL_TAKEN = (
    "A member with this e-mail address already exists. Sign in with your password, then "
    "connect Kantata OX from the Kantata OX page."
)
SIGN_IN_NO_EMAIL = "Kantata OX gave no e-mail address for this user, so no member was created."


def sign_in_offered() -> bool:
    """ "Sign in with Kantata OX" exists only when KANTATA_ALLOWED_ACCOUNT_IDS is given."""
    return bool(settings.KANTATA_ALLOWED_ACCOUNT_IDS)


def _grant(sociallogin: SocialLogin) -> TokenGrant:
    token = sociallogin.token
    expires_at: datetime | None = getattr(token, "expires_at", None)
    expires_in = max(int((expires_at - timezone.now()).total_seconds()), 1) if expires_at else None
    return TokenGrant(token.token, refresh_token=token.token_secret or "", expires_in=expires_in)


def _end(request: HttpRequest, message: str) -> ImmediateHttpResponse:
    """End the flow on the Kantata OX page (or the sign-in page) with `message`."""
    messages.error(request, message)
    target = "connections:page" if request.user.is_authenticated else "account_login"
    return ImmediateHttpResponse(HttpResponseRedirect(reverse(target)))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        # Runs before allauth connects, signs in or stores anything. The token goes to
        # our model and off the sociallogin (_save) before allauth could serialize it
        # into the session (a two-factor stage, a sign-up form).
        identity = Identity.from_users_me(sociallogin.account.extra_data)
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            if not request.user.is_authenticated:
                raise _end(request, "Your session ended: sign in again, then connect.")
            self._save(request, request.user, identity, sociallogin)
            return
        if not sign_in_offered() or not account_allowed(identity.account_id):
            raise _end(request, SIGN_IN_OFF)
        if sociallogin.is_existing:
            self._save(request, sociallogin.user, identity, sociallogin)
            return
        # A new member: refuse here what would otherwise park the sociallogin (token and
        # all) in the session behind allauth's sign-up form.
        if not identity.email:
            raise _end(request, SIGN_IN_NO_EMAIL)
        if get_user_model().objects.filter(email__iexact=identity.email).exists():
            raise _end(request, SIGN_IN_EMAIL_TAKEN)
        try:
            check_connection_allowed(None, identity)
        except ConnectionRefused as exc:
            raise _end(request, str(exc)) from None

    def _save(self, request, user, identity: Identity, sociallogin: SocialLogin) -> None:
        try:
            connection_save(user, identity, _grant(sociallogin))
        except ConnectionRefused as exc:
            raise _end(request, str(exc)) from None
        finally:
            sociallogin.token = None

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        identity = Identity.from_users_me(sociallogin.account.extra_data)
        return sign_in_offered() and account_allowed(identity.account_id)

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form=None):
        # New members start as viewers (the User model's default role). Their token is
        # still on the sociallogin: sign-up went on in the same request (see above).
        user = super().save_user(request, sociallogin, form)
        identity = Identity.from_users_me(sociallogin.account.extra_data)
        self._save(request, user, identity, sociallogin)
        return user

    def get_connect_redirect_url(self, request: HttpRequest, socialaccount) -> str:
        return reverse("connections:page")

    def validate_disconnect(self, account, accounts) -> None:
        # One way to disconnect, which also deletes and revokes the tokens.
        raise ValidationError("Disconnect Kantata OX from the Kantata OX page.")

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        extra_context = extra_context or {}
        if isinstance(exception, FlowFailed):
            message = exception.user_message
        elif error == AuthError.CANCELLED:
            message = DENIED
        elif exception is None and extra_context.get("state") is None:
            message = STATE_LOST
        else:
            message = UNKNOWN
        raise _end(request, message)
