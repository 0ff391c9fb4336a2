from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from kantata_admin.accounts import services


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open only through an invitation or to the allowed e-mail domains."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return services.invitation_from_session(request) is not None or bool(
            settings.ALLOWED_SIGNUP_DOMAINS
        )

    def save_user(self, request, user, form, commit=True):
        # The invitation is marked accepted only once sign-up completes (signals.py):
        # allauth still reads it from the session after this point.
        invitation = services.invitation_from_session(request)
        user.role = invitation.role if invitation else services.default_role()
        return super().save_user(request, user, form, commit=commit)
