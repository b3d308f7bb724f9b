"""Forms for share links: what to share, for whom, how long and in how much detail."""

from django import forms

from competencies.forms import Radios
from workforce.forms import ServiceForm
from workforce.refusals import Refusal

from .models import ShareDetail
from .services import DEFAULT_EXPIRY_DAYS, LABEL_MAX_LENGTH, MAX_EXPIRY_DAYS, MIN_EXPIRY_DAYS

WHOLE_RECORD = "record"


class ShareLinkForm(ServiceForm):
    """A new share link. The service checks every rule again; the form says what is wrong."""

    shares = forms.ChoiceField(label="What to share", widget=Radios)
    label = forms.CharField(
        label="Who is it for?",
        max_length=LABEL_MAX_LENGTH,
        help_text="For example, “For Riverside PCN interview”. Only you see this, in your list "
        "of links.",
        error_messages={"required": "Say who the link is for."},
    )
    detail = forms.ChoiceField(
        label="What the link shows",
        choices=ShareDetail.choices,
        initial=ShareDetail.STATUS,
        widget=Radios,
        help_text="Status only: your name, the qualification, its dates and whether it is valid "
        "today. With competency levels: also each competency and the level you reached.",
    )
    days = forms.IntegerField(
        label="Days until the link stops working",
        min_value=MIN_EXPIRY_DAYS,
        max_value=MAX_EXPIRY_DAYS,
        initial=DEFAULT_EXPIRY_DAYS,
        help_text=f"Between {MIN_EXPIRY_DAYS} and {MAX_EXPIRY_DAYS}. You can revoke it sooner.",
        error_messages={
            "required": "Say how many days the link should work.",
            "invalid": "Enter a whole number of days, like 30.",
            "min_value": f"A link lasts at least {MIN_EXPIRY_DAYS} day.",
            "max_value": f"A link lasts at most {MAX_EXPIRY_DAYS} days.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4"}),
    )

    service_error_fields = {
        Refusal.SHARE_LABEL: "label",
        Refusal.SHARE_EXPIRY: "days",
        Refusal.SHARE_DETAIL: "detail",
        Refusal.SHARE_NOT_STANDING: "shares",
    }

    def __init__(self, *args, certificates=(), **kwargs):
        self.certificates = {certificate.number: certificate for certificate in certificates}
        super().__init__(*args, **kwargs)

    def set_choices(self) -> None:
        self.fields["shares"].choices = [
            (number, f"{certificate.qualification_title} ({number})")
            for number, certificate in self.certificates.items()
        ] + [(WHOLE_RECORD, "My whole record: every certificate, and my competencies")]

    def chosen_certificate(self):
        """The certificate chosen, or None for the whole record."""
        return self.certificates.get(self.cleaned_data["shares"])


class RevokeShareLinkForm(ServiceForm):
    """Nothing to fill in: the confirmation page's button is the confirmation."""
