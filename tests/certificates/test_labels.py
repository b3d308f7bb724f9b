"""Each rule of a qualification is worded in one place, and every list naming it reads that."""

import pytest

from certificates.models import Certificate, Qualification, QualificationRequirement
from certificates.selectors import qualification_checklist, renewal_checklist, renewal_conditions
from tests.certificates.records import day

pytestmark = pytest.mark.django_db

UPKEEP = [
    "Supervision sessions in the last 12 months (peer sessions do not count)",
    "CPD points in the last 12 months",
    "Formal CPD hours in the last 12 months",
]
RENEWAL_ASSESSMENTS = [
    "Direct observation of practice of SPLW-PCP-01 or SPLW-EMP-01 "
    "(a what-matters conversation or strengths-based practice)",
    "Case-based discussion of SPLW-EQU-02 (on a barriers case)",
]


def _renewal_requirements(qualification):
    return list(
        qualification.renewal_requirements.select_related("method").order_by("sort_order", "pk")
    )


def test_a_renewal_assessment_is_named_alike_on_the_checklist_and_the_certificate(
    qualification, link_worker
):
    certificate = Certificate(qualification=qualification, holder=link_worker, issued_on=day(90))
    labels = [requirement.label for requirement in _renewal_requirements(qualification)]

    checklist = renewal_checklist(certificate)

    assert labels == RENEWAL_ASSESSMENTS
    assert [item.label for item in checklist.items[: len(labels)]] == labels
    assert renewal_conditions(qualification)[1] == (
        "To renew every 3 years: " + "; ".join(labels) + "; 2 reflective accounts; "
        "the supervisor's confirmation."
    )


def test_the_award_and_its_renewal_name_supervision_and_cpd_alike(qualification, link_worker):
    certificate = Certificate(qualification=qualification, holder=link_worker, issued_on=day(90))

    award = qualification_checklist(link_worker, qualification)
    renewal = renewal_checklist(certificate)

    assert [item.label for item in award.items[-3:]] == UPKEEP
    assert [item.label for item in renewal.items[-3:]] == UPKEEP


def test_the_core_rule_and_a_named_competency_read_as_on_the_checklist(
    qualification, framework, link_worker
):
    qualification.all_core_at_level = 2
    qualification.save()
    requirement = QualificationRequirement.objects.create(
        qualification=qualification,
        competency=framework.competencies.get(id_number="SPLW-COM-03"),
        min_level=4,
    )

    labels = [item.label for item in qualification_checklist(link_worker, qualification).items]

    assert qualification.core_rule == "Core competencies at level 2 or above"
    assert requirement.label == (
        f"SPLW-COM-03 {requirement.competency.short_name} at level 4 or above"
    )
    assert labels[:2] == [qualification.core_rule, requirement.label]


@pytest.mark.parametrize(
    ("months", "words"),
    [(36, "3 years"), (24, "2 years"), (12, "year"), (18, "18 months"), (6, "6 months")],
)
def test_the_renewal_period_in_words(months, words):
    assert Qualification(validity_months=months).renewal_period == words
