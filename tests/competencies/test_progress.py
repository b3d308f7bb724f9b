"""Progress selectors on hand-built cases, and their query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from competencies import services
from competencies.models import SupervisionKind
from competencies.selectors import (
    current_assessments,
    proficient_counts,
    supervision_and_cpd,
    worker_progress,
)
from workforce.models import User

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _day(days_ago):
    return TODAY - datetime.timedelta(days=days_ago)


def test_the_current_level_is_the_latest_assessment_not_superseded(record, assessor, methods):
    record(level=4, assessed_on=_day(30))
    latest = record(level=2, assessed_on=_day(10))
    services.assessment_correct(
        original=latest,
        assessor=assessor,
        level=3,
        method=methods["DOP"],
        assessed_on=_day(10),
        reason="Wrong level keyed in.",
    )

    current = current_assessments(latest.worker, latest.competency.framework)

    assert current[latest.competency_id].level == 3
    assert [a.supersedes for a in current[latest.competency_id].assessments] == [latest]


def test_module_completion_and_milestone(record, demo_curriculum, framework, link_worker, methods):
    # ROL has three competencies; two at proficiency, one below.
    record(competency=framework.competencies.get(id_number="SPLW-ROL-01"), level=3)
    role_02 = framework.competencies.get(id_number="SPLW-ROL-02")
    record(competency=role_02, level=2, method=methods["KT"])
    record(competency=role_02, level=4, method=methods["CBD"])
    role_03 = framework.competencies.get(id_number="SPLW-ROL-03")
    record(competency=role_03, level=2, method=methods["CBD"])
    record(competency=role_03, level=3, method=methods["SUP"])

    progress = worker_progress(link_worker, demo_curriculum)

    rol = next(module for module in progress.modules if module.module.code == "ROL")
    assert (rol.proficient, rol.total, rol.percent, rol.complete) == (2, 3, 67, False)
    assert progress.core_proficient == 2
    assert len(progress.core) == 23
    assert not progress.safe_to_practise
    assert {s.competency.id_number for s in progress.milestone} == {
        "SPLW-ROL-01",
        "SPLW-ROL-03",
        "SPLW-REF-01",
        "SPLW-SAF-01",
        "SPLW-SAF-02",
        "SPLW-SAF-03",
        "SPLW-SAF-04",
        "SPLW-OUT-04",
    }
    # The edition-2 competencies are on the progress page: SAF-04 above, OUT-05 in its module.
    out = next(module for module in progress.modules if module.module.code == "OUT")
    assert out.total == 5
    # Unfinished milestone competencies come first in the next steps.
    assert progress.next_steps[0].competency.needed_before_unsupervised_work
    assert "SPLW-ROL-01" not in [s.competency.id_number for s in progress.next_steps]


def test_safe_to_practise_once_every_milestone_competency_is_proficient(
    record, demo_curriculum, framework, link_worker
):
    caps = {"ELC": 1, "KT": 2}
    for competency in framework.competencies.filter(needed_before_unsupervised_work=True):
        # Every "all of" method and one "any of" method (SAF-04: a knowledge test and a case
        # discussion or simulation).
        rule = [*competency.required_methods.all(), *competency.accepted_methods.all()[:1]]
        for method in rule:
            record(competency=competency, method=method, level=caps.get(method.code, 3))

    assert worker_progress(link_worker, demo_curriculum).safe_to_practise


def test_supervision_counts_confirmed_sessions_in_the_last_12_months(assessor, link_worker):
    for days_ago, confirm in [(10, True), (200, True), (364, True), (366, True), (20, False)]:
        session = services.supervision_log(
            worker=link_worker,
            supervisor=assessor,
            held_on=_day(days_ago),
            kind=SupervisionKind.PROFESSIONAL,
            reflections="Reflections",
        )
        if confirm:
            services.supervision_confirm(session=session, supervisor=assessor)

    figures = supervision_and_cpd(link_worker)

    assert figures["supervision_sessions_last_12_months"] == 3


def test_cpd_counts_the_12_months_before_the_day(link_worker):
    # A whole past year, so no date is in the future whenever the test runs.
    year = TODAY.year - 1
    today = datetime.date(year, 11, 20)
    for done_on, hours, formal, points in [
        (datetime.date(year, 3, 1), "6", True, "6"),
        (datetime.date(year, 6, 1), "2", False, "4"),
        (datetime.date(year - 1, 11, 20), "9", True, "9"),  # a year before: not counted
        (datetime.date(year - 1, 11, 21), "1", True, "1"),  # within the 12 months
        (datetime.date(year, 12, 1), "5", True, "5"),  # after "today": not counted yet
    ]:
        services.cpd_log(
            worker=link_worker,
            done_on=done_on,
            activity="Activity",
            hours=Decimal(hours),
            is_formal=formal,
            points=Decimal(points),
        )

    figures = supervision_and_cpd(link_worker, today=today)

    assert figures["cpd_points_last_12_months"] == Decimal("11")
    assert figures["cpd_formal_hours_last_12_months"] == Decimal("7")


def test_progress_queries_do_not_grow_with_the_number_of_assessments(
    record, demo_curriculum, framework, link_worker
):
    def count_queries():
        worker = User.objects.get(pk=link_worker.pk)
        curriculum = type(demo_curriculum).objects.get(pk=demo_curriculum.pk)
        with CaptureQueriesContext(connection) as queries:
            worker_progress(worker, curriculum)
        return len(queries)

    record(level=2)
    few = count_queries()
    competencies = list(framework.competencies.exclude(parent_id_number="").filter(is_core=True))
    for days_ago in range(2, 5):
        for competency in competencies:
            rule = list(competency.accepted_methods.all()) or list(
                competency.required_methods.all()
            )
            record(competency=competency, method=rule[0], level=3, assessed_on=_day(days_ago))

    assert count_queries() == few


def test_proficient_counts_use_current_levels(record, framework, link_worker, assessor, methods):
    record(level=4, assessed_on=_day(30))
    record(level=2, assessed_on=_day(5))  # the current level, below the threshold
    other = framework.competencies.get(id_number="SPLW-ROL-02")
    record(competency=other, method=methods["KT"], level=2)
    record(competency=other, method=methods["CBD"], level=3)

    counts = proficient_counts(User.objects.filter(pk=link_worker.pk), framework)

    assert counts == {link_worker.pk: 1}
