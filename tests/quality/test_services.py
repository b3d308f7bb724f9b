"""Recording a sample: who may, what is refused, and the hold from "not agreed" to re-assessment."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from competencies import services as competencies_services
from competencies.models import Assessment, IqaDecision, IqaSample
from quality.services import iqa_sample_record
from tests.factories import MembershipFactory
from workforce.models import Membership, Role
from workforce.refusals import Refusal

pytestmark = pytest.mark.django_db

REASON = "The notes do not show the person's own goals being explored."


def _code(error: ValidationError) -> str:
    return error.value.error_list[0].code


def test_an_iqa_agrees_an_assessment_in_their_organisation(iqa, assess):
    assessment = assess()

    sample = iqa_sample_record(
        assessment=assessment, quality_assurer=iqa, decision=IqaDecision.AGREED, reason=""
    )

    assert sample.decision == IqaDecision.AGREED
    assert Assessment.objects.counting().filter(pk=assessment.pk).exists()
    assert mail.outbox == []
    entry = ModelLogEntry.objects.get(action="quality.sample.agree")
    assert entry.user_id == iqa.pk
    assert entry.object_id == str(assessment.pk)


def test_the_full_hold_cycle_not_agreed_then_re_assessed(iqa, assessor, link_worker, assess):
    assessment = assess(level=3)

    iqa_sample_record(
        assessment=assessment,
        quality_assurer=iqa,
        decision=IqaDecision.NOT_AGREED,
        reason=f"  {REASON}  ",
    )

    # On hold: standing but not counting; the worker and the assessor are told, with the reason.
    assert Assessment.objects.standing().filter(pk=assessment.pk).exists()
    assert not Assessment.objects.counting().filter(pk=assessment.pk).exists()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [link_worker.email, assessor.email]
    )
    assert all(REASON in message.body for message in mail.outbox)
    assert all("on hold" in message.subject.lower() for message in mail.outbox)
    assert IqaSample.objects.get().reason == REASON
    assert ModelLogEntry.objects.filter(action="quality.sample.hold", user=iqa).exists()

    # The assessor re-assesses: a correction supersedes it, and the new assessment counts.
    corrected = competencies_services.assessment_correct(
        original=assessment,
        assessor=assessor,
        level=2,
        method=assessment.method,
        assessed_on=assessment.assessed_on,
        reason="Re-assessed after quality assurance: level 2 on this evidence.",
    )

    counting = Assessment.objects.counting()
    assert list(counting.filter(worker=link_worker)) == [corrected]
    assert not Assessment.objects.standing().filter(pk=assessment.pk).exists()
    # The sample stays, on the superseded assessment.
    assert IqaSample.objects.get().assessment_id == assessment.pk


def test_not_agreed_needs_a_reason(iqa, assess):
    assessment = assess()

    with pytest.raises(ValidationError) as refused:
        iqa_sample_record(
            assessment=assessment, quality_assurer=iqa, decision=IqaDecision.NOT_AGREED, reason=" "
        )

    assert _code(refused) == Refusal.IQA_REASON
    assert not IqaSample.objects.exists()
    assert mail.outbox == []


def test_one_sample_per_assessment(iqa, organisation, assess):
    assessment = assess()
    iqa_sample_record(assessment=assessment, quality_assurer=iqa, decision=IqaDecision.AGREED)
    second_iqa = MembershipFactory(organisation=organisation, role=Role.IQA).user

    with pytest.raises(ValidationError) as refused:
        iqa_sample_record(
            assessment=assessment,
            quality_assurer=second_iqa,
            decision=IqaDecision.NOT_AGREED,
            reason=REASON,
        )

    assert _code(refused) == Refusal.IQA_ALREADY_SAMPLED
    assert IqaSample.objects.count() == 1


def test_a_superseded_assessment_is_not_sampled(iqa, assessor, assess):
    assessment = assess()
    competencies_services.assessment_correct(
        original=assessment,
        assessor=assessor,
        level=2,
        method=assessment.method,
        assessed_on=assessment.assessed_on,
        reason="Wrong level.",
    )

    with pytest.raises(ValidationError) as refused:
        iqa_sample_record(assessment=assessment, quality_assurer=iqa, decision=IqaDecision.AGREED)

    assert _code(refused) == Refusal.IQA_SUPERSEDED


def test_never_on_an_assessment_they_made(organisation, assess):
    """An assessor who is also an IQA may not sample their own assessment."""
    both = MembershipFactory(organisation=organisation, role=Role.ASSESSOR).user
    MembershipFactory(user=both, organisation=organisation, role=Role.IQA)
    assessment = assess(by=both)

    with pytest.raises(ValidationError) as refused:
        iqa_sample_record(assessment=assessment, quality_assurer=both, decision=IqaDecision.AGREED)

    assert _code(refused) == Refusal.IQA_OWN_ASSESSMENT


def test_never_on_an_assessment_of_themselves(organisation, assess):
    """A link worker who is also an IQA may not sample their own record."""
    worker_iqa = MembershipFactory(organisation=organisation, role=Role.LINK_WORKER).user
    MembershipFactory(user=worker_iqa, organisation=organisation, role=Role.IQA)
    assessment = assess(worker=worker_iqa)

    with pytest.raises(PermissionDenied):
        iqa_sample_record(
            assessment=assessment, quality_assurer=worker_iqa, decision=IqaDecision.AGREED
        )


@pytest.mark.parametrize("who", ["outside_iqa", "assessor", "manager", "nobody"])
def test_only_an_iqa_of_the_workers_organisation(request, who, assess):
    assessment = assess()

    with pytest.raises(PermissionDenied):
        iqa_sample_record(
            assessment=assessment,
            quality_assurer=request.getfixturevalue(who),
            decision=IqaDecision.AGREED,
        )

    assert not IqaSample.objects.exists()


def test_a_former_iqa_may_not(iqa, assess):
    assessment = assess()
    Membership.objects.filter(user=iqa).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )

    with pytest.raises(PermissionDenied):
        iqa_sample_record(assessment=assessment, quality_assurer=iqa, decision=IqaDecision.AGREED)
