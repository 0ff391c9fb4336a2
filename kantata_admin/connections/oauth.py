"""The two calls to Kantata OX's authorization server that happen outside the sign-in
flow: refreshing an access token (RFC 6749 section 6) and revoking one (RFC 7009).

Tokens travel only in form bodies over the configured host, never in a URL, and no
message or log line here names one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import requests
from allauth.socialaccount.adapter import get_adapter
from django.conf import settings

logger = logging.getLogger(__name__)

PROVIDER_ID = "kantata"


class TokenEndpointUnavailable(Exception):
    """The authorization server could not be reached or answered with a server error."""


class TokenRefused(Exception):
    """The token endpoint refused the grant, or answered without a usable token; `error`
    is the OAuth error code (`invalid_grant`: a code or refresh token expired, reused or
    revoked)."""

    def __init__(self, error: str) -> None:
        super().__init__(f"the token endpoint refused the grant ({error})")
        self.error = error


@dataclass(frozen=True)
class TokenGrant:
    """What a token answer gave: the access token, and a refresh token and lifetime when
    the server issues expiring tokens."""

    access_token: str = field(repr=False)
    refresh_token: str = field(default="", repr=False)
    expires_in: int | None = None

    @classmethod
    def from_answer(cls, data: Any) -> TokenGrant:
        """Read a token answer; ValueError when it carries no usable access token."""
        if not isinstance(data, dict):
            raise ValueError("the token answer is not a JSON object")
        access = data.get("access_token")
        if not isinstance(access, str) or not access or any(c.isspace() for c in access):
            raise ValueError("the token answer has no access token")
        refresh = data.get("refresh_token")
        expires_in = data.get("expires_in")
        try:
            lifetime = int(expires_in) if expires_in not in (None, "") else None
        except (TypeError, ValueError):
            lifetime = None
        return cls(
            access_token=access,
            refresh_token=refresh if isinstance(refresh, str) else "",
            expires_in=lifetime if lifetime and lifetime > 0 else None,
        )


def _timeout() -> tuple[float, float]:
    return (settings.KANTATA_CONNECT_TIMEOUT, settings.KANTATA_READ_TIMEOUT)


def _client_credentials() -> dict[str, str]:
    # The application allauth signs in with (SOCIALACCOUNT_PROVIDERS["kantata"]).
    app = get_adapter().get_app(None, provider=PROVIDER_ID)
    return {"client_id": app.client_id, "client_secret": app.secret}


def _post(path: str, data: dict[str, str]) -> requests.Response:
    try:
        return requests.post(
            f"{settings.KANTATA_OAUTH_URL}{path}",
            data={**data, **_client_credentials()},
            headers={"Accept": "application/json"},
            timeout=_timeout(),
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        # Only the kind of failure: requests' message names the URL, and its frames the body.
        raise TokenEndpointUnavailable(
            f"{path} could not be reached ({type(exc).__name__})"
        ) from None


def request_token(grant: dict[str, str]) -> dict[str, Any]:
    """POST `grant` (an authorization code or a refresh token) to the token endpoint; the
    answer, which has an access token. Never puts the answer in an error: it could echo
    what was sent."""
    response = _post("/oauth/token", grant)
    if response.status_code >= 500:
        raise TokenEndpointUnavailable(f"/oauth/token answered {response.status_code}")
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise TokenRefused(f"{response.status_code}, not JSON")
    if response.status_code != 200 or "error" in answer:
        raise TokenRefused(str(answer.get("error") or response.status_code)[:60])
    try:
        TokenGrant.from_answer(answer)
    except ValueError:
        raise TokenRefused("no access token") from None
    return answer


def refresh_access_token(refresh_token: str) -> TokenGrant:
    """A new access token (and usually a new refresh token) for `refresh_token`."""
    return TokenGrant.from_answer(
        request_token({"grant_type": "refresh_token", "refresh_token": refresh_token})
    )


def revoke_token(token: str, *, hint: str) -> bool:
    """Ask the server to revoke `token` (RFC 7009). True when it did; False when it does
    not offer revocation or could not be reached (the caller deletes the token anyway)."""
    try:
        response = _post("/oauth/revoke", {"token": token, "token_type_hint": hint})
    except TokenEndpointUnavailable as exc:
        logger.warning("Kantata OX token revocation failed: %s", exc)
        return False
    if response.status_code == 200:
        return True
    if response.status_code in (404, 405, 501):
        logger.info("Kantata OX offers no token revocation (%s)", response.status_code)
    else:
        logger.warning("Kantata OX refused to revoke a token (%s)", response.status_code)
    return False
