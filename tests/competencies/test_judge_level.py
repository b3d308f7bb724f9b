"""The team pages' quick judgement (`judge_level`) gives what `judge` gives, without the words.

The team pages judge a whole team for their counts, and only the people on screen in full: if
the two ever disagreed, a count would contradict the cells beside it. Every rule shape over every
combination of levels on a small scale is compared, then the two through `achievements`.
"""

import datetime
import itertools

import pytest

from competencies.evidence_rules import (
    EvidenceRule,
    Shown,
    achievements,
    judge,
    judge_level,
    rules_for,
    team_levels,
)
from curriculum.models import AssessmentMethod

TOP = 4
TODAY = datetime.date(2026, 3, 31)
E_LEARNING, TEST, SIMULATION, OBSERVATION = (
    AssessmentMethod(pk=pk, name=name, code=code)
    for pk, name, code in (
        (1, "E-learning", "EL"),
        (2, "Knowledge test", "KT"),
        (3, "Simulation", "SIM"),
        (4, "Observation", "OBS"),
    )
)
CAPS = {E_LEARNING.pk: 1, TEST.pk: 2}
RULES = [
    EvidenceRule(1, "NONE", (), (), CAPS),
    EvidenceRule(2, "ALL", (TEST, OBSERVATION), (), CAPS),
    EvidenceRule(3, "ANY", (), (SIMULATION, OBSERVATION), CAPS),
    EvidenceRule(4, "BOTH", (TEST,), (SIMULATION, OBSERVATION), CAPS),
    EvidenceRule(5, "CAPPED", (E_LEARNING, TEST), (), CAPS),
    EvidenceRule(6, "OVERLAP", (TEST,), (TEST, SIMULATION), CAPS),
    EvidenceRule(7, "REFRESH", (), (E_LEARNING, OBSERVATION), CAPS, 12, E_LEARNING),
    EvidenceRule(8, "REFRESH-ANY", (OBSERVATION,), (), CAPS, 24, None),
]
DATES = [TODAY - datetime.timedelta(days=400), TODAY - datetime.timedelta(days=10)]


def _cases():
    """Every method absent or at each level 0..TOP, on one of two dates."""
    methods = (E_LEARNING, TEST, SIMULATION, OBSERVATION)
    for levels in itertools.product(range(-1, TOP + 1), repeat=len(methods)):
        for old in (0, 1):
            yield {
                method.pk: Shown(method.pk, level, DATES[(old + index) % 2])
                for index, (method, level) in enumerate(zip(methods, levels, strict=True))
                if level >= 0
            }


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_the_quick_judgement_matches_the_full_one_everywhere(rule):
    for by_method in _cases():
        full = judge(rule, by_method, top=TOP, threshold=3, as_of=TODAY)
        quick = judge_level(rule, by_method, top=TOP, as_of=TODAY)
        assert (quick.level, quick.achieved_level, quick.on) == (
            full.level,
            full.achieved_level,
            full.on,
        ), by_method
        assert (quick.refresh_due_on, quick.lapsed) == (full.refresh_due_on, full.lapsed)
        assert quick.missing == ""


@pytest.mark.django_db
def test_achievements_judge_in_full_only_those_asked(
    record, link_worker, organisation, framework, methods
):
    from tests.conftest import _member
    from workforce.models import Role

    other = _member(organisation, Role.LINK_WORKER)
    rules = rules_for(framework)
    competencies = list(framework.competencies.assessable().order_by("sort_order")[:12])
    for index, competency in enumerate(competencies):
        allowed = rules[competency.pk].methods or tuple(methods.values())
        for person, shift in ((link_worker, 0), (other, 1)):
            # Each person a different share of the rule's methods, at different levels.
            for step, method in enumerate(allowed[shift::2] or allowed):
                record(
                    worker=person,
                    competency=competency,
                    method=method,
                    level=1 + (index + step + shift) % 4,
                )
    everyone = achievements([link_worker.pk, other.pk], framework, rules=rules)
    some = achievements(
        [link_worker.pk, other.pk], framework, rules=rules, in_full={link_worker.pk}
    )
    assert everyone.keys() == some.keys()
    assert len(everyone) == 2 * len(competencies)
    for (worker_id, competency_id), full in everyone.items():
        quick = some[(worker_id, competency_id)]
        assert (quick.level, quick.on, quick.refresh_due_on) == (
            full.level,
            full.on,
            full.refresh_due_on,
        )
        # What is missing, in words, only for the one asked for.
        assert quick.missing == (full.missing if worker_id == link_worker.pk else "")
    assert any(a.missing for (w, _), a in everyone.items() if w == other.pk)
    assert any(a.level for a in everyone.values())

    # The team matrix's read: every level, and the one on screen judged in full.
    levels, full = team_levels(
        [link_worker.pk, other.pk], framework, rules=rules, in_full={link_worker.pk}
    )
    assert levels == {pair: achievement.level for pair, achievement in everyone.items()}
    assert full == {pair: a for pair, a in everyone.items() if pair[0] == link_worker.pk}
