"""Fixtures for the competencies tests: methods and competencies from the demo framework."""

import pytest
from django.utils import timezone

from curriculum.models import AssessmentMethod, Competency


@pytest.fixture
def methods(demo_curriculum) -> dict[str, AssessmentMethod]:
    return {method.code: method for method in AssessmentMethod.objects.all()}


@pytest.fixture
def competency(framework) -> Competency:
    """SPLW-ROL-01, assessed by DOP or SIM; core and part of the safe-to-practise milestone."""
    return framework.competencies.get(id_number="SPLW-ROL-01")


@pytest.fixture
def record(assessor, link_worker, competency, methods):
    """Record an assessment with sensible defaults; override any argument."""
    import datetime

    from competencies import services

    def _record(**overrides):
        arguments = {
            "worker": link_worker,
            "competency": competency,
            "level": 3,
            "method": methods["DOP"],
            "assessed_on": timezone.localdate() - datetime.timedelta(days=1),
            "assessor": assessor,
        } | overrides
        return services.assessment_record(**arguments)

    return _record
