"""Who may connect as whom: the Kantata identity a token belongs to, the allowed accounts,
and one Kantata user per member."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.conf import settings

from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.oauth import PROVIDER_ID


class ConnectionRefused(ValueError):
    """A connection that policy does not allow; the message is shown to the member."""


@dataclass(frozen=True)
class Identity:
    """Who a token belongs to, as `users/me` says."""

    kantata_user_id: str
    account_id: str
    name: str
    email: str

    @classmethod
    def from_users_me(cls, raw: dict[str, Any]) -> Identity:
        # The API sends account_id as an integer and ids as strings: compare as strings.
        user_id = raw.get("id")
        if user_id in (None, ""):
            raise ValueError("users/me answered without a user id")
        account = raw.get("account_id")
        return cls(
            kantata_user_id=str(user_id),
            account_id="" if account in (None, "") else str(account),
            name=str(raw.get("full_name") or ""),
            email=str(raw.get("email_address") or ""),
        )


def account_allowed(account_id: str) -> bool:
    """KANTATA_ALLOWED_ACCOUNT_IDS, when given, lists the only accounts that may connect."""
    allowed = settings.KANTATA_ALLOWED_ACCOUNT_IDS
    return not allowed or str(account_id) in allowed


def identity_owner(identity: Identity) -> Any | None:
    """The member this Kantata user is already connected to (or signs in as), if any."""
    connection = KantataConnection.objects.filter(kantata_user_id=identity.kantata_user_id).first()
    if connection is not None:
        return connection.user
    account = SocialAccount.objects.filter(
        provider=PROVIDER_ID, uid=identity.kantata_user_id
    ).first()
    return account.user if account is not None else None


def check_connection_allowed(user: Any | None, identity: Identity) -> None:
    """Raise ConnectionRefused when `user` (None: a member about to be created) may not
    connect as `identity`."""
    if not account_allowed(identity.account_id):
        raise ConnectionRefused(
            "This Kantata OX account is not one this dashboard works with, so it was not "
            "connected. Connect with your company's Kantata OX account."
        )
    owner = identity_owner(identity)
    if owner is not None and (user is None or owner.pk != user.pk):
        raise ConnectionRefused(
            f"The Kantata OX user {identity.name or identity.email} is already connected "
            "to another member of the team, so it was not connected to yours. Ask them to "
            "disconnect it first, or connect with your own Kantata OX user."
        )
