"""The authorization-code flow against settings.KANTATA_OAUTH_URL, as allauth's GitLab
provider does it: the endpoints, then who connected. The token request, the identity call
and their typed failures are the connections app's (connections/oauth_flow.py)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from allauth.socialaccount.providers.oauth2.views import (
    OAuth2Adapter,
    OAuth2CallbackView,
    OAuth2LoginView,
)
from django.conf import settings
from django.http import HttpRequest, HttpResponse

# The flow's failures live with the connection code that handles them.
from kantata_admin.connections.oauth_flow import KantataOAuth2Client, kantata_identity


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
        identity = kantata_identity(token.token)
        return self.get_provider().sociallogin_from_response(request, identity)


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
