from django import forms


class PersonalTokenForm(forms.Form):
    # A password field that never renders its value: the token is not sent back to the
    # browser, even when the form is shown again with an error.
    token = forms.CharField(
        label="Personal token",
        strip=True,
        max_length=512,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="From your application's page in Kantata OX. It is checked with Kantata "
        "OX before it is saved, and stored encrypted.",
    )
