"""The authorization-code flow against settings.KANTATA_OAUTH_URL, as allauth's GitLab
provider does it, with failures typed so each ends with a plain message.

The token request is our own (OAuth2Client's puts the server's raw answer in its error
text); identity comes from `users/me` through the project's client.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Client, OAuth2Error
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2Adapter,
    OAuth2CallbackView,
    OAuth2LoginView,
)
from django.conf import settings
from django.http import HttpRequest, HttpResponse

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


class TokenAnswerUnusable(FlowFailed):
    user_message = (
        "Kantata OX answered the sign-in in a way this dashboard does not understand. "
        "Nothing was saved; please try again, or tell a team admin if it persists."
    )


class IdentityUnavailable(FlowFailed):
    user_message = "Kantata OX did not say who you are, so nothing was saved. Please try again."


class KantataOAuth2Client(OAuth2Client):
    def get_access_token(
        self, code: str, pkce_code_verifier: str | None = None, extra_data: Any = None
    ) -> dict[str, Any]:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.callback_url,
            "client_id": self.consumer_key,
            "client_secret": self.consumer_secret,
        }
        if pkce_code_verifier:
            data["code_verifier"] = pkce_code_verifier
        try:
            with get_adapter().get_requests_session() as session:
                response = session.post(
                    self.access_token_url,
                    data=data,
                    headers={"Accept": "application/json"},
                    allow_redirects=False,
                )
        except requests.RequestException as exc:
            raise TokenEndpointUnreachable(f"token endpoint: {type(exc).__name__}") from None
        if response.status_code >= 500:
            raise TokenEndpointUnreachable(f"token endpoint answered {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise TokenAnswerUnusable(f"token endpoint answered {response.status_code}, not JSON")
        if response.status_code != 200 or "error" in answer:
            # Only the error code is kept: never the body, which could echo what we sent.
            error = str(answer.get("error") or response.status_code)
            if error == "invalid_grant":
                raise CodeRefused("token endpoint: invalid_grant")
            raise TokenAnswerUnusable(f"token endpoint: {error[:60]}")
        if not isinstance(answer.get("access_token"), str) or not answer["access_token"]:
            raise TokenAnswerUnusable("token endpoint answered without an access token")
        return answer


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
