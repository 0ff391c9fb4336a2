from django import forms

from kantata_admin.accounts.models import Role, User


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
