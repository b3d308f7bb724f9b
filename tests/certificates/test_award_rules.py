"""The award's checklist as a UK assessor would sign it: observations of the named competencies,
a professional discussion by someone other than the named supervisor, supervision that is not
peer support, and CPD over the 12 months before the day judged."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.selectors import qualification_checklist
from competencies import services
from competencies.models import SupervisionKind
from tests.certificates.records import day
from workforce.models import Membership, Role
from workforce.services import membership_supervisor_set

pytestmark = pytest.mark.django_db


def _item(checklist, starts: str):
    return next(item for item in checklist.items if item.label.startswith(starts))


def _name_supervisor(manager, worker, supervisor):
    membership = Membership.objects.active_on().get(user=worker, role=Role.LINK_WORKER)
    membership_supervisor_set(actor=manager, membership=membership, supervisor=supervisor)


def test_observations_count_only_of_the_competencies_the_qualification_names(
    qualification, framework, assess, link_worker, assessor, second_assessor
):
    qualification.observation_competencies.set(
        [framework.competencies.get(id_number="SPLW-PCP-01")]
    )
    qualification.save()
    assess("SPLW-PCP-01", method="DOP", by=assessor)
    assess("SPLW-ROL-01", method="DOP", by=second_assessor)

    item = _item(qualification_checklist(link_worker, qualification), "Direct observations")

    assert item.label == "Direct observations by different assessors of SPLW-PCP-01"
    assert (item.met, item.detail) == (False, "1 of 2")

    assess("SPLW-PCP-01", method="DOP", by=second_assessor)

    item = _item(qualification_checklist(link_worker, qualification), "Direct observations")
    assert (item.met, item.detail) == (True, "2 of 2")


def test_a_professional_discussion_by_the_named_supervisor_does_not_count(
    qualification, assess, link_worker, assessor, second_assessor, manager
):
    _name_supervisor(manager, link_worker, assessor)
    assess("SPLW-COM-02", method="PD", by=assessor)

    item = _item(qualification_checklist(link_worker, qualification), "Professional discussion")
    assert (item.met, item.detail) == (
        False,
        "only by the named supervisor: needs another assessor",
    )

    assess("SPLW-COM-02", method="PD", by=second_assessor)

    item = _item(qualification_checklist(link_worker, qualification), "Professional discussion")
    assert (item.met, item.detail) == (True, "done")


def test_peer_supervision_does_not_count_towards_the_minimum(qualification, link_worker, assessor):
    for number, kind in enumerate(
        [SupervisionKind.PROFESSIONAL, SupervisionKind.DAY_TO_DAY, SupervisionKind.PEER]
    ):
        session = services.supervision_log(
            worker=link_worker,
            supervisor=assessor,
            held_on=day(10 + 30 * number),
            kind=kind,
            reflections="Talked through a case.",
        )
        services.supervision_confirm(session=session, supervisor=assessor)

    item = _item(qualification_checklist(link_worker, qualification), "Supervision sessions")

    assert item.detail == "2 of 10"


def test_cpd_counts_over_the_12_months_before_the_day_judged_not_the_calendar_year(
    qualification, link_worker
):
    # A renewal judged in January: last autumn's CPD still counts, last year's spring does not.
    judged_on = datetime.date(timezone.localdate().year, 1, 15)
    for done_on, points in [
        (datetime.date(judged_on.year - 1, 11, 20), "15"),
        (datetime.date(judged_on.year - 1, 1, 10), "30"),
    ]:
        services.cpd_log(
            worker=link_worker,
            done_on=done_on,
            activity="Accredited course",
            hours=Decimal(points),
            is_formal=True,
            points=Decimal(points),
        )

    checklist = qualification_checklist(link_worker, qualification, today=judged_on)

    assert _item(checklist, "CPD points").detail == "15 of 20"
    assert _item(checklist, "Formal CPD hours").detail == "15 of 10"


def test_the_core_rule_names_the_competency_and_what_it_still_needs(
    qualification, assess, link_worker
):
    assess("SPLW-SAF-02", method="KT", level=2)

    item = _item(qualification_checklist(link_worker, qualification), "Core competencies")

    assert not item.met
    # What is under way is named first.
    assert item.detail.startswith(
        "0 of 23: SPLW-SAF-02 needs a simulation or role-play as well as the knowledge test; "
    )
