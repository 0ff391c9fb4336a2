"""Who is calling the API: the bearer token of the request."""

from django.http import HttpRequest

from kantata_admin.sandbox.credentials import token_for_bearer
from kantata_admin.sandbox.models import AccessToken


def bearer_token(request: HttpRequest) -> AccessToken | None:
    """The live token named by `Authorization: Bearer …`, or None."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token_for_bearer(value.strip())
