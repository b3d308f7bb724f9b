"""The brief's qualification and demo certificates in every state, made through the services.

- Aisha (north): certified 1,058 days ago, so renewal is now due.
- Nguyễn Thị Hương (east): certified 1,090 days ago and renewed today: superseded and valid.
- Gurpreet (east): certified 1,200 days ago and never renewed: expired.
- Daniel (east): certified 400 days ago, then revoked.
Kwame (north) is eligible, signed off by Amara and countersigned by Owen, his named supervisor,
and left uncertified, for a manager to issue.

Every award is signed off by an assessor and countersigned by the worker's named supervisor
(north: Owen Price; east: Ifeoma Eze) on the day it was issued.

Aisha has shared her certificate, with its competency levels, for an interview; the link has
been opened once.
"""

import datetime

from django.utils import timezone

from competencies import services as competency_services
from competencies.demo import AISHA_CERTIFIED_DAYS_AGO, FRAMEWORK_ID, FULL_CPD, _Story
from competencies.models import EvidenceKind
from curriculum.models import AssessmentMethod, CompetencyFramework
from workforce.models import Membership, Role, User
from workforce.services import membership_supervisor_set

from . import services
from .models import Certificate, Qualification, RenewalRequirement, RevocationReason

CORE_CODE = "LWPC-CORE"


def load_qualification() -> tuple[Qualification, int]:
    """The Core certificate's rules, created unless they exist; and whether it was added."""
    existing = Qualification.objects.filter(code=CORE_CODE).first()
    if existing:
        return existing, 0
    methods = {m.code: m for m in AssessmentMethod.objects.filter(code__in=["DOP", "PD", "CBD"])}
    qualification = services.qualification_create(
        code=CORE_CODE,
        title="Link Worker Practice Certificate (Core)",
        description=(
            "Every core competency at level 3 or above, two direct observations by two different "
            "assessors and a professional discussion of your portfolio, with a year of "
            "supervision and CPD."
        ),
        framework=(framework := CompetencyFramework.objects.get(id_number=FRAMEWORK_ID)),
        all_core_at_level=3,
        min_direct_observations=2,
        observation_method=methods["DOP"],
        required_method=methods["PD"],
        min_supervision_sessions_12_months=10,
        min_cpd_points_year=20,
        min_cpd_formal_hours_year=10,
        validity_months=36,
        renewal_window_days=60,
        issuer_name="Link Worker Academy",
        signatory="Head of Training",
        renewal_reflective_accounts=2,
        # The brief: two observations of the what-matters conversation, by two assessors.
        observation_competencies=[framework.competencies.get(id_number="SPLW-PCP-01")],
        renewal_requirements=[
            RenewalRequirement(
                method=methods["DOP"],
                competency_codes="SPLW-PCP-01, SPLW-EMP-01",
                description="a what-matters conversation or strengths-based practice",
            ),
            RenewalRequirement(
                method=methods["CBD"],
                competency_codes="SPLW-EQU-02",
                description="on a barriers case",
            ),
        ],
    )
    return qualification, 1


def _day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def _qualify(story: _Story, worker: User, days_ago: int, assessors: tuple[User, User]) -> None:
    """A full record for the Core certificate, made in the weeks before `days_ago`."""
    first, second = assessors
    for index, code in enumerate(story.core_codes()):
        story.meet(worker, code, 3, days_ago + 60 - index * 2, assessor=first)
    story.assess(worker, "SPLW-PCP-01", 3, days_ago + 20, method="DOP", assessor=first)
    story.assess(worker, "SPLW-PCP-01", 3, days_ago + 15, method="DOP", assessor=second)
    story.assess(worker, "SPLW-COM-02", 3, days_ago + 10, method="PD", assessor=first)
    story.supervision(worker, 10, as_of_days_ago=days_ago, supervisor=first)
    story.cpd(worker, FULL_CPD, as_of_days_ago=days_ago)


def _keep_up_for_renewal(story: _Story, worker: User, assessor: User) -> None:
    """What renewal asks since the certificate was issued, all in the last few months."""
    story.assess(worker, "SPLW-PCP-01", 4, 50, method="DOP", assessor=assessor)
    story.assess(worker, "SPLW-EQU-02", 3, 45, method="CBD", assessor=assessor)
    for title, text in (
        (
            "Stepping back so a group can take over",
            "I handed the coffee morning to its volunteers and now visit monthly.",
        ),
        (
            "An interpreter, not a relative",
            "I booked a professional interpreter rather than relying on the person's son.",
        ),
    ):
        reflection = competency_services.evidence_submit(
            worker=worker,
            kind=EvidenceKind.REFLECTIVE_ACCOUNT,
            title=title,
            text=text,
            competencies=[story.competencies["SPLW-EQU-03"]],
        )
        competency_services.evidence_accept(
            evidence=reflection,
            reviewer=assessor,
            competency=story.competencies["SPLW-EQU-03"],
            level=3,
            method=story.methods["RFA"],
            assessed_on=_day(5),
        )
    story.supervision(worker, 11, supervisor=assessor)
    story.cpd(worker, FULL_CPD)


def _named_supervisor(manager: User, worker: User, supervisor: User) -> User:
    """The worker's named supervisor: `supervisor`, unless one is named already."""
    membership = Membership.objects.active_on().get(user=worker, role=Role.LINK_WORKER)
    if membership.supervisor is None:
        membership_supervisor_set(actor=manager, membership=membership, supervisor=supervisor)
    return membership.supervisor


def _signed_off(
    qualification: Qualification, worker: User, assessor: User, supervisor: User, days_ago: int
) -> None:
    """The award signed off by `assessor` and countersigned by the named supervisor that day."""
    sign_off = services.award_sign_off(
        assessor=assessor, worker=worker, qualification=qualification, signed_on=_day(days_ago)
    )
    services.award_countersign(
        supervisor=supervisor, sign_off=sign_off, countersigned_on=_day(days_ago)
    )


def load() -> dict[str, int]:
    """Create the qualification, the demo certificates and Aisha's share link unless they
    exist."""
    qualification, added = load_qualification()
    return {
        "qualifications": added,
        "certificates": _load_certificates(qualification),
    }


AISHA_EMAIL = "aisha.khan@example.org"


def _load_certificates(qualification: Qualification) -> int:
    """The demo certificates in every state, unless there are certificates already; how many
    were issued."""
    if Certificate.objects.exists():
        return 0
    people = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
    north_manager = people["manager@example.org"]
    east_manager = people["east.manager@example.org"]
    east_assessors = (people["east.assessor@example.org"], people["ifeoma.eze@example.org"])
    story = _Story(CompetencyFramework.objects.get(id_number=FRAMEWORK_ID))
    issued = 0
    # Who signs off: an assessor who is not the worker's named supervisor.
    north_sign_off, east_sign_off = story.amara, east_assessors[0]
    supervisors = {north_manager: story.owen, east_manager: east_assessors[1]}

    def issue(manager: User, worker: User, days_ago: int) -> Certificate:
        nonlocal issued
        issued += 1
        supervisor = _named_supervisor(manager, worker, supervisors[manager])
        assessor = north_sign_off if manager == north_manager else east_sign_off
        _signed_off(qualification, worker, assessor, supervisor, days_ago)
        return services.certificate_issue(
            actor=manager, worker=worker, qualification=qualification, issued_on=_day(days_ago)
        )

    # Aisha's records come from competencies.demo; renewal is due now.
    issue(north_manager, people[AISHA_EMAIL], AISHA_CERTIFIED_DAYS_AGO)

    huong = people["east.linkworker@example.org"]
    _qualify(story, huong, 1090, east_assessors)
    first = issue(east_manager, huong, 1090)
    _keep_up_for_renewal(story, huong, east_assessors[0])
    _signed_off(qualification, huong, east_sign_off, east_assessors[1], 0)
    services.certificate_renew(actor=east_manager, certificate=first)
    issued += 1

    gurpreet = people["gurpreet.sandhu@example.org"]
    _qualify(story, gurpreet, 1200, east_assessors)
    issue(east_manager, gurpreet, 1200)

    daniel = people["daniel.reyes@example.org"]
    _qualify(story, daniel, 400, east_assessors)
    revoked = issue(east_manager, daniel, 400)
    services.certificate_revoke(
        actor=east_manager,
        certificate=revoked,
        reason=RevocationReason.ISSUED_IN_ERROR,
        details=("The professional discussion it relied on was recorded against the wrong person."),
    )

    # Kwame's award is signed off and countersigned today, ready for a manager to issue.
    kwame = people["kwame.mensah@example.org"]
    supervisor = _named_supervisor(north_manager, kwame, story.owen)
    _signed_off(qualification, kwame, north_sign_off, supervisor, 0)
    return issued
