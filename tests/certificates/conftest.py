"""Fixtures for certificate tests: the Core qualification and a link worker's records."""

import pytest

from certificates import demo as certificates_demo
from certificates.models import Qualification
from certificates.selectors import qualifications_for
from competencies import services
from curriculum.models import AssessmentMethod
from tests.certificates.records import day, everything, practice_method, signed_off
from tests.factories import MembershipFactory
from workforce.models import Role, User


@pytest.fixture
def qualification(framework) -> Qualification:
    """The brief's Core certificate: core at 3, 2 DOPs by 2 assessors, a PD, 10 sessions, CPD."""
    certificates_demo.load_qualification()
    return qualifications_for(framework).get(code=certificates_demo.CORE_CODE)


@pytest.fixture
def second_assessor(organisation) -> User:
    return MembershipFactory(organisation=organisation, role=Role.ASSESSOR).user


@pytest.fixture
def methods(demo_curriculum) -> dict[str, AssessmentMethod]:
    return {method.code: method for method in AssessmentMethod.objects.all()}


@pytest.fixture
def assess(framework, link_worker, assessor, methods):
    """Record an assessment of `code` for the link worker; method defaults to the first accepted."""

    def _assess(code, *, level=3, method=None, by=None, days_ago=1, worker=None):
        competency = framework.competencies.get(id_number=code)
        method = (
            method
            or practice_method(competency)
            or sorted(m.code for m in competency.required_methods.all())[0]
        )
        return services.assessment_record(
            worker=worker or link_worker,
            competency=competency,
            level=level,
            method=methods[method],
            assessed_on=day(days_ago),
            assessor=by or assessor,
        )

    return _assess


@pytest.fixture
def core_codes(framework) -> list[str]:
    return list(
        framework.competencies.filter(is_core=True, is_retired=False)
        .exclude(parent_id_number="")
        .order_by("sort_order")
        .values_list("id_number", flat=True)
    )


@pytest.fixture
def named_supervisor(organisation) -> User:
    """An assessor named as the link worker's supervisor, who countersigns their award."""
    return MembershipFactory(organisation=organisation, role=Role.ASSESSOR).user


@pytest.fixture
def eligible_records(
    qualification, link_worker, assessor, second_assessor, assess, core_codes
) -> User:
    """The link worker, with every record the Core certificate asks for, not yet signed off."""
    everything(assess, core_codes, link_worker, assessor, second_assessor)
    return link_worker


@pytest.fixture
def eligible_worker(
    qualification, link_worker, assessor, second_assessor, assess, core_codes, organisation
) -> User:
    """The link worker, with every record the Core certificate asks for, the award signed off by
    the assessor and countersigned by a named supervisor: a manager may issue it.

    (Only fixtures of tests/conftest.py besides those above: other apps' tests import this.)
    """
    everything(assess, core_codes, link_worker, assessor, second_assessor)
    supervisor = MembershipFactory(organisation=organisation, role=Role.ASSESSOR).user
    signed_off(link_worker, qualification, assessor=assessor, supervisor=supervisor)
    return link_worker
