from django import forms

from kantata_admin.savedviews.models import NAME_MAX_LENGTH


class SaveViewForm(forms.Form):
    """Save the list as it is now under a name; `query` is the list's query string."""

    name = forms.CharField(label="View name", max_length=NAME_MAX_LENGTH)
    query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=8000)
    shared = forms.BooleanField(label="Share with the team", required=False)
    make_default = forms.BooleanField(label="Open /groups/ with this view", required=False)
