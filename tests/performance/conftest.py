"""A small world that grows: the rows whose number a page's cost must not follow.

Records are made through the services where that is cheap (assessments, evidence, supervision,
CPD), so the pages read what people would have made; certificates are copied from one issued row
without rendering a PDF each (the register reads rows, never files).
"""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates import demo as certificates_demo
from certificates.models import AwardSignOff, Certificate, Qualification
from certificates.selectors import qualifications_for
from competencies import services
from competencies.models import (
    Assessment,
    EvidenceKind,
    SupervisionKind,
)
from curriculum.models import Competency
from curriculum.selectors import current_version
from tests.factories import MembershipFactory
from workforce.models import Membership, Organisation, Role, User

_numbers = itertools.count(1)


def day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def queries(client, url: str, *, status: int = 200) -> int:
    """How many queries one GET of `url` takes."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return len(captured)


class World:
    """An organisation with its people and a way to add any number of records to it."""

    def __init__(self, organisation: Organisation, framework):
        self.organisation = organisation
        self.framework = framework
        self.assessor = self.person(Role.ASSESSOR)
        self.manager = self.person(Role.MANAGER)
        self.link_worker = self.person(Role.LINK_WORKER)
        self.competencies = list(
            Competency.objects.filter(framework=framework)
            .assessable()
            .prefetch_related("accepted_methods", "required_methods")
            .order_by("sort_order")
        )
        self._qualification: Qualification | None = None

    def person(self, role: Role, organisation: Organisation | None = None) -> User:
        return MembershipFactory(organisation=organisation or self.organisation, role=role).user

    def workers(self, count: int) -> list[User]:
        return [self.person(Role.LINK_WORKER) for _ in range(count)]

    def _method(self, competency: Competency):
        methods = list(competency.required_methods.all()) or list(competency.accepted_methods.all())
        return sorted(methods, key=lambda m: m.code)[0]

    def assess(self, worker: User, count: int = 3, **extra) -> list[Assessment]:
        """`count` assessments of `worker`, each of the next competency, at level 1."""
        made = []
        assessor = extra.pop("assessor", None) or self.assessor
        for index in range(count):
            competency = self.competencies[index % len(self.competencies)]
            made.append(
                services.assessment_record(
                    worker=worker,
                    competency=competency,
                    level=1,
                    method=self._method(competency),
                    assessed_on=day(1 + index),
                    assessor=assessor,
                    **extra,
                )
            )
        return made

    def evidence(self, worker: User, count: int = 2):
        return [
            services.evidence_submit(
                worker=worker,
                kind=EvidenceKind.REFLECTIVE_ACCOUNT,
                title=f"Reflection {next(_numbers)}",
                text="What I learnt.",
                competencies=self.competencies[:2],
            )
            for _ in range(count)
        ]

    def sessions(self, worker: User, count: int = 2, *, confirmed: bool = True):
        made = []
        for index in range(count):
            session = services.supervision_log(
                worker=worker,
                supervisor=self.assessor,
                held_on=day(5 + index),
                kind=SupervisionKind.PROFESSIONAL,
                reflections="Talked through a case.",
            )
            if confirmed:
                services.supervision_confirm(session=session, supervisor=self.assessor)
            made.append(session)
        return made

    def cpd(self, worker: User, count: int = 2, *, evidence=None):
        return [
            services.cpd_log(
                worker=worker,
                done_on=day(index),
                activity="Accredited course",
                hours=Decimal("2"),
                is_formal=True,
                points=Decimal("2"),
                evidence=evidence,
            )
            for index in range(count)
        ]

    @property
    def qualification(self) -> Qualification:
        if self._qualification is None:
            certificates_demo.load_qualification()
            self._qualification = qualifications_for(self.framework).get(
                code=certificates_demo.CORE_CODE
            )
        return self._qualification

    def certificate(self, worker: User, *, days_ago: int = 30, **fields) -> Certificate:
        """A certificate row for `worker` as an issue would leave it (no PDF rendered)."""
        number = next(_numbers)
        issued_on = day(days_ago)
        return Certificate.objects.create(
            **{
                "number": f"LWA-PERF-{number:06d}",
                "verification_code": f"{number:032d}",
                "holder": worker,
                "qualification": self.qualification,
                "employer": self.organisation,
                "framework_version": current_version(self.framework),
                "holder_name": worker.full_name,
                "employer_name": self.organisation.name,
                "qualification_title": self.qualification.title,
                "issuer_name": self.qualification.issuer_name,
                "issued_on": issued_on,
                "expires_on": issued_on + datetime.timedelta(days=3 * 365),
                "renewal_due_on": issued_on + datetime.timedelta(days=3 * 365 - 60),
                "snapshot": {"competencies": [], "signoffs": []},
                "pdf": f"certificates/perf-{number}.pdf",
                "pdf_sha256": f"{number:064d}",
                "issued_by": self.manager,
            }
            | fields
        )

    def sign_off(
        self, worker: User, *, supervisor: User | None = None, countersigned: bool = True
    ) -> AwardSignOff:
        """A fresh sign-off row of the qualification for `worker`, `supervisor` named (its rules
        are the services' to test; pages only read it)."""
        supervisor = supervisor or self.person(Role.ASSESSOR)
        Membership.objects.filter(user=worker, role=Role.LINK_WORKER).update(supervisor=supervisor)
        return AwardSignOff.objects.create(
            holder=worker,
            qualification=self.qualification,
            assessor=self.assessor,
            countersigned_by=supervisor if countersigned else None,
            countersigned_at=timezone.now() if countersigned else None,
        )


@pytest.fixture
def world(db, organisation, framework) -> World:
    return World(organisation, framework)
