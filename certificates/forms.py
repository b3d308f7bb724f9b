"""Forms for certificates: sign off and countersign an award, name a supervisor, issue, renew,
revoke with a reason, look up, check a PDF, choose workers to certify."""

from django import forms
from django.conf import settings
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from competencies.forms import Radios
from workforce.forms import NHSFormMixin, ServiceForm
from workforce.refusals import Refusal

from .models import RevocationReason


class SignOffForm(ServiceForm):
    """An assessor confirms that the worker meets the qualification they sign off."""

    qualification = forms.CharField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        error_messages={"required": "Tick the box to confirm that you sign off the award."},
    )

    def __init__(self, *args, worker=None, qualification=None, **kwargs):
        super().__init__(*args, **kwargs)
        if qualification is not None:
            self.fields["qualification"].initial = qualification.code
            self.fields["confirm"].label = (
                f"I have reviewed {worker}'s record and confirm that they meet every "
                f"requirement of the {qualification.title}."
            )


class CountersignForm(ServiceForm):
    """The named supervisor confirms the assessor's sign-off of a worker's award."""

    confirm = forms.BooleanField(
        error_messages={"required": "Tick the box to confirm that you countersign the award."},
    )

    def __init__(self, *args, sign_off=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sign_off is not None:
            self.fields["confirm"].label = (
                f"As {sign_off.holder}'s named supervisor, I countersign "
                f"{sign_off.assessor}'s sign-off of their {sign_off.qualification.title}."
            )


class SupervisorForm(ServiceForm):
    """A manager names a link worker's supervisor from the assessors of the organisation."""

    supervisor = forms.TypedChoiceField(
        label="Named supervisor",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="An assessor at the organisation. They countersign the link worker's awards "
        "and so cannot also sign them off.",
    )

    service_error_fields = {Refusal.SUPERVISOR: "supervisor"}

    def __init__(self, *args, assessors=(), **kwargs):
        self.assessors = list(assessors)
        super().__init__(*args, **kwargs)

    def set_choices(self) -> None:
        self.fields["supervisor"].choices = [("", "No named supervisor")] + [
            (assessor.pk, assessor.full_name) for assessor in self.assessors
        ]

    def chosen(self):
        """The assessor chosen, or None to clear the name."""
        wanted = self.cleaned_data["supervisor"]
        return next((a for a in self.assessors if a.pk == wanted), None)


class IssueForm(ServiceForm):
    """Confirm issuing a certificate; the page shows what it will say, the service decides."""


class RenewForm(ServiceForm):
    """Confirm renewing a certificate once the page has shown the renewal requirements."""


class RevokeForm(ServiceForm):
    """Revoke with a public reason from the list and a private account of what happened."""

    reason = forms.ChoiceField(
        label="Reason the verification page shows",
        choices=RevocationReason.choices,
        widget=Radios,
        help_text="Anyone who checks the certificate sees this reason.",
    )
    details = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        help_text="Only your organisation's managers see this. Do not include anything that "
        "could identify a patient.",
    )
    confirm = forms.BooleanField(
        label="I understand that the certificate will show as revoked everywhere, at once, "
        "and that this cannot be undone.",
        error_messages={"required": "Tick the box to confirm that you want to revoke it."},
    )

    service_error_fields = {Refusal.REVOCATION_REASON: "reason", Refusal.REASON: "details"}


class LookupForm(NHSFormMixin, forms.Form):
    number = forms.CharField(
        label="Certificate number",
        max_length=40,
        help_text="Printed on the certificate, for example LWPC-CORE-2026-7KQ3MD.",
    )
    surname = forms.CharField(label="Holder’s surname", max_length=100)


class PdfCheckForm(NHSFormMixin, forms.Form):
    pdf = forms.FileField(
        label="Certificate PDF",
        help_text="The PDF file you were given. It is checked and not kept.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    @staticmethod
    def too_large_message() -> str:
        limit = settings.CERTIFICATE_CHECK_MAX_BYTES // (1024 * 1024)
        return f"The file is larger than {limit} MB, so it cannot be one of our certificates."

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        if upload.size > settings.CERTIFICATE_CHECK_MAX_BYTES:
            raise forms.ValidationError(self.too_large_message())
        return upload


class BulkIssueForm(NHSFormMixin, forms.Form):
    workers = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Link workers to certify",
        error_messages={"required": "Choose at least one link worker to certify."},
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workers"].choices = [
            (candidate.worker.pk, candidate.worker.full_name) for candidate in candidates
        ]


def organisation_options(choices: list[tuple[int, str]], chosen: int | None) -> SafeString:
    """The register's chooser of organisations as <option>s (after its "All organisations"),
    `chosen` selected, from (primary key, name) pairs.

    Written in one pass rather than by a template loop or a Select widget (a template per
    option): a national manager chooses among 500 organisations on every visit, and a loop
    over model instances cost more than reading them.
    """
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, " selected" if pk == chosen else "", name) for pk, name in choices),
    )
