"""The team pages' filters: read from the query string, never saved."""

from django import forms
from django.utils.functional import cached_property

from workforce.models import Organisation, User

from .selectors import Flag, TeamSort, audit_action_choices


class TeamFilterForm(forms.Form):
    """Search, organisation, flag and order for the team page (the matrix uses the first two)."""

    q = forms.CharField(label="Name or email", required=False, max_length=100, strip=True)
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="All my organisations",
    )
    flag = forms.ChoiceField(
        label="Show", choices=[("", "Everyone"), *Flag.choices], required=False
    )
    sort = forms.ChoiceField(label="Order", choices=TeamSort.choices, required=False)

    def __init__(self, data, *, organisations):
        super().__init__(data)
        # Only the manager's own organisations: another's id in the URL is simply not valid.
        self.fields["organisation"].queryset = organisations

    @cached_property
    def several_organisations(self) -> bool:
        """The organisation filter is offered only to managers of more than one."""
        return self.fields["organisation"].queryset.count() > 1

    def filters(self) -> dict:
        """The valid filters; an invalid value is ignored rather than refused."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "search": cleaned.get("q") or "",
            "organisation": cleaned.get("organisation"),
            "flag": cleaned.get("flag") or "",
            "sort": cleaned.get("sort") or TeamSort.NAME,
        }


class AuditFilterForm(forms.Form):
    """Action, person and dates for the manager's audit log."""

    action = forms.ChoiceField(label="Action", required=False)
    person = forms.ModelChoiceField(
        label="Person", queryset=User.objects.none(), required=False, empty_label="Anyone"
    )
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data, *, people):
        super().__init__(data)
        self.fields["action"].choices = [("", "Any action"), *audit_action_choices()]
        # Only the manager's own people: anyone else's id in the URL is simply not valid.
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda user: user.full_name or user.email

    def filters(self) -> dict:
        """The valid filters; an invalid value is ignored rather than refused."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "action": cleaned.get("action") or "",
            "person": cleaned.get("person"),
            "since": cleaned.get("since"),
            "until": cleaned.get("until"),
        }
