"""Team reads: the same answers as the per-worker selectors, flags, gaps, in a fixed query count."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from certificates.selectors import qualification_checklist, qualifications_for
from competencies import services
from competencies.selectors import (
    current_assessments,
    current_levels,
    default_curriculum,
    supervision_and_cpd,
    upkeep,
)
from oversight import selectors
from oversight.selectors import Band, Flag, TeamSort
from tests.factories import MembershipFactory
from tests.oversight.conftest import day
from workforce.models import Role, User

pytestmark = pytest.mark.django_db


def _row(overview, worker):
    return next(row for row in overview.rows if row.worker.pk == worker.pk)


# --- Agreement with the per-worker selectors --------------------------------------------------


def test_current_levels_match_current_assessments(framework, link_worker, grow_team, assess):
    workers = [link_worker, *grow_team(2)]
    assess(link_worker, "SPLW-ROL-01", level=2, days_ago=9)
    assess(link_worker, "SPLW-ROL-01", level=3, days_ago=3)

    levels = current_levels([w.pk for w in workers], framework)

    for worker in workers:
        expected = {
            competency_id: (achievement.level, achievement.on)
            for competency_id, achievement in current_assessments(worker, framework).items()
            if achievement.level
        }
        mine = {c: v for (w, c), v in levels.items() if w == worker.pk}
        assert mine == expected
    # The correction (level 4) stands, not the level 1 it replaced.
    assert 4 in {level for level, _ in levels.values()}


def test_upkeep_matches_supervision_and_cpd(link_worker, supervise, log_cpd, grow_team):
    workers = [link_worker, *grow_team(1)]
    supervise(link_worker, days_ago=400)  # older than 12 months: not counted, but is the latest
    supervise(link_worker, days_ago=100, confirmed=False)  # never counts
    log_cpd(link_worker, points="2.5", formal=False)

    figures = upkeep([w.pk for w in workers])

    for worker in workers:
        expected = supervision_and_cpd(worker)
        upkept = figures[worker.pk]
        assert (
            upkept.supervision_sessions_last_12_months
            == (expected["supervision_sessions_last_12_months"])
        )
        assert upkept.cpd_points_last_12_months == expected["cpd_points_last_12_months"]
        assert upkept.cpd_formal_hours_last_12_months == expected["cpd_formal_hours_last_12_months"]
    assert figures[link_worker.pk].last_supervision_on == day(400)


def test_team_checklists_agree_with_qualification_checklist_for_every_demo_worker(db):
    call_command("load_demo_data", stdout=io.StringIO())
    curriculum = default_curriculum()
    workers = list(
        User.objects.filter(memberships__role=Role.LINK_WORKER).distinct().order_by("email")
    )
    assert len(workers) >= 5

    for qualification in qualifications_for(curriculum.framework):
        batch = selectors.team_checklists([w.pk for w in workers], qualification)
        for worker in workers:
            one = qualification_checklist(worker, qualification)
            assert batch[worker.pk].items == one.items, worker.email
            assert batch[worker.pk].eligible == one.eligible
    kwame = User.objects.get(email="kwame.mensah@example.org")
    assert batch[kwame.pk].eligible


def test_demo_team_has_the_flags_the_story_tells(db):
    call_command("load_demo_data", stdout=io.StringIO())
    manager = User.objects.get(email="manager@example.org")

    overview = selectors.team_overview(manager, default_curriculum())

    flags = {row.worker.email: set(row.flags) for row in overview.rows}
    assert Flag.ELIGIBLE in flags["kwame.mensah@example.org"]
    # Flagged eligible exactly when the full checklist says so and no current certificate is
    # held: the page judges the checklist only for those who meet the core rule, and misses none.
    for row in overview.rows:
        eligible = qualification_checklist(row.worker, overview.qualification).eligible
        holds_current = row.certificate is not None and row.certificate.is_current
        assert (Flag.ELIGIBLE in row.flags) == (eligible and not holds_current), row.worker.email
    assert Flag.NO_RECENT_SUPERVISION in flags["linkworker@example.org"]
    # Łucja is three weeks in: not yet two months without supervision.
    assert Flag.NO_RECENT_SUPERVISION not in flags["lucja.zolc@example.org"]
    assert Flag.RENEWAL_DUE in flags["aisha.khan@example.org"]
    # Her information governance e-learning is more than 12 months old.
    assert Flag.REFRESHER_DUE in flags["aisha.khan@example.org"]
    assert Flag.REFRESHER_DUE not in flags["kwame.mensah@example.org"]
    assert overview.register["renewal_due"] >= 1
    # Nobody from the other PCN.
    assert "east.linkworker@example.org" not in flags


# --- Flags ------------------------------------------------------------------------------------


def test_no_recent_supervision_counts_only_confirmed_sessions(
    manager, link_worker, supervise, demo_curriculum
):
    supervise(link_worker, days_ago=70)
    supervise(link_worker, days_ago=5, confirmed=False)

    row = _row(selectors.team_overview(manager, demo_curriculum), link_worker)

    assert Flag.NO_RECENT_SUPERVISION in row.flags
    supervise(link_worker, days_ago=20)
    row = _row(selectors.team_overview(manager, demo_curriculum), link_worker)
    assert Flag.NO_RECENT_SUPERVISION not in row.flags


def test_a_new_starter_is_not_flagged_for_supervision_before_two_months(
    manager, organisation, demo_curriculum
):
    starter = MembershipFactory(
        organisation=organisation, role=Role.LINK_WORKER, starts_on=day(30)
    ).user
    long_standing = MembershipFactory(organisation=organisation, role=Role.LINK_WORKER).user

    overview = selectors.team_overview(manager, demo_curriculum)

    assert Flag.NO_RECENT_SUPERVISION not in _row(overview, starter).flags
    assert Flag.NO_RECENT_SUPERVISION in _row(overview, long_standing).flags


def test_cpd_behind_pace_asks_the_yearly_minimum_over_the_last_12_months(
    manager, organisation, link_worker, qualification, demo_curriculum
):
    # A year in post: the whole 20 points over the last 12 months. 146 days in: 8 of them.
    starter = MembershipFactory(
        organisation=organisation, role=Role.LINK_WORKER, starts_on=day(146)
    ).user

    def log(worker, points, days_ago=0):
        services.cpd_log(
            worker=worker,
            done_on=day(days_ago),
            activity="Accredited course",
            hours=Decimal(points),
            is_formal=True,
            points=Decimal(points),
        )

    log(link_worker, "15", days_ago=300)
    log(link_worker, "4", days_ago=400)  # more than 12 months ago: not counted
    log(starter, "8")
    overview = selectors.team_overview(manager, demo_curriculum)
    assert Flag.CPD_BEHIND in _row(overview, link_worker).flags
    assert Flag.CPD_BEHIND not in _row(overview, starter).flags

    log(link_worker, "5")
    overview = selectors.team_overview(manager, demo_curriculum)
    assert Flag.CPD_BEHIND not in _row(overview, link_worker).flags


def test_a_refresher_running_out_is_flagged_ahead_of_time(
    manager, organisation, link_worker, assess, demo_curriculum
):
    # Information governance e-learning is refreshed every 12 months; the flag shows 60 days
    # before it runs out, and stays once it has.
    due_in_75_days = MembershipFactory(organisation=organisation, role=Role.LINK_WORKER).user
    lapsed = MembershipFactory(organisation=organisation, role=Role.LINK_WORKER).user
    assess(due_in_75_days, "SPLW-OUT-04", days_ago=290)
    assess(link_worker, "SPLW-OUT-04", days_ago=320)
    assess(lapsed, "SPLW-OUT-04", days_ago=400)

    overview = selectors.team_overview(manager, demo_curriculum)

    assert Flag.REFRESHER_DUE not in _row(overview, due_in_75_days).flags
    assert Flag.REFRESHER_DUE in _row(overview, link_worker).flags
    assert Flag.REFRESHER_DUE in _row(overview, lapsed).flags
    # Lapsed, it no longer counts towards the core competencies.
    assert _row(overview, lapsed).core_proficient == 0
    assert _row(overview, link_worker).core_proficient == 1


def test_eligible_flag_matches_the_checklist(manager, link_worker, qualification, demo_curriculum):
    row = _row(selectors.team_overview(manager, demo_curriculum), link_worker)

    assert not qualification_checklist(link_worker, qualification).eligible
    assert Flag.ELIGIBLE not in row.flags
    assert row.certificate_label == "Not certified"


def test_safe_to_practise_needs_every_milestone_competency(
    manager, link_worker, framework, assess, demo_curriculum
):
    milestone = list(
        framework.competencies.filter(needed_before_unsupervised_work=True, is_retired=False)
        .exclude(parent_id_number="")
        .values_list("id_number", flat=True)
    )
    for code in milestone[:-1]:
        assess(link_worker, code, level=framework.proficiency_threshold)

    row = _row(selectors.team_overview(manager, demo_curriculum), link_worker)
    assert not row.safe_to_practise
    assert row.milestone_proficient == len(milestone) - 1

    assess(link_worker, milestone[-1], level=framework.proficiency_threshold)
    row = _row(selectors.team_overview(manager, demo_curriculum), link_worker)
    assert row.safe_to_practise
    assert row.last_assessed_on == day(1)


# --- Scope, sorting, filtering ----------------------------------------------------------------


def test_team_is_the_managers_organisations_only(
    manager, link_worker, outside_link_worker, demo_curriculum
):
    overview = selectors.team_overview(manager, demo_curriculum)
    matrix = selectors.team_matrix(manager, demo_curriculum)

    assert [row.worker for row in overview.rows] == [link_worker]
    assert [row.worker for row in matrix.rows] == [link_worker]
    assert selectors.team_worker(manager, outside_link_worker.pk) is None
    assert selectors.team_worker(manager, link_worker.pk) == link_worker


def test_a_manager_is_never_in_their_own_team(manager, organisation, demo_curriculum):
    MembershipFactory(organisation=organisation, user=manager, role=Role.LINK_WORKER)

    assert selectors.team_members(manager) == []


def test_search_and_organisation_filter(manager, organisation, other_organisation):
    MembershipFactory(organisation=other_organisation, user=manager, role=Role.MANAGER)
    here = MembershipFactory(
        organisation=organisation, role=Role.LINK_WORKER, user__full_name="Zofia Nowak"
    ).user
    there = MembershipFactory(
        organisation=other_organisation, role=Role.LINK_WORKER, user__full_name="Tariq Aziz"
    ).user

    assert [m.worker for m in selectors.team_members(manager)] == [there, here]
    assert [m.worker for m in selectors.team_members(manager, search="nowak")] == [here]
    assert [m.worker for m in selectors.team_members(manager, search=there.email)] == [there]
    assert [m.worker for m in selectors.team_members(manager, organisation=other_organisation)] == [
        there
    ]


def test_team_members_read_names_and_organisations_in_one_query(
    manager, organisation, other_organisation, django_assert_num_queries
):
    """The members are read as values, so each field must land where it belongs."""
    MembershipFactory(organisation=other_organisation, user=manager, role=Role.MANAGER)
    worker = MembershipFactory(
        organisation=organisation,
        role=Role.LINK_WORKER,
        user__full_name="Zofia Nowak",
        user__email="zofia@example.org",
        starts_on=datetime.date(2024, 5, 1),
    ).user
    MembershipFactory(
        organisation=other_organisation,
        user=worker,
        role=Role.LINK_WORKER,
        starts_on=datetime.date(2023, 9, 1),
    )

    with django_assert_num_queries(1):
        [member] = selectors.team_members(manager)
        shown = (member.worker.pk, member.worker.full_name, member.worker.email, str(member.worker))
        organisations = [(o.pk, o.name) for o in member.organisations]

    assert shown == (worker.pk, "Zofia Nowak", "zofia@example.org", "Zofia Nowak")
    assert organisations == sorted(
        [(organisation.pk, organisation.name), (other_organisation.pk, other_organisation.name)],
        key=lambda pair: pair[1],
    )
    assert member.in_post_since == datetime.date(2023, 9, 1)


def test_sort_and_filter_rows(manager, grow_team, assess, link_worker, demo_curriculum):
    grow_team(2)
    assess(link_worker, "SPLW-ROL-01", level=1)
    rows = selectors.team_overview(manager, demo_curriculum).rows

    by_core = selectors.sort_and_filter(rows, sort=TeamSort.CORE_LEAST)
    assert by_core[0].worker == link_worker
    assert [r.core_proficient for r in by_core] == sorted(r.core_proficient for r in rows)
    most = selectors.sort_and_filter(rows, sort=TeamSort.CORE_MOST)
    assert most[-1].worker == link_worker
    by_name = selectors.sort_and_filter(rows, sort="not-a-sort")
    assert [r.worker.full_name.casefold() for r in by_name] == sorted(
        r.worker.full_name.casefold() for r in rows
    )
    flagged = selectors.sort_and_filter(rows, flag=Flag.NO_RECENT_SUPERVISION)
    assert [r.worker for r in flagged] == [link_worker]


# --- Matrix and gaps --------------------------------------------------------------------------


def test_matrix_groups_columns_by_module_and_holds_current_levels(
    manager, link_worker, assess, framework, demo_curriculum
):
    assess(link_worker, "SPLW-ROL-01", level=2, days_ago=10)
    assess(link_worker, "SPLW-ROL-01", level=4, days_ago=2)

    matrix = selectors.team_matrix(manager, demo_curriculum)

    in_use = framework.competencies.filter(is_retired=False).exclude(parent_id_number="")
    assert sorted(c.pk for c in matrix.competencies) == sorted(in_use.values_list("pk", flat=True))
    assert [c for g in matrix.groups for c in g.competencies] == matrix.competencies
    assert matrix.groups[0].competencies[0].id_number.startswith("SPLW-ROL")
    index = [c.id_number for c in matrix.competencies].index("SPLW-ROL-01")
    cell = matrix.rows[0].cells[index]
    assert (cell.level, cell.band) == (4, Band.BEYOND)
    assert matrix.proficient_by_competency[index] == 1


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (0, Band.NONE),
        (1, Band.BELOW),
        (2, Band.NEAR),
        (3, Band.PROFICIENT),
        (4, Band.BEYOND),
    ],
)
def test_bands_follow_the_threshold(level, expected):
    assert selectors.band(level, 3) == expected


def test_gaps_put_the_weakest_first(manager, grow_team, framework, demo_curriculum):
    grow_team(3)

    gaps = selectors.team_gaps(selectors.team_matrix(manager, demo_curriculum))

    assert gaps.team_size == 3
    shares = [gap.proficient for gap in gaps.competencies]
    assert shares == sorted(shares)
    assert gaps.competencies[-1].proficient == 3  # the corrected one: level 4 for everyone
    percents = [gap.percent for gap in gaps.modules]
    assert percents == sorted(percents)
    assert all(gap.total == 3 * (gap.total // 3) for gap in gaps.modules)


# --- Query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["overview", "matrix"])
def test_team_reads_take_the_same_queries_for_any_team_size(
    manager, grow_team, qualification, django_assert_num_queries, reader
):
    curriculum = default_curriculum()

    def read():
        if reader == "overview":
            return selectors.team_overview(manager, curriculum).rows
        return selectors.team_matrix(manager, curriculum).rows

    # The evidence rules take four of them (competencies, the methods, which each names, the caps).
    # The levels are kept (`competencies.standings`): two queries when every worker's kept
    # judgement holds; when some changed, as many more whatever their number (their
    # assessments, and writing the judgement back).
    kept = 14 if reader == "overview" else 10
    judged_again = kept + 8
    grow_team(2)
    read()  # the first read judges everyone
    with django_assert_num_queries(kept):
        assert len(read()) == 2
    grow_team(10)
    with django_assert_num_queries(judged_again):
        assert len(read()) == 12
    with django_assert_num_queries(kept):
        assert len(read()) == 12
    grow_team(12)
    with django_assert_num_queries(judged_again):
        assert len(read()) == 24
    with django_assert_num_queries(kept):
        assert len(read()) == 24


def test_the_team_page_judges_its_candidates_in_four_queries_more(db, django_assert_num_queries):
    call_command("load_demo_data", stdout=io.StringIO())
    manager = User.objects.get(email="manager@example.org")
    curriculum = default_curriculum()
    selectors.team_overview(manager, curriculum)  # judges and keeps everyone's levels

    # Those who meet the core rule without a current certificate are judged in full: their
    # levels, the requirements, their observers and their named supervisors.
    with django_assert_num_queries(14 + 4):
        overview = selectors.team_overview(manager, curriculum)
    assert overview.eligible >= 1


def test_team_checklists_take_ten_queries_for_any_team(
    grow_team, qualification, django_assert_num_queries
):
    small = [w.pk for w in grow_team(2)]
    large = small + [w.pk for w in grow_team(8)]

    # Evidence rules 4, assessments 1, upkeep 2, requirements 1, observers 1, named supervisors 1
    # (the scale and the observed competencies come with the qualification).
    with django_assert_num_queries(10):
        assert len(selectors.team_checklists(small, qualification)) == 2
    with django_assert_num_queries(10):
        checklists = selectors.team_checklists(large, qualification)
    assert len(checklists) == 10
    assert all(isinstance(c.items[-1].detail, str) for c in checklists.values())
    assert Decimal("0") <= upkeep(large)[large[0]].cpd_points_last_12_months
