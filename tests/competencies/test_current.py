"""The one rule for "current level": `Assessment.objects.standing()` and `.current()`."""

import datetime

import pytest
from django.utils import timezone

from competencies import services
from competencies.models import Assessment
from tests.factories import MembershipFactory
from workforce.models import Role

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _day(days_ago):
    return TODAY - datetime.timedelta(days=days_ago)


@pytest.fixture
def correct(assessor, methods):
    def _correct(original, level):
        return services.assessment_correct(
            original=original,
            assessor=assessor,
            level=level,
            method=methods["DOP"],
            assessed_on=original.assessed_on,
            reason="Wrong level keyed in.",
        )

    return _correct


def test_standing_leaves_out_what_was_superseded_and_what_came_after_the_day(record, correct):
    early = record(level=2, assessed_on=_day(30))
    wrong = record(level=4, assessed_on=_day(20))
    corrected = correct(wrong, 3)
    later = record(level=4, assessed_on=_day(5))

    assert set(Assessment.objects.standing()) == {early, corrected, later}
    assert set(Assessment.objects.standing(_day(10))) == {early, corrected}
    assert set(Assessment.objects.standing(_day(30))) == {early}


def test_current_is_the_latest_standing_assessment_per_worker_and_competency(
    record, correct, framework, link_worker, organisation, methods, django_assert_num_queries
):
    other_worker = MembershipFactory(organisation=organisation, role=Role.LINK_WORKER).user
    other_competency = framework.competencies.get(id_number="SPLW-ROL-02")
    record(level=2, assessed_on=_day(30))
    newest = correct(record(level=1, assessed_on=_day(10)), 4)
    other = record(competency=other_competency, method=methods["KT"], level=1)
    theirs = record(worker=other_worker, level=3, assessed_on=_day(40))

    with django_assert_num_queries(1):
        current = set(Assessment.objects.current())

    assert current == {newest, other, theirs}


def test_on_the_same_day_the_one_recorded_last_is_current(record, link_worker):
    record(level=2, assessed_on=_day(3))
    second = record(level=4, assessed_on=_day(3))

    assert list(Assessment.objects.filter(worker=link_worker).current()) == [second]


def test_current_as_of_a_day_is_what_was_current_then(record, link_worker):
    then = record(level=2, assessed_on=_day(30))
    record(level=4, assessed_on=_day(5))

    assert list(Assessment.objects.filter(worker=link_worker).current(_day(10))) == [then]
    assert list(Assessment.objects.filter(worker=link_worker).current(_day(31))) == []


def test_filters_after_current_narrow_the_current_ones_and_never_bring_back_an_older(
    record, link_worker, framework, methods
):
    record(level=4, assessed_on=_day(30))
    record(level=2, assessed_on=_day(5))  # current, below 3
    other = record(
        competency=framework.competencies.get(id_number="SPLW-ROL-02"),
        method=methods["KT"],
        level=3,
    )

    at_three = Assessment.objects.filter(worker=link_worker).current().filter(level__gte=3)

    assert list(at_three) == [other]


def test_latest_first_orders_by_date_then_by_when_recorded(record, link_worker):
    older = record(level=1, assessed_on=_day(20))
    first_that_day = record(level=2, assessed_on=_day(3))
    second_that_day = record(level=3, assessed_on=_day(3))

    ordered = list(Assessment.objects.filter(worker=link_worker).order_by("pk").latest_first())

    assert ordered == [second_that_day, first_that_day, older]
