"""Assessment rules, append-only history, corrections and countersignatures."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from competencies import services
from competencies.models import Assessment
from competencies.selectors import assessment_history
from curriculum.models import CompetencyFramework
from tests.factories import MembershipFactory
from workforce.models import Role
from workforce.refusals import Refusal

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _codes(error: ValidationError) -> set[str]:
    return {item.code for item in error.error_list}


def test_an_assessment_records_the_live_framework_version(record, framework):
    assessment = record(notes="Explained the role clearly to a new referral.")

    assert assessment.framework_version == framework.versions.latest("number")
    assert assessment.level == 3
    entry = ModelLogEntry.objects.for_instance(assessment).get()
    assert entry.action == "competencies.assessment.record"
    assert entry.user_id == assessment.assessor_id


def test_an_assessor_outside_the_workers_organisation_is_refused(record, outside_assessor):
    # A permission failure, not a broken rule: PermissionDenied, as require() and Wagtail raise.
    with pytest.raises(PermissionDenied) as refused:
        record(assessor=outside_assessor)

    assert "must be a assessor in an organisation where they are a link worker" in str(
        refused.value
    )
    assert not Assessment.objects.exists()


def test_nobody_assesses_themselves(record, organisation, assessor):
    MembershipFactory(user=assessor, organisation=organisation, role=Role.LINK_WORKER)

    with pytest.raises(PermissionDenied, match="Nobody may assess themselves"):
        record(worker=assessor)


def test_the_assessment_date_cannot_be_in_the_future(record):
    with pytest.raises(ValidationError) as refused:
        record(assessed_on=TODAY + datetime.timedelta(days=1))

    assert _codes(refused.value) == {"future_date"}


def test_the_method_must_be_one_the_competency_accepts(record, methods):
    with pytest.raises(ValidationError) as refused:
        record(method=methods["KT"])

    assert _codes(refused.value) == {"method_not_accepted"}
    assert "it accepts DOP, SIM" in str(refused.value)


@pytest.mark.parametrize("level", [0, 5])
def test_the_level_must_be_on_the_scale(record, level):
    with pytest.raises(ValidationError) as refused:
        record(level=level)

    assert _codes(refused.value) == {"level_off_scale"}
    assert "1 Aware, 2 Developing, 3 Proficient, 4 Advanced" in str(refused.value)


def test_every_broken_rule_is_reported_at_once(record, methods):
    with pytest.raises(ValidationError) as refused:
        record(method=methods["KT"], level=9, assessed_on=TODAY + datetime.timedelta(days=3))

    assert _codes(refused.value) == {
        Refusal.FUTURE_DATE,
        Refusal.METHOD_NOT_ACCEPTED,
        Refusal.LEVEL_OFF_SCALE,
    }


def test_permission_is_asked_before_the_rules(record, methods, outside_assessor):
    with pytest.raises(PermissionDenied):
        record(assessor=outside_assessor, method=methods["KT"], level=9)

    assert not Assessment.objects.exists()


def test_a_retired_competency_is_not_assessed(record, competency):
    competency.is_retired = True
    competency.save()

    with pytest.raises(ValidationError) as refused:
        record()

    assert _codes(refused.value) == {"retired"}


def test_the_assessor_must_have_been_in_post_on_the_assessment_date(
    record, organisation, link_worker
):
    newcomer = MembershipFactory(
        organisation=organisation, role=Role.ASSESSOR, starts_on=TODAY
    ).user

    with pytest.raises(PermissionDenied, match="where they are a link worker on"):
        record(assessor=newcomer, assessed_on=TODAY - datetime.timedelta(days=10))
    assert record(assessor=newcomer, assessed_on=TODAY)


def test_a_correction_supersedes_and_both_stay_in_the_history(record, methods, assessor):
    original = record(level=2)

    correction = services.assessment_correct(
        original=original,
        assessor=assessor,
        level=3,
        method=methods["SIM"],
        assessed_on=original.assessed_on,
        reason="Level entered wrongly: the observation showed independent practice.",
    )

    history = list(assessment_history(original.worker, original.competency))
    assert history == [correction, original]
    assert correction.supersedes == original
    original.refresh_from_db()
    assert original.superseded_by == correction
    assert original.level == 2
    assert ModelLogEntry.objects.for_instance(correction).get().action == (
        "competencies.assessment.correct"
    )


def test_a_correction_needs_a_reason_and_cannot_be_made_twice(record, methods, assessor):
    original = record(level=2)
    with pytest.raises(ValidationError, match="Say why"):
        services.assessment_correct(
            original=original,
            assessor=assessor,
            level=3,
            method=methods["DOP"],
            assessed_on=original.assessed_on,
            reason="  ",
        )
    services.assessment_correct(
        original=original,
        assessor=assessor,
        level=3,
        method=methods["DOP"],
        assessed_on=original.assessed_on,
        reason="Typo",
    )

    with pytest.raises(ValidationError, match="already been corrected"):
        services.assessment_correct(
            original=original,
            assessor=assessor,
            level=4,
            method=methods["DOP"],
            assessed_on=original.assessed_on,
            reason="Again",
        )


def test_the_database_refuses_self_assessment(link_worker, competency, methods, framework):
    version = framework.versions.latest("number")
    with pytest.raises(IntegrityError):
        Assessment.objects.create(
            worker=link_worker,
            assessor=link_worker,
            competency=competency,
            framework_version=version,
            level=3,
            method=methods["DOP"],
            assessed_on=TODAY,
        )


def test_a_superseding_row_without_a_reason_is_refused_by_the_database(
    record, assessor, link_worker, competency, methods, framework
):
    original = record()
    with pytest.raises(IntegrityError):
        Assessment.objects.create(
            worker=link_worker,
            assessor=assessor,
            competency=competency,
            framework_version=framework.versions.latest("number"),
            level=3,
            method=methods["DOP"],
            assessed_on=TODAY,
            supersedes=original,
        )


def test_no_update_or_delete_path_exists_in_the_services():
    names = [name for name in dir(services) if name.startswith(("assessment_", "evidence_"))]

    assert not [name for name in names if name.endswith(("_update", "_edit", "_delete"))]
    assert set(names) >= {"assessment_record", "assessment_correct", "evidence_submit"}


def test_assessments_and_their_framework_are_protected_from_deletion(record, framework):
    assessment = record()

    with pytest.raises(Exception, match="protected"):
        assessment.competency.delete()
    with pytest.raises(Exception, match="protected"):
        CompetencyFramework.objects.get(pk=framework.pk).versions.latest("number").delete()
    assert Assessment.objects.filter(pk=assessment.pk).exists()


def test_countersignature_by_the_named_supervisor_only(record, organisation, assessor, link_worker):
    supervisor = MembershipFactory(organisation=organisation, role=Role.ASSESSOR).user
    assessment = record(countersign_requested_from=supervisor)

    with pytest.raises(PermissionDenied, match="Only the supervisor asked"):
        services.assessment_countersign(assessment=assessment, supervisor=assessor)
    signature = services.assessment_countersign(assessment=assessment, supervisor=supervisor)

    assert signature.assessment == assessment
    with pytest.raises(ValidationError, match="already countersigned"):
        services.assessment_countersign(assessment=assessment, supervisor=supervisor)


def test_the_assessor_cannot_ask_themselves_to_countersign(record, assessor):
    with pytest.raises(ValidationError, match="someone other than yourself"):
        record(countersign_requested_from=assessor)


def test_a_countersigner_outside_the_organisation_is_refused(record, outside_assessor):
    with pytest.raises(ValidationError):
        record(countersign_requested_from=outside_assessor)
