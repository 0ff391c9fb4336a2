"""Who is signed in to the sandbox's own pages.

A signed cookie of its own rather than Django's session: when the sandbox and the
dashboard run on two ports of one host they share cookies, and Django's session cookie
would then be clobbered by one or the other.
"""

from django.core import signing
from django.http import HttpRequest, HttpResponse

from kantata_admin.sandbox.models import SandboxUser

COOKIE = "kantata_sandbox_user"
_SALT = "kantata_admin.sandbox.browser_session"
MAX_AGE = 12 * 60 * 60


def signed_in_user(request: HttpRequest) -> SandboxUser | None:
    try:
        user_id = request.get_signed_cookie(COOKIE, salt=_SALT, max_age=MAX_AGE)
    except (KeyError, signing.BadSignature):
        return None
    return SandboxUser.objects.select_related("account").filter(pk=user_id).first()


def sign_in(response: HttpResponse, user: SandboxUser) -> None:
    response.set_signed_cookie(
        COOKIE,
        str(user.pk),
        salt=_SALT,
        max_age=MAX_AGE,
        path="/",
        httponly=True,
        samesite="Lax",
    )


def sign_out(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, path="/", samesite="Lax")
