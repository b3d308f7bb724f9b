"""Forms for the learner and assessor pages: they collect typed input; the services decide.

Each form maps the codes of the services' ValidationErrors to its fields, so a refusal is shown
beside the input it is about and in the error summary.
"""

from operator import attrgetter

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from curriculum.models import AssessmentMethod, Competency, ScaleLevel
from workforce.forms import ServiceForm
from workforce.models import User
from workforce.refusals import Refusal

from .models import Evidence, EvidenceKind, SupervisionKind
from .uploads import ACCEPTED


class Radios(forms.RadioSelect):
    """Radios whose label target is the first option, so error summary links land on one."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class Checkboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose label target is the first option, like `Radios`."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class DateInput(forms.DateInput):
    """The browser's date picker, which phones show as their native one."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"class": "nhsuk-input--width-10", **(attrs or {})}, format="%Y-%m-%d"
        )


def _level_label(level: ScaleLevel) -> str:
    label = f"{level.value} {level.name}"
    return f"{label} – {level.description}" if level.description else label


def _level_choices(scale: list[ScaleLevel]) -> list[tuple[int, str]]:
    return [(level.value, _level_label(level)) for level in sorted(scale, key=attrgetter("value"))]


class _AssessmentFields(ServiceForm):
    level = forms.TypedChoiceField(label="Level", coerce=int, widget=Radios)
    method = forms.ModelChoiceField(
        label="How it was assessed",
        queryset=AssessmentMethod.objects.none(),
        widget=Radios,
        empty_label=None,
    )
    assessed_on = forms.DateField(
        label="Date assessed", widget=DateInput, initial=timezone.localdate
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you saw or read that supports the level.",
    )

    service_error_fields = {
        Refusal.FUTURE_DATE: "assessed_on",
        Refusal.METHOD_NOT_ACCEPTED: "method",
        Refusal.LEVEL_OFF_SCALE: "level",
    }

    def __init__(self, *args, scale: list[ScaleLevel], methods: QuerySet, **kwargs):
        self.scale = scale
        self.methods = methods
        super().__init__(*args, **kwargs)

    def set_choices(self) -> None:
        self.fields["level"].choices = _level_choices(self.scale)
        self.fields["method"].queryset = self.methods


class AssessmentForm(_AssessmentFields):
    """Record an assessment of one competency; methods are those the competency accepts."""

    countersign_requested_from = forms.ModelChoiceField(
        label="Ask someone to countersign (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="No countersignature needed",
        help_text="Another assessor in the link worker's organisation.",
    )

    service_error_fields = {
        **_AssessmentFields.service_error_fields,
        Refusal.COUNTERSIGNER: "countersign_requested_from",
    }

    def __init__(self, *args, countersigners: QuerySet[User], **kwargs):
        self.countersigners = countersigners
        super().__init__(*args, **kwargs)

    def set_choices(self) -> None:
        super().set_choices()
        self.fields["countersign_requested_from"].queryset = self.countersigners


class CorrectionForm(_AssessmentFields):
    """Correct an assessment: a new one that supersedes it, with the reason."""

    reason = forms.CharField(
        label="Why are you correcting it?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the history beside both assessments.",
    )

    service_error_fields = {
        **_AssessmentFields.service_error_fields,
        Refusal.CORRECTION_REASON: "reason",
    }


class EvidenceAcceptForm(_AssessmentFields):
    """Accept evidence into an assessment of one of the competencies it claims."""

    competency = forms.ModelChoiceField(
        label="Competency it shows",
        queryset=Competency.objects.none(),
        widget=Radios,
        empty_label=None,
    )

    field_order = ["competency", "level", "method", "assessed_on", "notes"]
    service_error_fields = {
        **_AssessmentFields.service_error_fields,
        Refusal.COMPETENCY_NOT_CLAIMED: "competency",
    }

    def __init__(self, *args, claimed: QuerySet[Competency], **kwargs):
        self.claimed = claimed
        super().__init__(*args, **kwargs)

    def set_choices(self) -> None:
        super().set_choices()
        self.fields["competency"].queryset = self.claimed


class EvidenceReturnForm(ServiceForm):
    """Return evidence to the link worker with feedback."""

    feedback = forms.CharField(
        label="Feedback for the link worker",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say what they should change or add before submitting it again.",
    )

    service_error_fields = {Refusal.FEEDBACK: "feedback"}


class EvidenceForm(ServiceForm):
    """Submit evidence claiming one or more competencies."""

    kind = forms.ChoiceField(label="What is it?", choices=EvidenceKind.choices, widget=Radios)
    title = forms.CharField(label="Title", max_length=200, required=False)
    competencies = forms.TypedMultipleChoiceField(
        label="Competencies it shows",
        coerce=int,
        required=False,
        widget=Checkboxes,
        help_text="Choose every competency this evidence shows.",
    )
    text = forms.CharField(
        label="Your account (for a reflective account or a witness statement)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="For a witness statement, copy what the witness wrote and give their name and "
        "role.",
    )
    upload = forms.FileField(
        label="File (for a document, photo or e-learning certificate)",
        required=False,
        widget=forms.FileInput(
            attrs={"accept": ".pdf,.docx,.odt,.png,.jpg,.jpeg,.webp,application/pdf,image/*"}
        ),
        help_text=f"{ACCEPTED}. A photo must be PNG, JPEG or WebP. If the form shows a problem, "
        "choose the file again.",
    )

    service_error_fields = {
        Refusal.TITLE: "title",
        Refusal.COMPETENCIES: "competencies",
        Refusal.RETIRED: "competencies",
        Refusal.TEXT: "text",
        Refusal.FILE: "upload",
        Refusal.FILE_EMPTY: "upload",
        Refusal.FILE_TOO_BIG: "upload",
        Refusal.FILE_TYPE: "upload",
    }

    def __init__(self, *args, groups: list[tuple[str, list[Competency]]], **kwargs):
        self.groups = groups
        self._by_pk = {c.pk: c for _, competencies in groups for c in competencies}
        super().__init__(*args, **kwargs)

    def set_choices(self) -> None:
        self.fields["competencies"].choices = [
            (c.pk, f"{c.id_number} {c.short_name}")
            for _, competencies in self.groups
            for c in competencies
        ]

    def clean_competencies(self) -> list[Competency]:
        return [self._by_pk[pk] for pk in self.cleaned_data["competencies"]]

    def competency_groups(self) -> list[tuple[str, list]]:
        """The competency checkboxes grouped under their modules, for the template."""
        options = iter(self["competencies"])
        return [
            (title, [next(options) for _ in competencies]) for title, competencies in self.groups
        ]


class SupervisionForm(ServiceForm):
    """Log a supervision session with one of the worker's organisations' assessors."""

    supervisor = forms.ModelChoiceField(
        label="Supervisor",
        queryset=User.objects.none(),
        empty_label="Choose your supervisor",
        help_text="An assessor in an organisation where you are a link worker.",
    )
    held_on = forms.DateField(
        label="Date of the session", widget=DateInput, initial=timezone.localdate
    )
    kind = forms.ChoiceField(
        label="Kind of session", choices=SupervisionKind.choices, widget=Radios
    )
    reflections = forms.CharField(
        label="Your reflections",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you discussed and what you learned. Do not include anything that could "
        "identify a patient.",
    )
    agreed_actions = forms.CharField(
        label="Agreed actions (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    service_error_fields = {
        Refusal.FUTURE_DATE: "held_on",
        Refusal.SUPERVISOR: "supervisor",
        Refusal.REFLECTIONS: "reflections",
    }

    def __init__(self, *args, supervisors: QuerySet[User], **kwargs):
        self.supervisors = supervisors
        super().__init__(*args, **kwargs)

    def set_choices(self) -> None:
        self.fields["supervisor"].queryset = self.supervisors


class CPDForm(ServiceForm):
    """Log a continuing professional development activity."""

    done_on = forms.DateField(label="Date", widget=DateInput, initial=timezone.localdate)
    activity = forms.CharField(label="Activity", max_length=200, required=False)
    hours = forms.DecimalField(
        label="Hours",
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-5", "step": "0.25"}),
    )
    is_formal = forms.BooleanField(
        label="This was formal CPD (accredited training, a course or a conference)",
        required=False,
    )
    points = forms.DecimalField(
        label="CPD points",
        max_digits=5,
        decimal_places=2,
        initial=0,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-5", "step": "0.25"}),
    )
    reflection = forms.CharField(
        label="Reflection (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you learned and how it changes your practice.",
    )
    evidence = forms.ModelChoiceField(
        label="Evidence (optional)",
        queryset=Evidence.objects.none(),
        required=False,
        empty_label="No evidence",
        help_text="Evidence you have submitted, such as the certificate of attendance.",
    )

    service_error_fields = {
        Refusal.FUTURE_DATE: "done_on",
        Refusal.ACTIVITY: "activity",
        Refusal.HOURS: "hours",
        Refusal.POINTS: "points",
        Refusal.EVIDENCE_NOT_OWN: "evidence",
    }

    def __init__(self, *args, evidence: QuerySet[Evidence], **kwargs):
        self.own_evidence = evidence
        super().__init__(*args, **kwargs)

    def set_choices(self) -> None:
        self.fields["evidence"].queryset = self.own_evidence
