"""The connect flow's own steps and failures, for the Kantata OX allauth provider: the token
request (the connections app's, since OAuth2Client's puts the server's raw answer in its
error text), who connected (`users/me` through the project's client), and a failure type
per step, each with the sentence the member is shown (connections/adapter.py)."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.oauth2.client import OAuth2Client, OAuth2Error

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


def kantata_identity(access_token: str) -> dict[str, Any]:
    """`users/me` for a new token: who connected, as Kantata answered."""
    try:
        me = client_with_token(access_token).users.me()
    except TransportError:
        raise IdentityUnavailable("users/me: Kantata OX unreachable") from None
    except KantataError as exc:
        raise IdentityUnavailable(f"users/me failed ({exc.status})") from None
    return dict(me.raw)
