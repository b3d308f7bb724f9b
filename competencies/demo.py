"""Demo records that tell a believable story for link workers at different stages.

- Siân (linkworker@): seven months in, about half way, with evidence waiting for review; no
  supervision confirmed for two months; held back from the safe-to-practise milestone by
  SAF-02, where she has the knowledge test but still needs a simulation (SAF-04, new to the
  milestone in edition 2, she has met with a knowledge test and a case discussion); a
  work-product review her manager imported in Amara's name waits for Amara to confirm it.
- Łucja: a new starter, three weeks in.
- Kwame: everything the Core certificate asks for under each competency's evidence rule, ready
  to be signed off, countersigned and certified.
- Aisha: qualified almost three years ago, so her certificate is close to renewal, and her
  information governance e-learning refresher is overdue.
Each works with Owen Price as named supervisor; Amara Okafor assesses. Dates are relative to
today, so the story stays true whenever the demo is loaded. The core competencies are read from
the framework as published, so SAF-04 and EQU-04 (core from edition 2) are met by their evidence
rules like the others: a knowledge test and a case-based discussion, a direct observation.
"""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from curriculum.models import AssessmentMethod, CompetencyFramework, MethodCap
from workforce.models import Membership, Role, User
from workforce.services import membership_supervisor_set

from . import services
from .models import Assessment, EvidenceKind, SupervisionKind

FRAMEWORK_ID = "SPLW-CORE"


def _day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def _practice_first(codes) -> list[str]:
    """Method codes in order, recognition of prior learning last: the demo's people are
    assessed in practice unless a story says otherwise."""
    return sorted(codes, key=lambda code: (code == "RPL", code))


class _Story:
    def __init__(self, framework: CompetencyFramework):
        self.competencies = {
            c.id_number: c
            for c in framework.competencies.prefetch_related("accepted_methods", "required_methods")
        }
        self.methods = {m.code: m for m in AssessmentMethod.objects.all()}
        self.caps = {
            cap.method.code: cap.max_level
            for cap in MethodCap.objects.filter(framework=framework).select_related("method")
        }
        self.amara = User.objects.get(email="assessor@example.org")
        self.owen = User.objects.get(email="owen.price@example.org")
        self.meera = User.objects.get(email="manager@example.org")

    def name_supervisor(self, worker: User, supervisor: User) -> None:
        membership = Membership.objects.active_on().get(user=worker, role=Role.LINK_WORKER)
        membership_supervisor_set(actor=self.meera, membership=membership, supervisor=supervisor)

    def meet(self, worker, code, level, days_ago, *, assessor=None) -> None:
        """Record what the competency's evidence rule asks for at `level`: each "all of"
        method, and the first "any of" one, each within its cap."""
        competency = self.competencies[code]
        methods = sorted(m.code for m in competency.required_methods.all())
        methods += _practice_first(m.code for m in competency.accepted_methods.all())[:1]
        for offset, method in enumerate(methods):
            cap = self.caps.get(method)
            self.assess(
                worker,
                code,
                level if cap is None else min(level, cap),
                days_ago + offset,
                method=method,
                assessor=assessor,
            )

    def assess(self, worker, code, level, days_ago, *, method=None, assessor=None, **extra):
        competency = self.competencies[code]
        named = competency.accepted_methods.all() or competency.required_methods.all()
        method_code = method or _practice_first(m.code for m in named)[0]
        return services.assessment_record(
            worker=worker,
            competency=competency,
            level=level,
            method=self.methods[method_code],
            assessed_on=_day(days_ago),
            assessor=assessor or self.amara,
            **extra,
        )

    def core_codes(self) -> list[str]:
        return [code for code, c in self.competencies.items() if c.is_core]

    def supervision(
        self, worker, months: int, *, confirmed=True, as_of_days_ago=0, supervisor=None
    ):
        supervisor = supervisor or self.amara
        for month in range(months):
            session = services.supervision_log(
                worker=worker,
                supervisor=supervisor,
                held_on=_day(as_of_days_ago + 15 + 30 * month),
                kind=SupervisionKind.PROFESSIONAL if month % 3 else SupervisionKind.GROUP,
                reflections=(
                    "Talked through two open-ended episodes and how to plan a step-down "
                    "with each person, with a route back if things change."
                ),
                agreed_actions="Book a warm handover with the walking group; review in a month.",
            )
            if confirmed:
                services.supervision_confirm(session=session, supervisor=supervisor)

    def cpd(self, worker, entries, *, as_of_days_ago=0):
        for days_ago, activity, hours, formal, points in entries:
            services.cpd_log(
                worker=worker,
                done_on=_day(as_of_days_ago + days_ago),
                activity=activity,
                hours=Decimal(hours),
                is_formal=formal,
                points=Decimal(points),
                reflection="What I will do differently: ask about transport and cost earlier.",
            )


FULL_CPD = [
    (
        20,
        "Personalised Care Institute accredited course: motivational conversations",
        "6",
        True,
        "6",
    ),
    (60, "e-Learning for Healthcare: social prescribing for link workers", "4", True, "4"),
    (90, "Safeguarding adults level 2 refresher", "3", True, "3"),
    (120, "Peer-support network meeting", "2", False, "2"),
    (150, "Shadowing a debt advice service", "4", False, "4"),
    (180, "Reading and reflection: information governance updates", "2", False, "2"),
    (200, "Community asset mapping workshop", "3", False, "3"),
]


def _kwame(story: _Story, worker: User) -> None:
    """Eligible: every core competency's evidence rule met at proficiency, two observations of
    PCP-01 by two assessors, a professional discussion by an assessor who is not his named
    supervisor."""
    story.name_supervisor(worker, story.owen)
    for index, code in enumerate(story.core_codes()):
        story.meet(worker, code, 3 if index % 3 else 4, 300 - index * 10)
    story.assess(worker, "SPLW-PCP-01", 3, 40, method="DOP", assessor=story.owen)
    story.assess(worker, "SPLW-COM-02", 3, 30, method="PD")
    reflection = services.evidence_submit(
        worker=worker,
        kind=EvidenceKind.REFLECTIVE_ACCOUNT,
        title="Building confidence rather than dependence",
        text=(
            "I noticed I had started booking every appointment for Mr B. In supervision we "
            "agreed I would coach him to make the next call himself. He did, and went to the "
            "men's shed on his own the week after."
        ),
        competencies=[story.competencies["SPLW-EMP-01"], story.competencies["SPLW-EMP-03"]],
    )
    services.evidence_accept(
        evidence=reflection,
        reviewer=story.amara,
        competency=story.competencies["SPLW-EMP-01"],
        level=4,
        method=story.methods["RFA"],
        assessed_on=_day(10),
        notes="A thoughtful account of stepping back; shared with the team as an example.",
    )
    story.supervision(worker, 11, supervisor=story.owen)
    story.cpd(worker, FULL_CPD)


# Aisha was certified this many days ago (certificates.demo issues it), so renewal is now due.
AISHA_CERTIFIED_DAYS_AGO = 1058


def _aisha(story: _Story, worker: User) -> None:
    """Qualified almost three years ago: her records, supervision and CPD of that year date from
    then; since then she keeps up supervision and CPD. Her information governance e-learning
    dates from then too, so its 12-month refresher is long overdue."""
    story.name_supervisor(worker, story.owen)
    for index, code in enumerate(story.core_codes()):
        story.meet(worker, code, 3, 1100 - index)
    story.assess(worker, "SPLW-PCP-01", 3, 1080, method="DOP", assessor=story.owen)
    story.assess(worker, "SPLW-COM-02", 3, 1075, method="PD")
    story.supervision(worker, 10, as_of_days_ago=AISHA_CERTIFIED_DAYS_AGO, supervisor=story.owen)
    story.cpd(worker, FULL_CPD, as_of_days_ago=AISHA_CERTIFIED_DAYS_AGO)
    story.supervision(worker, 10, supervisor=story.owen)
    story.cpd(worker, FULL_CPD[:6])


def _sian(story: _Story, worker: User) -> None:
    """Half way, other modules under way; the safe-to-practise milestone waits on SAF-02, where
    the knowledge test alone cannot show she responds safely to a disclosure of suicidal
    thoughts: she needs a simulation as well."""
    story.name_supervisor(worker, story.owen)
    for days_ago, code, level in [
        (180, "SPLW-ROL-01", 3),
        (175, "SPLW-ROL-02", 3),
        (170, "SPLW-ROL-03", 3),
        (160, "SPLW-SAF-01", 3),
        (150, "SPLW-SAF-03", 3),
        (140, "SPLW-OUT-04", 3),
        (50, "SPLW-SAF-04", 3),
        (120, "SPLW-REF-01", 3),
        (90, "SPLW-PCP-01", 2),
        (60, "SPLW-PCP-02", 3),
        (30, "SPLW-COM-01", 3),
    ]:
        story.meet(worker, code, level, days_ago)
    story.assess(worker, "SPLW-SAF-02", 2, 155, method="KT")
    # EMP-02 needs a case-based discussion and a record audit: the audit shows level 3, the
    # discussion so far level 2.
    story.assess(worker, "SPLW-EMP-02", 3, 46, method="RA")
    story.assess(worker, "SPLW-EMP-02", 2, 45, method="CBD")
    first = story.assess(worker, "SPLW-OUT-01", 2, 25)
    services.assessment_correct(
        original=first,
        assessor=story.amara,
        level=3,
        method=first.method,
        assessed_on=first.assessed_on,
        reason="Recorded against the wrong record audit: the second audit showed level 3.",
    )
    story.assess(worker, "SPLW-OUT-02", 3, 12, countersign_requested_from=story.owen)
    services.evidence_submit(
        worker=worker,
        kind=EvidenceKind.REFLECTIVE_ACCOUNT,
        title="When my background differs from the person I support",
        text=(
            "Working with an older Punjabi-speaking woman, I realised I had assumed she would "
            "prefer a women's group at the gurdwara. I asked instead, and she chose the "
            "library's craft club. I now ask before I suggest."
        ),
        competencies=[story.competencies["SPLW-EQU-03"]],
    )
    statement = services.evidence_submit(
        worker=worker,
        kind=EvidenceKind.WITNESS_STATEMENT,
        title="Practice nurse on referral briefings",
        text="Siân briefed our nurses on when to refer and how; referrals doubled.",
        competencies=[story.competencies["SPLW-REF-02"]],
    )
    services.evidence_return(
        evidence=statement,
        reviewer=story.amara,
        feedback="Please ask the nurse to add her name, role and the date, and sign it.",
    )
    services.evidence_submit(
        worker=worker,
        kind=EvidenceKind.DOCUMENT,
        title="Community asset directory (extract)",
        competencies=[story.competencies["SPLW-COM-01"]],
        upload=SimpleUploadedFile(
            "asset-directory.pdf", _tiny_pdf("Community asset directory"), "application/pdf"
        ),
    )
    # Her supervision has lapsed: none confirmed in the last two months (her manager's team page
    # flags it), and the session she logged since still waits for her supervisor.
    story.supervision(worker, 5, as_of_days_ago=60, supervisor=story.owen)
    story.supervision(worker, 1, confirmed=False, supervisor=story.owen)
    story.cpd(worker, FULL_CPD[1:4])


def _lucja(story: _Story, worker: User) -> None:
    """A new starter: first steps in the role and safeguarding."""
    story.name_supervisor(worker, story.owen)
    story.assess(worker, "SPLW-ROL-01", 2, 7, method="SIM")
    story.assess(worker, "SPLW-SAF-01", 1, 5, method="ELC")
    services.supervision_log(
        worker=worker,
        supervisor=story.owen,
        held_on=_day(3),
        kind=SupervisionKind.PROFESSIONAL,
        reflections="First supervision: agreed my induction plan and my named first contact.",
    )


def _tiny_pdf(title: str) -> bytes:
    """A one-page PDF made here, so the demo needs no file from elsewhere."""
    text = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(text)).encode() + b" >>\nstream\n" + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def _pending_import(story: _Story, worker: User) -> None:
    """Meera imports a work-product review Amara made of Siân's closing summaries, in Amara's
    name: it waits in Amara's confirmation list and counts for nothing until she confirms it."""
    rows = [
        "worker_email,competency_code,level,method,assessed_on,assessor_email,notes",
        f"{worker.email},SPLW-OUT-03,3,WPR,{_day(8).isoformat()},{story.amara.email},"
        "Closing summaries to the GP and the referrer: clear, timely, with what was agreed.",
    ]
    report = services.assessments_import(
        data="\n".join(rows).encode(), filename="north-pcn-case-discussions.csv", actor=story.meera
    )
    if not report.ok:
        raise RuntimeError(f"The demo import was refused: {report.summary}")


STORIES = {
    "kwame.mensah@example.org": _kwame,
    "aisha.khan@example.org": _aisha,
    "linkworker@example.org": _sian,
    "lucja.zolc@example.org": _lucja,
}


def load() -> dict[str, int]:
    """Add each story whose link worker has no records yet; return how many were added."""
    framework = CompetencyFramework.objects.get(id_number=FRAMEWORK_ID)
    story = _Story(framework)
    told = 0
    for email, tell in STORIES.items():
        worker = User.objects.get(email=email)
        if Assessment.objects.filter(worker=worker).exists():
            continue
        tell(story, worker)
        if email == "linkworker@example.org":
            _pending_import(story, worker)
        told += 1
    return {"worker stories": told}
