"""The authorization-code flow against settings.KANTATA_OAUTH_URL, as allauth's GitLab
provider does it, with failures typed so each ends with a plain message.

The token request is the connections app's (OAuth2Client's puts the server's raw answer in
its error text); identity comes from `users/me` through the project's client.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from allauth.socialaccount.providers.oauth2.client import OAuth2Client, OAuth2Error
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2Adapter,
    OAuth2CallbackView,
    OAuth2LoginView,
)
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from kantata_admin.connections.oauth import TokenEndpointUnavailable, TokenRefused, request_token
from kantata_admin.connections.services import client_with_token
from kantata_admin.kantata import KantataError, TransportError


class FlowFailed(OAuth2Error):
    """A step of the flow failed; `user_message` says so in the member's words."""

    user_message = "Kantata OX could not connect your account. Please try again."


class TokenEndpointUnreachable(FlowFailed):
    user_message = (
        "Kantata OX could not be reached to finish connecting. Nothing was saved; "
        "please try again in a few minutes."
    )


class CodeRefused(FlowFailed):
    user_message = (
        "Kantata OX did not accept the sign-in: it had expired or was already used. "
        "Nothing was saved; please connect again."
    )


class TokenRequestRefused(FlowFailed):
    """The token endpoint refused for another reason (the application's credentials,
    an unusable answer): something for a team admin to look at."""

    user_message = (
        "Kantata OX refused to finish connecting. Nothing was saved; please try again, "
        "and tell a team admin if it keeps happening."
    )


class IdentityUnavailable(FlowFailed):
    user_message = "Kantata OX did not say who you are, so nothing was saved. Please try again."


class KantataOAuth2Client(OAuth2Client):
    def get_access_token(
        self, code: str, pkce_code_verifier: str | None = None, extra_data: Any = None
    ) -> dict[str, Any]:
        grant = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.callback_url,
        }
        if pkce_code_verifier:
            grant["code_verifier"] = pkce_code_verifier
        try:
            return request_token(grant)
        except TokenEndpointUnavailable as exc:
            raise TokenEndpointUnreachable(str(exc)) from None
        except TokenRefused as exc:
            if exc.error == "invalid_grant":
                raise CodeRefused(str(exc)) from None
            raise TokenRequestRefused(str(exc)) from None


class KantataOAuth2Adapter(OAuth2Adapter):
    provider_id = "kantata"
    client_class = KantataOAuth2Client

    # Read on every request: the hosts are settings, and tests point them at a sandbox.
    @property
    def authorize_url(self) -> str:
        return f"{settings.KANTATA_OAUTH_URL}/oauth/authorize"

    @property
    def access_token_url(self) -> str:
        return f"{settings.KANTATA_OAUTH_URL}/oauth/token"

    def complete_login(self, request: HttpRequest, app: Any, token: Any, **kwargs: Any):
        try:
            me = client_with_token(token.token).users.me()
        except TransportError:
            raise IdentityUnavailable("users/me: Kantata OX unreachable") from None
        except KantataError as exc:
            raise IdentityUnavailable(f"users/me failed ({exc.status})") from None
        return self.get_provider().sociallogin_from_response(request, dict(me.raw))


def no_referrer(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The callback URL carries the code: no page it leads to may send it on."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapped


oauth2_login = OAuth2LoginView.adapter_view(KantataOAuth2Adapter)
oauth2_callback = no_referrer(OAuth2CallbackView.adapter_view(KantataOAuth2Adapter))
