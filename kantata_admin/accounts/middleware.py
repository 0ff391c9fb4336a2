from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import redirect

# What a member without an authenticator may still reach while MFA_REQUIRED is on:
# setting one up (which asks for the password again), and leaving.
_SET_UP_VIEWS = frozenset(
    {
        "mfa_activate_totp",
        "account_reauthenticate",
        "account_logout",
        "account_confirm_email",
        "account_email_verification_sent",
    }
)
# Not the team's pages: the health check.
_OUTSIDE_PREFIXES = ("/healthz",)


class RequireMFAMiddleware:
    """With MFA_REQUIRED, a member without an authenticator is sent to set one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if (
            not settings.MFA_REQUIRED
            or user is None
            or not user.is_authenticated
            or request.resolver_match.url_name in _SET_UP_VIEWS
            or request.path.startswith((*_OUTSIDE_PREFIXES, settings.STATIC_URL))
            or is_mfa_enabled(user)
        ):
            return None
        return redirect("mfa_activate_totp")
