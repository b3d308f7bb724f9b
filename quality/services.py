"""Writes for internal quality assurance: an IQA's decision on a sampled assessment.

A sample is kept (append-only). A decision of "not agreed" puts the assessment on hold: it stops
counting (`Assessment.objects.counting()` leaves it out) until an assessor re-assesses, which is
a correction (`competencies.services.assessment_correct`) superseding it. The worker and the
assessor are told by email.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from wagtail.log_actions import log

from competencies.models import Assessment, IqaDecision, IqaSample
from workforce.models import User
from workforce.permissions import Action, require
from workforce.refusals import Refusal, refuse


@transaction.atomic
def iqa_sample_record(
    *, assessment: Assessment, quality_assurer: User, decision: IqaDecision, reason: str = ""
) -> IqaSample:
    """Record an IQA's decision on an assessment of a link worker in their organisations."""
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("worker", "assessor", "competency")
        .get(pk=assessment.pk)
    )
    require(quality_assurer, Action.QUALITY_ASSURE, assessment.worker)
    if assessment.assessor_id == quality_assurer.pk:
        raise refuse(
            Refusal.IQA_OWN_ASSESSMENT,
            "You made this assessment: another quality assurer must sample it.",
        )
    if IqaSample.objects.filter(assessment=assessment).exists():
        raise refuse(Refusal.IQA_ALREADY_SAMPLED, "This assessment has already been sampled.")
    if Assessment.objects.filter(supersedes=assessment).exists():
        raise refuse(
            Refusal.IQA_SUPERSEDED,
            "This assessment has been corrected since: sample the assessment that replaced it.",
        )
    decision = IqaDecision(decision)
    reason = reason.strip()
    if decision == IqaDecision.NOT_AGREED and not reason:
        raise refuse(
            Refusal.IQA_REASON,
            "Say why you do not agree: the assessor and the link worker are told.",
        )
    sample = IqaSample.objects.create(
        assessment=assessment, quality_assurer=quality_assurer, decision=decision, reason=reason
    )
    log(
        assessment,
        "quality.sample.agree" if decision == IqaDecision.AGREED else "quality.sample.hold",
        user=quality_assurer,
        data={
            "worker": assessment.worker_id,
            "assessor": assessment.assessor_id,
            "competency": assessment.competency.id_number,
            "decision": decision.value,
        },
    )
    if decision == IqaDecision.NOT_AGREED:
        _tell_on_hold(sample)
    return sample


def _tell_on_hold(sample: IqaSample) -> None:
    """Email the worker and the assessor; a failed send rolls the sample back, to be tried again."""
    assessment = sample.assessment
    context = {
        "sample": sample,
        "assessment": assessment,
        "service_name": settings.SERVICE_NAME,
        "record_url": settings.SITE_BASE_URL
        + reverse("competencies:history", args=[assessment.worker_id, assessment.competency_id]),
        "holds_url": settings.SITE_BASE_URL + reverse("quality:holds"),
    }
    for recipient, template in (
        (assessment.worker, "quality/email/on_hold_worker.txt"),
        (assessment.assessor, "quality/email/on_hold_assessor.txt"),
    ):
        context["recipient"] = recipient
        send_mail(
            render_to_string("quality/email/on_hold_subject.txt", context).strip(),
            render_to_string(template, context),
            None,
            [recipient.email],
        )
