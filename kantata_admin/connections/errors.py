"""Why a page cannot get a Kantata OX client for a member.

Page views let these propagate: `connections.middleware` turns them into the connect or
reconnect prompt, so no view handles them itself.
"""

from __future__ import annotations


class ConnectionRequired(Exception):
    """The member has no usable Kantata OX connection; the page offers to (re)connect."""

    #: What the prompt tells the member, in their words.
    message = "Connect your Kantata OX account to see this page."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class NotConnected(ConnectionRequired):
    """The member has never connected (or has disconnected) a Kantata OX account."""


class ReconnectNeeded(ConnectionRequired):
    """The connection exists but cannot be used: the token was revoked, a refresh failed,
    or the key that encrypted it is no longer configured."""

    message = (
        "Kantata OX no longer accepts this dashboard's access to your account. "
        "Reconnect to carry on where you were."
    )


class RenewalUnavailable(Exception):
    """The access token has expired and the authorization server could not be reached to
    renew it: a passing failure (the connection stays active), shown as a 503 page."""

    message = (
        "Kantata OX could not renew your access just now. Nothing was changed; "
        "try again in a moment."
    )


class TokenUnreadable(Exception):
    """A stored token cannot be decrypted with TOKEN_ENCRYPTION_KEYS (wrong or removed
    key, or a ciphertext that belongs to another member). Never carries the ciphertext."""
