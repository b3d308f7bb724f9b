"""Qualification rules as a checklist: each item met and not met, its queries, page and demo."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import Qualification, QualificationRequirement
from certificates.selectors import qualification_checklist, qualifications_for
from competencies import services
from curriculum.models import Competency
from tests.certificates.records import cpd, everything, meet_rule, supervision
from workforce.models import User

CORE = "Core competencies at level 3 or above"
OBSERVATIONS = "Direct observations by different assessors of SPLW-PCP-01"
DISCUSSION = "Professional discussion by an assessor who is not the named supervisor"
SUPERVISION = "Supervision sessions in the last 12 months (peer sessions do not count)"
CPD_POINTS = "CPD points in the last 12 months"
CPD_FORMAL = "Formal CPD hours in the last 12 months"


def _items(checklist) -> dict[str, tuple[bool, str]]:
    """Each item's outcome and detail; of the core rule, the count without what each needs."""
    return {
        item.label: (item.met, item.detail.split(":")[0] if item.label == CORE else item.detail)
        for item in checklist.items
    }


@pytest.fixture
def meet(assess, assessor):
    """Meet `code`'s evidence rule at `level`: each "all of" method and one "any of" method."""

    def _meet(code, level=3):
        competency = Competency.objects.prefetch_related(
            "required_methods", "accepted_methods"
        ).get(id_number=code)
        meet_rule(assess, competency, by=assessor, level=level)

    return _meet


def test_nothing_done_yet_lists_every_rule_as_not_met(qualification, link_worker, core_codes):
    checklist = qualification_checklist(link_worker, qualification)

    assert _items(checklist) == {
        CORE: (False, f"0 of {len(core_codes)}"),
        OBSERVATIONS: (False, "0 of 2"),
        DISCUSSION: (False, "not yet"),
        SUPERVISION: (False, "0 of 10"),
        CPD_POINTS: (False, "0 of 20"),
        CPD_FORMAL: (False, "0 of 10"),
    }
    assert checklist.items[0].label == CORE
    assert not checklist.eligible
    assert checklist.missing == [item.label for item in checklist.items]


def test_the_core_item_names_the_first_gaps_and_counts_the_rest(
    qualification, link_worker, core_codes
):
    core = qualification_checklist(link_worker, qualification).items[0]

    count, gaps = core.detail.split(": ", 1)
    named = gaps.split("; ")
    assert count == f"0 of {len(core_codes)}"
    assert len(named) == 4  # three gaps in words, then how many more
    assert all(gap.split(" ", 1)[0] in core_codes for gap in named[:3])
    assert named[3] == f"and {len(core_codes) - 3} more"


def test_everything_met_is_eligible(
    qualification, link_worker, assessor, second_assessor, assess, core_codes
):
    everything(assess, core_codes, link_worker, assessor, second_assessor)

    checklist = qualification_checklist(link_worker, qualification)

    assert len(core_codes) == 23
    assert _items(checklist) == {
        CORE: (True, "23 of 23"),
        OBSERVATIONS: (True, "2 of 2"),
        DISCUSSION: (True, "done"),
        SUPERVISION: (True, "10 of 10"),
        CPD_POINTS: (True, "20 of 20"),
        CPD_FORMAL: (True, "10 of 10"),
    }
    assert checklist.eligible
    assert checklist.missing == []


def test_one_core_competency_below_the_level_is_not_met(
    qualification, link_worker, meet, core_codes
):
    for code in core_codes:
        meet(code, level=2 if code == "SPLW-SAF-01" else 3)

    met, detail = _items(qualification_checklist(link_worker, qualification))[CORE]

    assert (met, detail) == (False, "22 of 23")


def test_retired_core_competencies_are_not_required(
    qualification, framework, link_worker, meet, core_codes
):
    for code in core_codes[1:]:
        meet(code)
    framework.competencies.filter(id_number=core_codes[0]).update(is_retired=True)

    met, detail = _items(qualification_checklist(link_worker, qualification))[CORE]

    assert (met, detail) == (True, "22 of 22")


def test_two_observations_by_the_same_assessor_count_once(
    qualification, link_worker, assess, second_assessor
):
    assess("SPLW-PCP-01", method="DOP", days_ago=20)
    assess("SPLW-PCP-01", method="DOP")
    assert _items(qualification_checklist(link_worker, qualification))[OBSERVATIONS] == (
        False,
        "1 of 2",
    )

    assess("SPLW-PCP-01", method="DOP", by=second_assessor)
    assert _items(qualification_checklist(link_worker, qualification))[OBSERVATIONS] == (
        True,
        "2 of 2",
    )


def test_superseded_assessments_do_not_count(
    qualification, link_worker, assessor, second_assessor, assess, methods
):
    assess("SPLW-PCP-01", method="DOP")
    observation = assess("SPLW-PCP-01", method="DOP", by=second_assessor)
    discussion = assess("SPLW-COM-02", method="PD")
    # The second observation corrected by the first assessor is theirs: one pair of eyes.
    for original, method in [(observation, "DOP"), (discussion, "WT")]:
        services.assessment_correct(
            original=original,
            assessor=assessor,
            level=3,
            method=methods[method],
            assessed_on=original.assessed_on,
            reason="Recorded under the wrong method or by the wrong assessor.",
        )

    items = _items(qualification_checklist(link_worker, qualification))

    assert items[OBSERVATIONS] == (False, "1 of 2")
    assert items[DISCUSSION] == (False, "not yet")


def test_observations_by_another_method_do_not_count(qualification, link_worker, assess):
    assess("SPLW-ROL-01", method="SIM")

    assert _items(qualification_checklist(link_worker, qualification))[OBSERVATIONS] == (
        False,
        "0 of 2",
    )


def test_extra_requirement_is_an_item_of_its_own(qualification, framework, link_worker, assess):
    competency = framework.competencies.get(id_number="SPLW-COM-03")
    QualificationRequirement.objects.create(
        qualification=qualification, competency=competency, min_level=3
    )
    label = "SPLW-COM-03 " + competency.short_name + " at level 3 or above"

    assert _items(qualification_checklist(link_worker, qualification))[label] == (
        False,
        "not assessed: needs a work-product review",
    )
    assess("SPLW-COM-03", level=2)
    assert _items(qualification_checklist(link_worker, qualification))[label] == (
        False,
        "level 2: needs a work-product review at level 3",
    )
    assess("SPLW-COM-03", level=3)
    assert _items(qualification_checklist(link_worker, qualification))[label] == (True, "level 3")


def test_only_confirmed_supervision_counts(qualification, link_worker, assessor):
    supervision(link_worker, assessor, 9)
    supervision(link_worker, assessor, 3, confirmed=False)
    assert _items(qualification_checklist(link_worker, qualification))[SUPERVISION] == (
        False,
        "9 of 10",
    )

    supervision(link_worker, assessor, 1)
    assert _items(qualification_checklist(link_worker, qualification))[SUPERVISION] == (
        True,
        "10 of 10",
    )


def test_cpd_points_and_formal_hours_are_separate_items(qualification, link_worker):
    cpd(link_worker, points=22, formal_hours=Decimal("7.5"))

    items = _items(qualification_checklist(link_worker, qualification))

    assert items[CPD_POINTS] == (True, "22 of 20")
    assert items[CPD_FORMAL] == (False, "7.5 of 10")


@pytest.mark.parametrize("count", [3, 20])
def test_fixed_number_of_queries(count, qualification, framework, link_worker, meet, core_codes):
    for code in core_codes[:count]:
        meet(code)
    fresh = qualifications_for(framework).get(pk=qualification.pk)

    with CaptureQueriesContext(connection) as queries:
        checklist = qualification_checklist(link_worker, fresh)
    _items(checklist)

    # The evidence rules (competencies, the methods, which each names, the method caps), the
    # assessments that count, assessors by method, named supervisors, supervision, CPD and the
    # extra requirements; the scale and observed competencies come with the qualification.
    assert len(queries) == 10


def test_same_queries_for_three_and_twenty_assessments(
    qualification, framework, link_worker, meet, core_codes
):
    def queries() -> int:
        fresh = qualifications_for(framework).get(pk=qualification.pk)
        with CaptureQueriesContext(connection) as captured:
            assert qualification_checklist(link_worker, fresh).items
        return len(captured)

    for code in core_codes[:3]:
        meet(code)
    few = queries()
    for code in core_codes[3:20]:
        meet(code)
    assert queries() == few


def test_trainers_and_reviewers_may_maintain_qualifications(db):
    for name in ["Trainers", "Curriculum reviewers"]:
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"add_qualification", "change_qualification"} <= codenames


# --- The page ---------------------------------------------------------------------------------

URL = "/progress/qualifications/"


def test_url_name():
    assert reverse("certificates:my_qualifications") == URL


def test_page_shows_the_checklist_to_a_link_worker(
    client, qualification, link_worker, demo_curriculum
):
    client.force_login(link_worker)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert qualification.title in html
    assert CORE in html
    assert "0 of 23" in html
    assert "Not yet" in html
    assert 'class="app-table-scroll" tabindex="0" role="region"' in html
    assert "ready to be certified" not in html


def test_page_says_when_ready_to_be_certified(
    client, qualification, link_worker, assessor, second_assessor, assess, core_codes
):
    everything(assess, core_codes, link_worker, assessor, second_assessor)
    client.force_login(link_worker)

    html = client.get(URL).content.decode()

    assert "You are ready to be certified" in html
    assert "Not yet" not in html
    assert html.count('nhsuk-tag--green">Done') == 6


def test_progress_page_links_to_the_checklist(client, qualification, link_worker):
    client.force_login(link_worker)

    assert URL in client.get(reverse("competencies:my_progress")).content.decode()


def test_page_is_for_link_workers_only(client, qualification, assessor):
    client.force_login(assessor)

    assert client.get(URL).status_code == 403


def test_page_needs_sign_in(client, qualification):
    response = client.get(URL)

    assert response.status_code == 302


# --- Demo ---------------------------------------------------------------------------------------


def test_demo_kwame_is_eligible_and_sian_is_not(db):
    call_command("load_demo_data")
    call_command("load_demo_data")  # idempotent
    qualification = Qualification.objects.get()
    assert qualification.code == "LWPC-CORE"

    kwame = qualification_checklist(
        User.objects.get(email="kwame.mensah@example.org"), qualification
    )
    sian = qualification_checklist(User.objects.get(email="linkworker@example.org"), qualification)

    assert kwame.eligible, kwame.missing
    assert not sian.eligible
    assert CORE in sian.missing


def test_an_observation_counts_even_when_a_later_one_sets_the_current_level(
    qualification, link_worker, assess, second_assessor
):
    assess("SPLW-PCP-01", method="DOP", by=second_assessor, days_ago=5)
    # A later observation, at a lower level, now sets PCP-01's level; the first still happened.
    assess("SPLW-PCP-01", method="DOP", level=2, days_ago=1)

    items = _items(qualification_checklist(link_worker, qualification))

    assert items[OBSERVATIONS] == (True, "2 of 2")
