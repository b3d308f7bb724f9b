"""Forms for certificates: issue, renew, revoke with a reason, look up, check a PDF, choose workers
to certify."""

from django import forms
from django.conf import settings

from competencies.forms import Radios
from workforce.forms import NHSFormMixin, ServiceForm
from workforce.refusals import Refusal

from .models import RevocationReason


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
