from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context
from django import forms
from django.conf import settings

from kantata_admin.accounts import services
from kantata_admin.accounts.models import Role, User
from kantata_admin.accounts.time_zones import time_zone_names


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("This address already belongs to a member.")
        return email


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, for the invited address or an allowed domain only."""

    def clean_email(self) -> str:
        email = super().clean_email()
        invitation = services.invitation_from_session(context.request)
        if invitation is not None:
            if email.lower() != invitation.email:
                raise forms.ValidationError(
                    f"This invitation is for {invitation.email}; sign up with that address."
                )
            return email
        if email.rsplit("@", 1)[-1].lower() not in settings.ALLOWED_SIGNUP_DOMAINS:
            raise forms.ValidationError("Sign-up is open to invited addresses only.")
        return email


class TimeZoneForm(forms.Form):
    """The member's own time zone; `from_browser` marks the guess made on first sign-in,
    which never replaces a zone the member chose."""

    time_zone = forms.ChoiceField(label="Time zone", choices=())
    from_browser = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(name, name) for name in time_zone_names()]
