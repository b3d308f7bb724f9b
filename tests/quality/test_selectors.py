"""Which assessments are selected for sampling, what an IQA sees, and managers' coverage."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from competencies import services as competencies_services
from competencies.models import IqaDecision
from quality import selectors
from quality.services import iqa_sample_record
from tests.factories import MembershipFactory
from workforce.models import Role

pytestmark = pytest.mark.django_db

REASON = "The notes do not show how the level was judged."


def _configure(organisation, *, first: int, percent: int) -> None:
    organisation.iqa_first_assessments = first
    organisation.iqa_sample_percent = percent
    organisation.save()


def _listed(iqa) -> list[int]:
    return list(selectors.to_sample(iqa).values_list("pk", flat=True))


def test_each_assessors_first_assessments_are_selected(organisation, iqa, assessor, assess):
    _configure(organisation, first=3, percent=0)
    second = MembershipFactory(organisation=organisation, role=Role.ASSESSOR).user
    mine = [assess(days_ago=10 - n) for n in range(5)]
    theirs = [assess(by=second, days_ago=10 - n) for n in range(2)]

    assert _listed(iqa) == sorted([a.pk for a in mine[:3]] + [a.pk for a in theirs])


def test_first_means_first_ever_recorded_even_once_sampled(organisation, iqa, assess):
    """Sampling or correcting the first ones does not pull later ones into the first N."""
    _configure(organisation, first=2, percent=0)
    first, second, third = (assess(days_ago=5 - n) for n in range(3))
    iqa_sample_record(assessment=first, quality_assurer=iqa, decision=IqaDecision.AGREED)

    assert _listed(iqa) == [second.pk]
    assert third.pk not in _listed(iqa)


def test_a_share_is_selected_by_a_stable_keyed_shuffle(organisation, iqa, assess):
    _configure(organisation, first=0, percent=30)
    made = [assess(days_ago=20 - n) for n in range(20)]
    expected = [a.pk for a in made if selectors.sample_place(a.pk) < 30]

    assert _listed(iqa) == expected
    assert _listed(iqa) == expected  # the same on every load
    # Every assessment is selected at 100%, none at 0%.
    _configure(organisation, first=0, percent=100)
    assert _listed(iqa) == [a.pk for a in made]
    _configure(organisation, first=0, percent=0)
    assert _listed(iqa) == []


def test_the_shuffle_depends_on_the_secret_key(settings):
    places = [selectors.sample_place(pk) for pk in range(1, 200)]
    settings.SECRET_KEY = "another secret key, another shuffle"

    assert [selectors.sample_place(pk) for pk in range(1, 200)] != places
    # About the share asked for: not every number in a run of 199 falls below 10.
    assert 5 < sum(place < 10 for place in places) < 40


def test_sampled_superseded_and_own_assessments_are_not_listed(organisation, iqa, assessor, assess):
    _configure(organisation, first=0, percent=100)
    sampled, corrected, waiting = assess(days_ago=3), assess(days_ago=2), assess(days_ago=1)
    iqa_sample_record(assessment=sampled, quality_assurer=iqa, decision=IqaDecision.AGREED)
    correction = competencies_services.assessment_correct(
        original=corrected,
        assessor=assessor,
        level=2,
        method=corrected.method,
        assessed_on=corrected.assessed_on,
        reason="Wrong level.",
    )
    MembershipFactory(user=iqa, organisation=organisation, role=Role.ASSESSOR)
    own = assess(by=iqa)

    assert _listed(iqa) == [waiting.pk, correction.pk]
    assert own.pk not in _listed(iqa)


def test_an_iqa_of_organisation_a_sees_nothing_of_organisation_b(
    organisation,
    other_organisation,
    iqa,
    outside_iqa,
    outside_link_worker,
    outside_assessor,
    assess,
):
    _configure(organisation, first=5, percent=100)
    _configure(other_organisation, first=5, percent=100)
    inside = assess()
    outside = assess(worker=outside_link_worker, by=outside_assessor)

    assert _listed(iqa) == [inside.pk]
    assert _listed(outside_iqa) == [outside.pk]
    assert selectors.sampleable(iqa, outside.pk) is None
    assert selectors.sampleable(iqa, inside.pk) == inside


def test_the_strictest_setting_of_the_workers_organisations_applies(
    organisation, other_organisation, iqa, link_worker, assess
):
    """A worker in two of the IQA's organisations is sampled at the higher share."""
    _configure(organisation, first=0, percent=0)
    _configure(other_organisation, first=0, percent=100)
    MembershipFactory(user=link_worker, organisation=other_organisation, role=Role.LINK_WORKER)
    MembershipFactory(user=iqa, organisation=other_organisation, role=Role.IQA)
    made = assess()

    assert _listed(iqa) == [made.pk]


def test_holds_list_the_assessors_own_assessments_on_hold_until_re_assessed(iqa, assessor, assess):
    held, agreed = assess(days_ago=2), assess(days_ago=1)
    iqa_sample_record(
        assessment=held, quality_assurer=iqa, decision=IqaDecision.NOT_AGREED, reason=REASON
    )
    iqa_sample_record(assessment=agreed, quality_assurer=iqa, decision=IqaDecision.AGREED)

    assert list(selectors.on_hold_for(assessor)) == [held]

    competencies_services.assessment_correct(
        original=held,
        assessor=assessor,
        level=2,
        method=held.method,
        assessed_on=held.assessed_on,
        reason="Re-assessed.",
    )
    assert list(selectors.on_hold_for(assessor)) == []


def test_coverage_per_assessor(organisation, iqa, manager, assessor, assess):
    _configure(organisation, first=3, percent=0)
    second = MembershipFactory(organisation=organisation, role=Role.ASSESSOR).user
    idle = MembershipFactory(organisation=organisation, role=Role.ASSESSOR).user
    mine = [assess(days_ago=10 - n) for n in range(5)]
    iqa_sample_record(assessment=mine[0], quality_assurer=iqa, decision=IqaDecision.AGREED)
    iqa_sample_record(
        assessment=mine[1], quality_assurer=iqa, decision=IqaDecision.NOT_AGREED, reason=REASON
    )
    # Sampled outside the selection: counted as sampled, not towards the selected share.
    iqa_sample_record(assessment=mine[4], quality_assurer=iqa, decision=IqaDecision.AGREED)
    assess(by=second)

    rows = {row.assessor: row for row in selectors.coverage_by_assessor(manager)}

    assert rows[assessor].made == 5
    assert rows[assessor].selected == 3
    assert rows[assessor].sampled == 3
    assert rows[assessor].agreed == 2
    assert rows[assessor].not_agreed == 1
    assert rows[assessor].percent_done == 67
    assert (rows[second].made, rows[second].selected, rows[second].sampled) == (1, 1, 0)
    assert rows[second].percent_done == 0
    assert (rows[idle].made, rows[idle].percent_done) == (0, None)
    assert iqa not in rows


def test_coverage_is_only_of_the_managers_organisations(
    organisation, manager, outside_manager, outside_link_worker, outside_assessor, assess
):
    assess()
    assess(worker=outside_link_worker, by=outside_assessor)

    assert {row.made for row in selectors.coverage_by_assessor(outside_manager)} == {1}
    assert outside_assessor not in [r.assessor for r in selectors.coverage_by_assessor(manager)]


def _queries(read) -> int:
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured)


def test_coverage_and_the_sampling_list_take_a_fixed_number_of_queries(
    organisation, iqa, manager, assessor, link_worker, assess
):
    _configure(organisation, first=2, percent=50)
    assess()

    def reads():
        rows = selectors.coverage_by_assessor(manager)
        listed = [
            (a.worker.full_name, a.competency.id_number, a.method.name, a.assessor.full_name)
            for a in selectors.to_sample(iqa)
        ]
        return rows, listed

    small = _queries(reads)
    for _ in range(3):
        more = MembershipFactory(organisation=organisation, role=Role.ASSESSOR).user
        worker = MembershipFactory(organisation=organisation, role=Role.LINK_WORKER).user
        for n in range(4):
            made = assess(worker=worker, by=more, days_ago=5 - n)
        iqa_sample_record(assessment=made, quality_assurer=iqa, decision=IqaDecision.AGREED)

    assert _queries(reads) == small == 3
