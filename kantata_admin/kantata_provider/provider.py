"""Kantata OX as an allauth provider (id `kantata`, so the callback is
/accounts/kantata/login/callback/). Who connected comes from `users/me`."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider

from kantata_admin.kantata_provider.views import KantataOAuth2Adapter


class KantataAccount(ProviderAccount):
    def to_str(self) -> str:
        return self.account.extra_data.get("full_name") or super().to_str()


class KantataProvider(OAuth2Provider):
    id = "kantata"
    name = "Kantata OX"
    account_class = KantataAccount
    oauth2_adapter_class = KantataOAuth2Adapter
    # PKCE S256 unless SOCIALACCOUNT_PROVIDERS["kantata"]["OAUTH_PKCE_ENABLED"] is False
    # (settings.KANTATA_OAUTH_PKCE), for a server that refuses it.
    pkce_enabled_default = True

    def extract_uid(self, data: dict[str, Any]) -> str:
        return str(data["id"])

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        first, _, last = str(data.get("full_name") or "").partition(" ")
        return {
            "email": data.get("email_address") or None,
            "name": data.get("full_name") or "",
            "first_name": first,
            "last_name": last,
        }

    def extract_email_addresses(self, data: dict[str, Any]) -> list[EmailAddress]:
        email = data.get("email_address")
        if not email:
            return []
        # Kantata OX verified the address of its own user; a new member who signs in with
        # it (only from KANTATA_ALLOWED_ACCOUNT_IDS) needs no second confirmation.
        return [EmailAddress(email=email, verified=True, primary=True)]


provider_classes = [KantataProvider]
