from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

_ALWAYS_ALLOWED = ("/accounts/", "/static/", "/healthz", "/sandbox/")


class RequireMFAMiddleware:
    """With MFA_REQUIRED, a member without an authenticator is sent to set one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALWAYS_ALLOWED)
            and not is_mfa_enabled(user)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
