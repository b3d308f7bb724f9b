"""The access matrix's world: two organisations, every kind of actor, and the target's records.

The target is a current link worker of organisation A; every URL parameter is filled with an
object that belongs to them (or to organisation A), so each actor's answer says whether they may
reach the target's things. Names and emails of the target carry MARKER, which no page shown to
someone outside the target's scope may contain.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page, Site
from wagtail.signal_handlers import disable_reference_index_auto_update

from certificates import demo as certificates_demo
from certificates.models import BulkIssue, Certificate, Qualification
from competencies import services
from competencies.import_rows import ImportReport
from competencies.models import (
    Assessment,
    AssessmentImport,
    Evidence,
    EvidenceKind,
    ImportStatus,
    SupervisionKind,
    SupervisionSession,
)
from credentials.services import credential_sign
from curriculum import demo as curriculum_demo
from curriculum.models import AssessmentMethod, Competency, CompetencyFramework, CurriculumPage
from sharing.services import share_link_create
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.kept import rewriting_kept_records
from workforce.models import Membership, Organisation, Role, User
from workforce.permissions import CURRICULUM_REVIEWERS_GROUP, TRAINERS_GROUP

MARKER = "zebedee"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _days_from_today() -> None:
    """TODAY and the days around it, as of now: set again by each build, since a test run may
    cross midnight and the app's own "today" with it."""
    global TODAY, YESTERDAY, TOMORROW, LONG_AGO
    TODAY = timezone.localdate()
    YESTERDAY = TODAY - datetime.timedelta(days=1)
    TOMORROW = TODAY + datetime.timedelta(days=1)
    LONG_AGO = TODAY - datetime.timedelta(days=900)


_days_from_today()

# Every actor of the matrix, in the order its failures are reported.
ACTORS = (
    "anonymous",
    "worker",  # the target: a current link worker of A
    "worker_b",
    "assessor",
    "assessor_former",
    "assessor_future",
    "assessor_moved",  # left A yesterday, still an assessor in B
    "assessor_b",
    "manager",
    "manager_former",
    "manager_future",
    "manager_moved",  # left A yesterday, still a manager in B
    "manager_b",
    "iqa",  # an internal quality assurer of A
    "iqa_b",
    "trainer",
    "reviewer",
    "superuser",
)
ADMIN_ACTORS = frozenset({"trainer", "reviewer", "superuser"})


@dataclass
class World:
    """Everyone and everything the matrix's URLs are filled from."""

    org_a: Organisation
    org_b: Organisation
    people: dict[str, User]
    framework: CompetencyFramework
    curriculum: CurriculumPage
    competency: Competency
    method: AssessmentMethod
    qualification: Qualification
    assessment: Assessment
    countersign: Assessment
    evidence: Evidence
    session: SupervisionSession
    certificate: Certificate
    bulk: BulkIssue
    assessment_import: AssessmentImport
    membership: Membership
    objects: dict = field(default_factory=dict)

    @property
    def target(self) -> User:
        return self.people["worker"]


def _person(name: str, *memberships, **fields) -> User:
    user = UserFactory(full_name=name, **fields)
    for organisation, role, starts_on, ends_on in memberships:
        MembershipFactory(
            user=user, organisation=organisation, role=role, starts_on=starts_on, ends_on=ends_on
        )
    return user


def checked_import(
    creator: User, target: User, assessor: User, competency: Competency
) -> AssessmentImport:
    """A checked import naming the target, as the import pages store one."""
    _days_from_today()
    row = {
        "row": 2,
        "outcome": "new",
        "worker": str(target),
        "worker_email": target.email,
        "competency": competency.id_number,
        "level": 2,
        "level_name": "",
        "method": "DOP",
        "assessed_on": YESTERDAY.isoformat(),
        "assessor": str(assessor),
        "errors": [],
    }
    report = ImportReport(filename="team.csv", rows=[row])
    return AssessmentImport.objects.create(
        created_by=creator,
        filename="team.csv",
        data=b"worker_email\n",
        sha256="0" * 64,
        status=ImportStatus.READY,
        total_rows=1,
        processed_rows=1,
        report=report.to_json(),
    )


def build() -> World:
    """Build the world in the current test's database (a second or two)."""
    _days_from_today()
    a, b = OrganisationFactory(name="Organisation A"), OrganisationFactory(name="Organisation B")
    current, former = (LONG_AGO, None), (LONG_AGO, YESTERDAY)
    people = {
        "worker": _person(
            "Zebedee Target", (a, Role.LINK_WORKER, *current), email="zebedee@example.org"
        ),
        "worker_b": _person("Brenda Worker", (b, Role.LINK_WORKER, *current)),
        "assessor": _person("Alice Assessor", (a, Role.ASSESSOR, *current)),
        "assessor_former": _person("Fay Former Assessor", (a, Role.ASSESSOR, *former)),
        "assessor_future": _person("Fred Future Assessor", (a, Role.ASSESSOR, TOMORROW, None)),
        "assessor_moved": _person(
            "Mo Moved Assessor", (a, Role.ASSESSOR, *former), (b, Role.ASSESSOR, *current)
        ),
        "assessor_b": _person("Bea Assessor", (b, Role.ASSESSOR, *current)),
        "manager": _person("Martha Manager", (a, Role.MANAGER, *current)),
        "manager_former": _person("Frank Former Manager", (a, Role.MANAGER, *former)),
        "manager_future": _person("Flo Future Manager", (a, Role.MANAGER, TOMORROW, None)),
        "manager_moved": _person(
            "Max Moved Manager", (a, Role.MANAGER, *former), (b, Role.MANAGER, *current)
        ),
        "manager_b": _person("Ben Manager", (b, Role.MANAGER, *current)),
        "iqa": _person("Ivy Quality Assurer", (a, Role.IQA, *current)),
        "iqa_b": _person("Ian Quality Assurer", (b, Role.IQA, *current)),
        "trainer": _person("Tess Trainer"),
        "reviewer": _person("Rhys Reviewer"),
        "superuser": _person("Sue Superuser", is_superuser=True, is_staff=True),
    }
    # Not an actor: makes the assessments the current assessor is asked to countersign.
    colleague = _person("Colin Colleague", (a, Role.ASSESSOR, *current))
    people["trainer"].groups.add(Group.objects.get(name=TRAINERS_GROUP))
    people["reviewer"].groups.add(Group.objects.get(name=CURRICULUM_REVIEWERS_GROUP))
    target = people["worker"]

    with disable_reference_index_auto_update():
        curriculum_demo.load()
        certificates_demo.load_qualification()
    curriculum = CurriculumPage.objects.get()
    framework = curriculum.framework
    qualification = Qualification.objects.get(code=certificates_demo.CORE_CODE)
    competency = (
        framework.competencies.filter(is_core=True, is_retired=False)
        .exclude(parent_id_number="")
        .order_by("sort_order")
        .first()
    )
    method = competency.accepted_methods.order_by("code").first()

    def assess(countersigner: User | None = None) -> Assessment:
        assessor = people["assessor"] if countersigner is None else colleague
        return services.assessment_record(
            worker=target,
            competency=competency,
            level=2,
            method=method,
            assessed_on=YESTERDAY - datetime.timedelta(days=2),
            assessor=assessor,
            countersign_requested_from=countersigner,
        )

    assessment = assess()
    countersign = assess(people["assessor"])
    # Asked of the moved assessor while they were still in A: their list must drop it now.
    asked_of_moved = assess(people["assessor"])
    with rewriting_kept_records():
        Assessment.objects.filter(pk=asked_of_moved.pk).update(
            countersign_requested_from=people["assessor_moved"]
        )
    evidence = services.evidence_submit(
        worker=target,
        kind=EvidenceKind.DOCUMENT,
        title="Zebedee's reflection",
        competencies=[competency],
        upload=SimpleUploadedFile("reflection.pdf", PDF, content_type="application/pdf"),
    )

    def session(supervisor: User) -> SupervisionSession:
        return services.supervision_log(
            worker=target,
            supervisor=supervisor,
            held_on=YESTERDAY - datetime.timedelta(days=3),
            kind=SupervisionKind.PROFESSIONAL,
            reflections="Talked through a case.",
        )

    supervision = session(people["assessor"])
    session(people["assessor_moved"])  # logged while they supervised in A

    certificate = Certificate.objects.create(
        number="LWA-MATRIX-0001",
        verification_code="m" * 32,
        holder=target,
        qualification=qualification,
        employer=a,
        framework_version=assessment.framework_version,
        holder_name=target.full_name,
        employer_name=a.name,
        qualification_title=qualification.title,
        issuer_name="Link Worker Academy",
        issued_on=YESTERDAY,
        expires_on=TODAY + datetime.timedelta(days=700),
        renewal_due_on=TODAY + datetime.timedelta(days=600),
        snapshot={
            "curriculum": "SPLW framework, version 1",
            "competencies": [],
            "signoffs": [],
            "renewal_conditions": [],
            "qualification_description": "",
        },
        pdf=ContentFile(b"%PDF-1.7 matrix", name="matrix.pdf"),
        pdf_sha256="1" * 64,
        issued_by=people["manager"],
    )
    # Made here without the issuing service, so signed here as the service would have.
    credential_sign(certificate=certificate)
    bulk = BulkIssue.objects.create(
        requested_by=people["manager"], qualification=qualification, worker_ids=[target.pk]
    )
    assessment_import = checked_import(people["manager"], target, people["assessor"], competency)

    world = World(
        org_a=a,
        org_b=b,
        people=people,
        framework=framework,
        curriculum=curriculum,
        competency=competency,
        method=method,
        qualification=qualification,
        assessment=assessment,
        countersign=countersign,
        evidence=evidence,
        session=supervision,
        certificate=certificate,
        bulk=bulk,
        assessment_import=assessment_import,
        membership=target.memberships.get(),
    )
    document = get_document_model().objects.create(
        title="Matrix handout", file=ContentFile(b"A public handout.", name="handout.txt")
    )
    world.objects.update(
        # The target shares their certificate (the share link pages and the shared page).
        share_link=share_link_create(
            holder=target, certificate=certificate, label="For the matrix", detail="levels"
        ),
        document=document,
        page=curriculum,
        root_page=Page.objects.get(depth=1),
        site=Site.objects.get(),
        collection=Collection.get_first_root_node(),
        trainers=Group.objects.get(name=TRAINERS_GROUP),
    )
    return world
