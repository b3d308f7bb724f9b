"""Fixtures for internal quality assurance: IQAs in and out of the organisation, assessments."""

import datetime

import pytest
from django.utils import timezone

from competencies import services
from curriculum.models import AssessmentMethod
from tests.factories import MembershipFactory
from workforce.models import Role


def day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


@pytest.fixture
def iqa(organisation):
    return MembershipFactory(organisation=organisation, role=Role.IQA).user


@pytest.fixture
def outside_iqa(other_organisation):
    return MembershipFactory(organisation=other_organisation, role=Role.IQA).user


@pytest.fixture
def methods(framework) -> dict[str, AssessmentMethod]:
    return {method.code: method for method in AssessmentMethod.objects.all()}


@pytest.fixture
def assess(framework, assessor, link_worker, methods):
    """Record an assessment (SPLW-ROL-01 by direct observation unless told otherwise)."""

    def _assess(*, worker=None, by=None, code="SPLW-ROL-01", level=3, method="DOP", days_ago=1):
        return services.assessment_record(
            worker=worker or link_worker,
            competency=framework.competencies.get(id_number=code),
            level=level,
            method=methods[method],
            assessed_on=day(days_ago),
            assessor=by or assessor,
            notes="Observed a first conversation with a new referral.",
        )

    return _assess
