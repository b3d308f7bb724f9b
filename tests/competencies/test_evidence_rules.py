"""Evidence rules: a competency counts at a level only when its "all of" and "any of" methods are
met by assessments that count, within each method's cap, and while its refresher runs."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from competencies.evidence_rules import achievements
from competencies.selectors import current_levels, proficient_counts, worker_progress
from workforce.models import User

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _day(days_ago: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days_ago)


@pytest.fixture
def assess(record, framework, methods):
    def _assess(code: str, method: str, level: int = 3, days_ago: int = 1, **extra):
        return record(
            competency=framework.competencies.get(id_number=code),
            method=methods[method],
            level=level,
            assessed_on=_day(days_ago),
            **extra,
        )

    return _assess


def _level(worker: User, framework, code: str) -> int:
    competency = framework.competencies.get(id_number=code)
    return current_levels([worker.pk], framework).get((worker.pk, competency.pk), (0, None))[0]


def _achievement(worker: User, framework, code: str):
    competency = framework.competencies.get(id_number=code)
    return achievements([worker.pk], framework).get((worker.pk, competency.pk))


def test_a_knowledge_test_alone_never_makes_saf_02_proficient(assess, link_worker, framework):
    # The hole: SAF-02 (responding to suicidal thoughts) rated Proficient from a knowledge test.
    assess("SPLW-SAF-02", "KT", level=4)

    assert _level(link_worker, framework, "SPLW-SAF-02") == 0
    achievement = _achievement(link_worker, framework, "SPLW-SAF-02")
    assert achievement.missing == ("needs a simulation or role-play as well as the knowledge test")

    assess("SPLW-SAF-02", "SIM", level=3)

    assert _level(link_worker, framework, "SPLW-SAF-02") == 3
    assert _achievement(link_worker, framework, "SPLW-SAF-02").missing == ""


def test_e_learning_alone_never_shows_information_governance(assess, link_worker, framework):
    # The hole: OUT-04 rated from an e-learning certificate alone.
    assess("SPLW-OUT-04", "ELC", level=3)
    assert _level(link_worker, framework, "SPLW-OUT-04") == 0

    assess("SPLW-OUT-04", "RA", level=3)

    # The e-learning, capped at level 1, supports the level the record audit shows.
    assert _level(link_worker, framework, "SPLW-OUT-04") == 3


def test_a_capped_method_holds_the_level_down_only_as_far_as_its_cap(
    assess, link_worker, framework
):
    # EQU-01 needs a record audit and a knowledge test (capped at level 2).
    assess("SPLW-EQU-01", "KT", level=1)
    assess("SPLW-EQU-01", "RA", level=4)
    assert _level(link_worker, framework, "SPLW-EQU-01") == 1
    assert (
        "knowledge test at level 2" in _achievement(link_worker, framework, "SPLW-EQU-01").missing
    )

    assess("SPLW-EQU-01", "KT", level=2)
    # A knowledge test at its cap supports every level the practice evidence shows.
    assert _level(link_worker, framework, "SPLW-EQU-01") == 4


def test_any_of_takes_the_best_alternative_and_all_of_the_weakest_method(
    assess, link_worker, framework
):
    assess("SPLW-ROL-01", "SIM", level=2)
    assess("SPLW-ROL-01", "DOP", level=3)
    assert _level(link_worker, framework, "SPLW-ROL-01") == 3

    assess("SPLW-REF-01", "RA", level=4)
    assess("SPLW-REF-01", "DOP", level=2)
    assert _level(link_worker, framework, "SPLW-REF-01") == 2


def test_the_latest_assessment_by_a_method_is_the_one_that_counts(assess, link_worker, framework):
    assess("SPLW-ROL-01", "DOP", level=3, days_ago=30)
    assess("SPLW-ROL-01", "DOP", level=2, days_ago=5)
    assert _level(link_worker, framework, "SPLW-ROL-01") == 2


def test_a_refresher_that_runs_out_stops_the_competency_counting(
    assess, link_worker, framework, methods, assessor
):
    thirteen_months = (TODAY - (TODAY - relativedelta(months=13))).days
    assess("SPLW-OUT-04", "ELC", level=1, days_ago=thirteen_months)
    assess("SPLW-OUT-04", "RA", level=3, days_ago=thirteen_months)

    achievement = _achievement(link_worker, framework, "SPLW-OUT-04")
    assert achievement.achieved_level == 3
    assert achievement.lapsed
    assert achievement.level == 0
    assert achievement.missing == "needs a new e-learning completion: the refresher ran out"

    assess("SPLW-OUT-04", "ELC", level=1, days_ago=2)

    achievement = _achievement(link_worker, framework, "SPLW-OUT-04")
    assert not achievement.lapsed
    assert achievement.level == 3
    assert achievement.refresh_due_on == _day(2) + relativedelta(months=12)


def test_a_lapsed_refresher_holds_back_the_safe_to_practise_milestone(
    assess, link_worker, demo_curriculum, framework
):
    milestone = ["ROL-01", "ROL-03", "REF-01", "SAF-01", "SAF-02", "SAF-03", "SAF-04", "OUT-04"]
    long_ago = (TODAY - (TODAY - relativedelta(months=13))).days
    for code in milestone:
        competency = framework.competencies.get(id_number=f"SPLW-{code}")
        # Every "all of" method and one "any of" (SAF-04: a knowledge test and a discussion).
        rule = [*competency.required_methods.all(), *competency.accepted_methods.all()[:1]]
        for method in rule:
            level = {"ELC": 1, "KT": 2}.get(method.code, 3)
            assess(competency.id_number, method.code, level=level, days_ago=long_ago)

    progress = worker_progress(link_worker, demo_curriculum)

    assert not progress.safe_to_practise
    open_codes = [s.competency.id_number for s in progress.milestone if not s.proficient]
    assert open_codes == ["SPLW-OUT-04"]


def test_reading_achievements_takes_the_same_queries_for_one_worker_or_many(
    assess, link_worker, framework, assessor, organisation
):
    from tests.factories import MembershipFactory
    from workforce.models import Role

    assess("SPLW-SAF-02", "KT", level=2)
    others = [
        MembershipFactory(organisation=organisation, role=Role.LINK_WORKER).user for _ in range(3)
    ]

    def queries(worker_ids):
        with CaptureQueriesContext(connection) as captured:
            achievements(worker_ids, framework)
        return len(captured)

    assert queries([link_worker.pk]) == queries([link_worker.pk] + [w.pk for w in others])


def test_proficient_counts_follow_the_rules(assess, link_worker, framework):
    assess("SPLW-SAF-02", "KT", level=3)
    assess("SPLW-ROL-01", "DOP", level=3)

    counts = proficient_counts(User.objects.filter(pk=link_worker.pk), framework)

    assert counts == {link_worker.pk: 1}


def test_the_competency_page_says_what_is_still_to_do(
    client, assess, link_worker, framework, demo_curriculum
):
    assess("SPLW-SAF-02", "KT", level=2)
    competency = framework.competencies.get(id_number="SPLW-SAF-02")
    client.force_login(link_worker)

    page = client.get(reverse("competencies:history", args=[link_worker.pk, competency.pk]))

    text = page.content.decode()
    assert "Needs a simulation or role-play as well as the knowledge test" in text
    assert "Knowledge test and Simulation or role-play" in text
