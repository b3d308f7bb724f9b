"""The IQA's decision form: it collects the decision and reason; the service decides."""

from django import forms

from competencies.forms import Radios
from competencies.models import IqaDecision
from workforce.forms import ServiceForm
from workforce.refusals import Refusal


class SampleForm(ServiceForm):
    """Agree a sampled assessment, or put it on hold with the reason."""

    decision = forms.ChoiceField(
        label="Do you agree with the assessor's decision?",
        choices=IqaDecision.choices,
        widget=Radios,
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed if you do not agree: the assessor and the link worker are sent it.",
    )

    service_error_fields = {Refusal.IQA_REASON: "reason"}
