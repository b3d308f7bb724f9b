"""Fixtures for the manager's oversight pages: the Core qualification and teams of any size."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates import demo as certificates_demo
from certificates.models import Qualification
from certificates.selectors import qualifications_for
from competencies import services
from competencies.models import SupervisionKind
from curriculum.models import AssessmentMethod
from tests.factories import MembershipFactory
from workforce.models import Role, User


def day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


@pytest.fixture
def qualification(framework) -> Qualification:
    certificates_demo.load_qualification()
    return qualifications_for(framework).get(code=certificates_demo.CORE_CODE)


@pytest.fixture
def methods(demo_curriculum) -> dict[str, AssessmentMethod]:
    return {method.code: method for method in AssessmentMethod.objects.all()}


@pytest.fixture
def assess(framework, assessor, methods):
    """Record an assessment of `code` for `worker` (by the organisation's assessor)."""

    def _assess(worker, code, *, level=3, method=None, by=None, days_ago=1):
        """With no method, whatever the competency's evidence rule asks for at `level`: each
        "all of" method and the first "any of" one, each within its cap."""
        competency = framework.competencies.get(id_number=code)
        if method is not None:
            chosen = [method]
        else:
            chosen = sorted(m.code for m in competency.required_methods.all())
            chosen += sorted(m.code for m in competency.accepted_methods.all())[:1]
        caps = dict(framework.method_caps.values_list("method__code", "max_level"))
        for code_ in chosen:
            assessment = services.assessment_record(
                worker=worker,
                competency=competency,
                level=min(level, caps.get(code_, level)),
                method=methods[code_],
                assessed_on=day(days_ago),
                assessor=by or assessor,
            )
        return assessment

    return _assess


@pytest.fixture
def supervise(assessor):
    def _supervise(worker, *, days_ago=10, confirmed=True):
        session = services.supervision_log(
            worker=worker,
            supervisor=assessor,
            held_on=day(days_ago),
            kind=SupervisionKind.PROFESSIONAL,
            reflections="Talked through a step-down plan.",
        )
        if confirmed:
            services.supervision_confirm(session=session, supervisor=assessor)
        return session

    return _supervise


@pytest.fixture
def log_cpd():
    def _log(worker, *, points="5", formal=True, days_ago=0):
        done_on = max(day(days_ago), timezone.localdate().replace(month=1, day=1))
        return services.cpd_log(
            worker=worker,
            done_on=done_on,
            activity="Accredited course",
            hours=Decimal(points),
            is_formal=formal,
            points=Decimal(points),
        )

    return _log


@pytest.fixture
def grow_team(organisation, assess, supervise, log_cpd, framework):
    """Add `size` link workers to the organisation, each with assessments (one corrected),
    supervision and CPD, so a page has something per worker to read."""
    codes = list(
        framework.competencies.exclude(parent_id_number="")
        .order_by("sort_order")
        .values_list("id_number", flat=True)[:4]
    )

    def _grow(size: int) -> list[User]:
        workers = []
        for _ in range(size):
            worker = MembershipFactory(organisation=organisation, role=Role.LINK_WORKER).user
            for index, code in enumerate(codes):
                assess(worker, code, level=2 + index % 3, days_ago=30 - index)
            first = assess(worker, codes[0], level=1, days_ago=5)
            services.assessment_correct(
                original=first,
                assessor=first.assessor,
                level=4,
                method=first.method,
                assessed_on=first.assessed_on,
                reason="The first audit was read wrongly.",
            )
            supervise(worker, days_ago=20)
            log_cpd(worker)
            workers.append(worker)
        return workers

    return _grow
