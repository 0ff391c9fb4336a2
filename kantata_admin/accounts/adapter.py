from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.http import HttpRequest

from kantata_admin.accounts import services


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open only through an invitation or to the allowed e-mail domains."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return services.invitation_from_session(request) is not None or bool(
            settings.ALLOWED_SIGNUP_DOMAINS
        )

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        request = self.request
        invitation = services.invitation_from_session(request) if request else None
        if invitation is not None:
            if email.lower() != invitation.email:
                raise forms.ValidationError(
                    f"This invitation is for {invitation.email}; sign up with that address."
                )
            return email
        domain = email.rsplit("@", 1)[-1].lower()
        if domain not in settings.ALLOWED_SIGNUP_DOMAINS:
            raise forms.ValidationError("Sign-up is open to invited addresses only.")
        return email

    def save_user(self, request, user, form, commit=True):
        # The invitation is marked accepted once sign-up completes (signals.py): allauth
        # validates the address again after this, and the invitation vouches for it.
        invitation = services.invitation_from_session(request)
        user.role = invitation.role if invitation else services.default_role()
        return super().save_user(request, user, form, commit=commit)
