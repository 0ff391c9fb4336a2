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
from django.conf import settings

logger = logging.getLogger(__name__)


class RefreshRefused(Exception):
    """The authorization server refused the refresh token (revoked, expired, reused)."""


class TokenEndpointUnavailable(Exception):
    """The authorization server could not be reached or answered with a server error."""


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
    return {
        "client_id": settings.KANTATA_CLIENT_ID,
        "client_secret": settings.KANTATA_CLIENT_SECRET,
    }


def _post(path: str, data: dict[str, str]) -> requests.Response:
    try:
        return requests.post(
            f"{settings.KANTATA_OAUTH_URL}{path}",
            data=data,
            headers={"Accept": "application/json"},
            timeout=_timeout(),
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        # The exception's text can name the URL only; the body is not in it.
        raise TokenEndpointUnavailable(
            f"{path} could not be reached ({type(exc).__name__})"
        ) from None


def refresh_access_token(refresh_token: str) -> TokenGrant:
    """A new access token (and usually a new refresh token) for `refresh_token`."""
    response = _post(
        "/oauth/token",
        {"grant_type": "refresh_token", "refresh_token": refresh_token, **_client_credentials()},
    )
    if response.status_code >= 500:
        raise TokenEndpointUnavailable(f"/oauth/token answered {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200:
        error = body.get("error") if isinstance(body, dict) else None
        raise RefreshRefused(f"/oauth/token refused the refresh ({error or response.status_code})")
    try:
        return TokenGrant.from_answer(body)
    except ValueError as exc:
        raise RefreshRefused(f"/oauth/token answered without a token: {exc}") from None


def revoke_token(token: str, *, hint: str) -> bool:
    """Ask the server to revoke `token` (RFC 7009). True when it did; False when it does
    not offer revocation or could not be reached (the caller deletes the token anyway)."""
    try:
        response = _post(
            "/oauth/revoke", {"token": token, "token_type_hint": hint, **_client_credentials()}
        )
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
