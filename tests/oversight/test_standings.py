"""Kept standing levels (`competencies.standings`) always equal a judgement from scratch.

Each test reads the kept levels first (so they are warm and would show a write they missed),
then writes something that can change a worker's judgement, and reads again: the kept levels
must equal `evidence_rules.achievements` and `team_levels` computed from the assessments.
"""

import datetime
from collections import Counter

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from competencies import services, standings
from competencies.evidence_rules import achievements, rules_for, team_levels
from competencies.models import (
    Assessment,
    IqaDecision,
    IqaSample,
    StandingJudgement,
    StandingLevel,
)
from curriculum.models import MethodCap
from curriculum.selectors import current_version
from oversight import selectors

from .conftest import day

pytestmark = pytest.mark.django_db


def _scratch(ids, framework, *, as_of=None):
    """What the evidence rules say from the assessments, with what is missing for everyone."""
    rules = rules_for(framework)
    return achievements(ids, framework, as_of=as_of, rules=rules, in_full=set(ids))


def _essentials(found):
    return {
        pair: (a.achieved_level, a.on, a.refresh_due_on, a.lapsed, a.level, a.missing)
        for pair, a in found.items()
    }


def _brief_groups(framework):
    """Groups as a team page names them: at proficiency, at level one or more, at the top."""
    competencies = list(framework.competencies.exclude(parent_id_number="").order_by("pk"))
    core = [c.pk for c in competencies if c.is_core]
    everyone = [c.pk for c in competencies]
    return {
        "core": (core, framework.proficiency_threshold),
        "any": (everyone, 1),
        "top": (everyone[::2], 4),
        "none": (everyone, None),
    }, everyone[1:]


def _assert_briefs_equal_scratch(ids, framework, *, as_of=None):
    """`standing_briefs` counted in the database (or judged again) as the scratch levels say."""
    groups, dated = _brief_groups(framework)
    briefs = standings.standing_briefs(
        ids, framework, rules=rules_for(framework), groups=groups, dated=dated, as_of=as_of
    )
    scratch = _scratch(ids, framework, as_of=as_of)
    for worker_id in ids:
        mine = {c: a for (w, c), a in scratch.items() if w == worker_id}
        counts = {
            name: sum(1 for c, a in mine.items() if c in set(members) and a.level >= level)
            if level is not None
            else 0
            for name, (members, level) in groups.items()
        }
        met = [a.on for c, a in mine.items() if c in dated and a.level and a.on]
        dues = [a.refresh_due_on for a in mine.values() if a.refresh_due_on]
        brief = briefs[worker_id]
        assert brief.at_level == counts
        assert brief.last_met_on == max(met, default=None)
        assert brief.first_refresh_due_on == min(dues, default=None)


def _assert_kept_equal_scratch(ids, framework, *, as_of=None):
    framework.refresh_from_db()
    # First, while some judgements may not hold (judged again in Python), then below from the
    # kept rows alone (counted in the database).
    _assert_briefs_equal_scratch(ids, framework, as_of=as_of)
    rules = rules_for(framework)
    scratch = _scratch(ids, framework, as_of=as_of)
    kept = standings.standing_achievements(
        ids, framework, rules=rules, as_of=as_of, in_full=set(ids)
    )
    assert _essentials(kept) == _essentials(scratch)
    # Without what is missing, as the team page reads them (`judge_level`).
    quick = achievements(ids, framework, as_of=as_of, rules=rules, in_full=())
    assert standings.standing_achievements(ids, framework, rules=rules, as_of=as_of) == quick
    # The team matrix's levels, and the page's achievements.
    levels, full = team_levels(ids, framework, rules=rules, in_full=set(ids[:1]), as_of=as_of)
    kept_levels, kept_full = standings.standing_team_levels(
        ids, framework, rules=rules, in_full=set(ids[:1]), as_of=as_of
    )
    assert kept_levels == levels
    assert _essentials(kept_full) == _essentials(full)
    # The matrix's counts at proficiency, counted in the database.
    threshold = framework.proficiency_threshold
    counts, page = standings.proficiency_counts(
        ids, framework, rules=rules, in_full=set(ids[:1]), as_of=as_of
    )
    assert counts == Counter(c for (_, c), level in levels.items() if level >= threshold)
    assert _essentials(page) == _essentials(full)
    # And read again from the table alone: every judgement holds now.
    again = standings.standing_achievements(
        ids, framework, rules=rules, as_of=as_of, in_full=set(ids)
    )
    assert _essentials(again) == _essentials(scratch)
    _assert_briefs_equal_scratch(ids, framework, as_of=as_of)


def _all_held(ids, framework):
    """Whether every worker's kept judgement was written back at its current version."""
    rows = StandingJudgement.objects.filter(worker_id__in=ids, framework=framework)
    return len(rows) == len(ids) and all(row.judged_version == row.version for row in rows)


@pytest.fixture
def team(grow_team, framework, demo_curriculum):
    workers = grow_team(3)
    ids = [worker.pk for worker in workers]
    _assert_kept_equal_scratch(ids, framework)
    assert _all_held(ids, framework)
    return workers


def _competency(framework, index=0):
    return framework.competencies.exclude(parent_id_number="").order_by("sort_order")[index]


def test_the_first_read_judges_and_keeps_every_worker(team, framework):
    ids = [worker.pk for worker in team]
    assert StandingLevel.objects.filter(worker_id__in=ids).exists()
    _assert_kept_equal_scratch(ids, framework)


def test_a_new_assessment_is_seen_at_once(team, framework, assess):
    ids = [worker.pk for worker in team]
    assess(team[0], _competency(framework, 5).id_number, level=4, days_ago=2)
    assert not _all_held(ids, framework)
    _assert_kept_equal_scratch(ids, framework)


def test_a_correction_is_seen_at_once(team, framework):
    ids = [worker.pk for worker in team]
    latest = (
        Assessment.objects.filter(worker=team[1], superseded_by__isnull=True)
        .order_by("-assessed_on", "-pk")
        .first()
    )
    services.assessment_correct(
        original=latest,
        assessor=latest.assessor,
        level=1,
        method=latest.method,
        assessed_on=latest.assessed_on,
        reason="Recorded at the wrong level.",
    )
    _assert_kept_equal_scratch(ids, framework)


def test_confirming_an_imported_assessment_is_seen_at_once(team, framework, manager, assessor):
    ids = [worker.pk for worker in team]
    competency = _competency(framework, 7)
    method = competency.required_methods.first() or competency.accepted_methods.first()
    cap = MethodCap.objects.filter(framework=framework, method=method).first()
    pending = Assessment.objects.create(
        worker=team[2],
        competency=competency,
        framework_version=current_version(framework),
        level=min(3, cap.max_level) if cap else 3,
        method=method,
        assessed_on=day(3),
        assessor=assessor,
        recorded_by=manager,
        needs_confirmation=True,
    )
    _assert_kept_equal_scratch(ids, framework)  # waiting: it does not count yet
    services.assessments_confirm(assessments=[pending], assessor=assessor)
    assert not _all_held(ids, framework)
    _assert_kept_equal_scratch(ids, framework)


def test_an_iqa_hold_is_seen_at_once(team, framework, manager):
    ids = [worker.pk for worker in team]
    held = Assessment.objects.filter(worker=team[0]).counting().order_by("-level", "pk").first()
    IqaSample.objects.create(
        assessment=held,
        quality_assurer=manager,
        decision=IqaDecision.NOT_AGREED,
        reason="The observation notes do not show level 4.",
    )
    _assert_kept_equal_scratch(ids, framework)


def test_an_edited_rule_or_cap_is_seen_at_once(team, framework, methods):
    ids = [worker.pk for worker in team]
    competency = _competency(framework, 0)
    competency.required_methods.add(*list(methods.values())[:2])
    _assert_kept_equal_scratch(ids, framework)
    MethodCap.objects.filter(framework=framework).update(max_level=1)
    _assert_kept_equal_scratch(ids, framework)


def test_a_refresher_runs_out_on_its_day_without_a_write(team, framework):
    ids = [worker.pk for worker in team]
    competency = _competency(framework, 1)
    competency.refresh_months = 1
    competency.save()
    achieved = _scratch(ids, framework)
    due = max(a.refresh_due_on for a in achieved.values() if a.refresh_due_on)
    for as_of in (due - datetime.timedelta(days=1), due, due + relativedelta(months=3)):
        _assert_kept_equal_scratch(ids, framework, as_of=as_of)
    assert any(a.lapsed for a in _scratch(ids, framework, as_of=due).values())


def test_a_future_dated_assessment_counts_from_its_day(team, framework, assessor):
    ids = [worker.pk for worker in team]
    competency = _competency(framework, 9)
    method = competency.required_methods.first() or competency.accepted_methods.first()
    soon = timezone.localdate() + datetime.timedelta(days=10)
    # Written straight to the table, as a bulk writer might: the services refuse future days.
    Assessment.objects.bulk_create(
        [
            Assessment(
                worker=team[0],
                competency=competency,
                framework_version=current_version(framework),
                level=1,
                method=method,
                assessed_on=soon,
                assessor=assessor,
            )
        ]
    )
    standings.mark_stale([team[0].pk])
    _assert_kept_equal_scratch(ids, framework)
    assert StandingJudgement.objects.get(worker=team[0], framework=framework).recheck_on == soon
    _assert_kept_equal_scratch(ids, framework, as_of=soon)


def test_a_write_during_a_judgement_leaves_the_worker_stale(team, framework, assess, monkeypatch):
    ids = [worker.pk for worker in team]
    assess(team[0], _competency(framework, 5).id_number, level=4, days_ago=2)
    judge_again = standings._judge_again

    def with_a_write_meanwhile(worker_ids, *args, **kwargs):
        found = judge_again(worker_ids, *args, **kwargs)
        standings.mark_stale([team[0].pk])  # lands after the assessments were read
        return found

    monkeypatch.setattr(standings, "_judge_again", with_a_write_meanwhile)
    rules = rules_for(framework)
    read = standings.standing_achievements(ids, framework, rules=rules, in_full=set(ids))
    assert _essentials(read) == _essentials(_scratch(ids, framework))
    judgement = StandingJudgement.objects.get(worker=team[0], framework=framework)
    assert judgement.judged_version != judgement.version  # judged again on the next read
    monkeypatch.undo()
    _assert_kept_equal_scratch(ids, framework)


def test_mark_stale_names_workers_never_judged(link_worker, framework, db):
    standings.mark_stale([link_worker.pk, link_worker.pk])
    standings.mark_stale([link_worker.pk])
    judgement = StandingJudgement.objects.get(worker=link_worker, framework=framework)
    assert judgement.version == 2
    assert judgement.judged_version is None


def test_the_team_pages_show_the_kept_levels(team, framework, manager, demo_curriculum, assess):
    ids = [worker.pk for worker in team]
    before = selectors.team_matrix(manager, demo_curriculum)
    assess(team[0], _competency(framework, 5).id_number, level=4, days_ago=2)
    after = selectors.team_matrix(manager, demo_curriculum)
    assert after.proficient_by_competency != before.proficient_by_competency
    levels, _ = team_levels(ids, framework, rules=rules_for(framework))
    row = next(row for row in after.rows if row.worker.pk == team[0].pk)
    assert [cell.level for cell in row.cells] == [
        levels.get((team[0].pk, competency.pk), 0) for competency in after.competencies
    ]
