from django import forms

from kantata_admin.audit.models import Action, Outcome
from kantata_admin.audit.selectors import AuditFilters


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(choices=[("", "Any action"), *Action.choices], required=False)
    actor = forms.CharField(label="Who (e-mail)", required=False, max_length=254)
    group = forms.CharField(label="Group (id or name)", required=False, max_length=255)
    outcome = forms.ChoiceField(choices=[("", "Any result"), *Outcome.choices], required=False)
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return cleaned

    def filters(self) -> AuditFilters:
        """The filters to apply; an unbound or invalid form filters nothing."""
        if not self.is_valid():
            return AuditFilters()
        return AuditFilters(**self.cleaned_data)
