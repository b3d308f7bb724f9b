"""Reads about qualifications and certificates: rules, eligibility, snapshots and the register."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from competencies.evidence_rules import (
    Achievement,
    EvidenceRule,
    achievements,
    core_ids_in,
    rules_for,
)
from competencies.models import (
    Assessment,
    Evidence,
    EvidenceKind,
    EvidenceOutcome,
    SupervisionSession,
)
from competencies.selectors import (
    Upkeep,
    assessors_by_method,
    evidence_with_outcome,
    level_names,
    named_supervisors,
    upkeep,
)
from curriculum.models import Competency, CompetencyFramework, CurriculumVersion
from curriculum.selectors import current_version
from workforce.models import Membership, Organisation, Role, User
from workforce.permissions import Action, actors_for, organisations_for, shared_organisations
from workforce.selectors import people_in_scope
from workforce.spreadsheets import FORMULA_TRIGGERS

from . import verification
from .models import (
    AwardSignOff,
    BulkIssue,
    Certificate,
    CertificateCheck,
    CertificateStatus,
    Qualification,
    QualificationRequirement,
    ReminderKind,
    RenewalRequirement,
)


@dataclass(slots=True)  # not frozen: a team's checklists build thousands (see Achievement)
class ChecklistItem:
    """One rule of a qualification, whether the worker meets it, and how far they are."""

    label: str
    met: bool
    detail: str


@dataclass(frozen=True)
class Checklist:
    """A worker's standing against every rule of one qualification."""

    qualification: Qualification
    items: list[ChecklistItem]

    @property
    def eligible(self) -> bool:
        return all(item.met for item in self.items)

    @property
    def missing(self) -> list[str]:
        return [item.label for item in self.items if not item.met]


def qualifications_for(framework: CompetencyFramework) -> QuerySet[Qualification]:
    """The published qualifications awarded against `framework`, with what their checklists
    read."""
    return (
        # Published only: a qualification a trainer added waits for review before anyone is
        # judged or certified against it.
        Qualification.objects.filter(framework=framework, live=True)
        .select_related("framework", "observation_method", "required_method")
        .prefetch_related("observation_competencies", "framework__scale_levels")
        .order_by("title", "pk")
    )


def _number(value: Decimal | int) -> str:
    """20.00 as "20", 7.50 as "7.5"."""
    value = Decimal(value)
    return str(
        value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    )


def at_least(label: str, have: Decimal | int, need: int) -> ChecklistItem:
    return ChecklistItem(label, have >= need, f"{_number(have)} of {need}")


def upkeep_items(qualification: Qualification, figures: Upkeep) -> list[ChecklistItem]:
    """The supervision and CPD rules, which both the award and its renewal ask for, each counted
    over the 12 months before the day judged (so a renewal in January can be met)."""
    return [
        at_least(
            "Supervision sessions in the last 12 months (peer sessions do not count)",
            figures.supervision_sessions_last_12_months,
            qualification.min_supervision_sessions_12_months,
        ),
        at_least(
            "CPD points in the last 12 months",
            figures.cpd_points_last_12_months,
            qualification.min_cpd_points_year,
        ),
        at_least(
            "Formal CPD hours in the last 12 months",
            figures.cpd_formal_hours_last_12_months,
            qualification.min_cpd_formal_hours_year,
        ),
    ]


SHOWN_GAPS = 3
# Where a worker stands on a competency with no assessment that counts (shared: read only).
NOT_ASSESSED = Achievement()


def _core_detail(done: int, total: int, gaps: list[str], more: int = 0) -> str:
    """ "19 of 21: SPLW-SAF-02 needs a simulation as well as the knowledge test; …": the first
    SHOWN_GAPS `gaps` in words, and how many `more` there are."""
    detail = f"{done} of {total}"
    if gaps:
        detail += ": " + "; ".join(gaps) + (f"; and {more} more" if more > 0 else "")
    return detail


def core_rule(
    qualification: Qualification, rules: dict[int, EvidenceRule]
) -> tuple[list[int], int]:
    """The qualification's first rule: every core competency in use (these ids), each at this
    level or above today. A framework with no core competencies (yet) certifies nobody."""
    return core_ids_in(rules), qualification.all_core_at_level


def checklists_for(
    worker_ids: list[int],
    qualification: Qualification,
    *,
    today: datetime.date | None = None,
    achieved: dict[tuple[int, int], Achievement] | None = None,
    figures: dict[int, Upkeep] | None = None,
    rules: dict[int, EvidenceRule] | None = None,
) -> dict[int, Checklist]:
    """Each worker's standing against every rule of `qualification`, from assessments that count
    (on `today`, default now) under each competency's evidence rule, confirmed supervision and
    the last 12 months' CPD.

    A fixed number of queries whatever the number of workers or records; fewer when the caller
    has read `rules` (`evidence_rules.rules_for`), `achieved` (`evidence_rules.achievements`)
    and `figures` (`upkeep`) for the same workers and day already, and when the qualification's
    framework with its scale, methods and observed competencies are loaded (see
    `qualifications_for`).
    """
    framework = qualification.framework
    if rules is None:
        rules = rules_for(framework)
    if achieved is None:
        achieved = achievements(worker_ids, framework, as_of=today, rules=rules)
    if figures is None:
        figures = upkeep(worker_ids, today=today)
    threshold = framework.proficiency_threshold
    core_ids, core_level = core_rule(qualification, rules)
    requirements = list(
        QualificationRequirement.objects.filter(qualification=qualification)
        .select_related("competency")
        .order_by("sort_order", "pk")
    )
    observed_ids = {competency.pk for competency in qualification.observation_competencies.all()}
    observers = assessors_by_method(
        worker_ids,
        framework,
        {qualification.observation_method_id, qualification.required_method_id} - {None},
        as_of=today,
        of_competencies={qualification.observation_method_id: observed_ids} if observed_ids else {},
    )
    supervisors = named_supervisors(worker_ids, on=today)
    codes = {rule.competency_id: rule.code for rule in rules.values()}
    observation_label = ""
    if qualification.observation_method_id and qualification.min_direct_observations:
        observation_label = "Direct observations by different assessors"
        if observed_ids:
            observation_label += " of " + ", ".join(
                sorted(codes.get(pk, "") for pk in observed_ids if pk in codes)
            )
    # What a competency never assessed needs is the same for everyone: worded once.
    never_worded: dict[tuple[int, int], str] = {}

    def never_assessed(competency_id: int, level: int) -> str:
        key = (competency_id, level)
        if key not in never_worded:
            never_worded[key] = rules[competency_id].missing_for({}, level)
        return never_worded[key]

    checklists = {}
    for worker_id in worker_ids:

        def standing(competency_id: int, worker_id: int = worker_id) -> Achievement:
            return achieved.get((worker_id, competency_id)) or NOT_ASSESSED

        def gap(competency_id: int, level: int) -> str:
            """What the competency still needs for `level`, in words."""
            have = standing(competency_id)
            rule = rules.get(competency_id)
            if have.lapsed:
                return have.missing or "the refresher ran out"
            if rule is not None and level == threshold:
                return have.missing or never_assessed(competency_id, level)
            return f"needs level {level}"

        # Competencies under way first (something is missing), then the milestone's.
        missing_core = sorted(
            (pk for pk in core_ids if standing(pk).level < core_level),
            key=lambda pk, worker_id=worker_id: (
                (worker_id, pk) not in achieved,
                not (pk in rules and rules[pk].milestone),
            ),
        )
        core_done = len(core_ids) - len(missing_core)
        items = [
            ChecklistItem(
                qualification.core_rule,
                # A framework with no core competencies (yet) certifies nobody.
                bool(core_ids) and not missing_core,
                # Only the gaps shown are put in words: a team's checklists leave out dozens each.
                _core_detail(
                    core_done,
                    len(core_ids),
                    [
                        f"{codes.get(pk, '')} {gap(pk, core_level)}"
                        for pk in missing_core[:SHOWN_GAPS]
                    ],
                    more=len(missing_core) - SHOWN_GAPS,
                )
                if core_ids
                else "no core competencies yet",
            )
        ]
        for requirement in requirements:
            have = standing(requirement.competency_id)
            met = have.level >= requirement.min_level
            detail = f"level {have.level}" if have.level else "not assessed"
            if not met:
                detail += f": {gap(requirement.competency_id, requirement.min_level)}"
            items.append(ChecklistItem(requirement.label, met, detail))
        if observation_label:
            # Two observations by the same assessor count once: the rule asks for different eyes.
            seen_by = observers.get((worker_id, qualification.observation_method_id), set())
            items.append(
                at_least(observation_label, len(seen_by), qualification.min_direct_observations)
            )
        if qualification.required_method_id:
            # Independent of the worker's day-to-day support: not by their named supervisor.
            by = observers.get((worker_id, qualification.required_method_id), set())
            independent = by - supervisors.get(worker_id, set())
            detail = "done" if independent else "not yet"
            if by and not independent:
                detail = "only by the named supervisor: needs another assessor"
            items.append(
                ChecklistItem(
                    f"{qualification.required_method.name} by an assessor who is not the "
                    "named supervisor",
                    bool(independent),
                    detail,
                )
            )
        items += upkeep_items(qualification, figures[worker_id])
        checklists[worker_id] = Checklist(qualification=qualification, items=items)
    return checklists


def qualification_checklist(
    worker: User, qualification: Qualification, *, today: datetime.date | None = None
) -> Checklist:
    """One worker's checklist (see `checklists_for`)."""
    return checklists_for([worker.pk], qualification, today=today)[worker.pk]


def renewal_checklist(certificate: Certificate, *, today: datetime.date | None = None) -> Checklist:
    """What renewing `certificate` asks of its holder, each counted since the day of issue."""
    today = today or timezone.localdate()
    qualification = certificate.qualification
    worker = certificate.holder
    since = certificate.issued_on
    items = []
    requirements = RenewalRequirement.objects.filter(qualification=qualification).select_related(
        "method"
    )
    for requirement in requirements.order_by("sort_order", "pk"):
        done = (
            Assessment.objects.filter(
                worker=worker,
                method=requirement.method,
                competency__framework=qualification.framework,
                competency__id_number__in=requirement.codes,
                assessed_on__gt=since,
            )
            # Not one waiting for its assessor's confirmation, nor one on hold after IQA.
            .counting(today)
            .exists()
        )
        items.append(ChecklistItem(requirement.label, done, "done" if done else "not yet"))
    if qualification.renewal_reflective_accounts:
        accepted = (
            evidence_with_outcome(
                Evidence.objects.filter(
                    worker=worker,
                    kind=EvidenceKind.REFLECTIVE_ACCOUNT,
                    submitted_at__date__gt=since,
                )
            )
            .filter(outcome=EvidenceOutcome.ACCEPTED)
            .count()
        )
        items.append(
            at_least(
                "Accepted reflective accounts since issue",
                accepted,
                qualification.renewal_reflective_accounts,
            )
        )
    items += upkeep_items(qualification, upkeep([worker.pk], today=today)[worker.pk])
    return Checklist(qualification=qualification, items=items)


def renewal_conditions(qualification: Qualification) -> list[str]:
    """The renewal rules in words, as printed on the certificate."""
    conditions = [
        f"Each year: at least {qualification.min_cpd_points_year} CPD points including "
        f"{qualification.min_cpd_formal_hours_year} hours of formal learning, and "
        f"{qualification.min_supervision_sessions_12_months} supervision sessions.",
    ]
    renewal = [
        requirement.label
        for requirement in qualification.renewal_requirements.select_related("method").order_by(
            "sort_order", "pk"
        )
    ]
    if qualification.renewal_reflective_accounts:
        renewal.append(f"{qualification.renewal_reflective_accounts} reflective accounts")
    renewal.append("the supervisor's confirmation")
    conditions.append(f"To renew every {qualification.renewal_period}: " + "; ".join(renewal) + ".")
    return conditions


def certificate_snapshot(
    worker: User,
    qualification: Qualification,
    *,
    as_of: datetime.date,
    sign_off: AwardSignOff | None = None,
) -> dict:
    """What a certificate issued on `as_of` records: each assessed competency and the sign-offs,
    the award's own (`sign_off`, assessor and named supervisor) among them.

    Plain JSON values, so the snapshot reads the same whatever later happens to the records.
    """
    framework = qualification.framework
    # Each competency as its evidence rule judges it, from the assessments that count.
    current = {
        competency_id: achievement
        for (_, competency_id), achievement in achievements(
            [worker.pk], framework, as_of=as_of, with_assessments=True
        ).items()
    }
    names = level_names(framework)
    competencies = (
        Competency.objects.filter(framework=framework, pk__in=current)
        .exclude(parent_id_number="")
        .order_by("sort_order", "pk")
    )
    rows = []
    for competency in competencies:
        achievement = current[competency.pk]
        if not achievement.level:
            continue
        # The assessments that together meet the competency's evidence rule.
        used = achievement.assessments
        rows.append(
            {
                "code": competency.id_number,
                "title": competency.short_name,
                "core": competency.is_core,
                "level": achievement.level,
                "level_name": names.get(achievement.level, ""),
                "assessed_on": achievement.on.isoformat(),
                "method": " + ".join(assessment.method.name for assessment in used),
                "assessor": ", ".join(dict.fromkeys(a.assessor.full_name for a in used)),
            }
        )
    signoffs = []
    if qualification.required_method_id:
        discussion = (
            Assessment.objects.filter(
                worker=worker,
                method_id=qualification.required_method_id,
                competency__framework=framework,
            )
            .counting(as_of)
            .select_related("assessor")
            .latest_first()
            .first()
        )
        if discussion:
            signoffs.append(
                {
                    "role": f"Assessor, {qualification.required_method.name.lower()}",
                    "name": discussion.assessor.full_name,
                    "date": discussion.assessed_on.isoformat(),
                }
            )
    if sign_off is not None:
        signoffs += award_signoff_entries(sign_off)
    supervision = (
        None
        if sign_off is not None
        else SupervisionSession.objects.filter(
            worker=worker, confirmed_at__isnull=False, held_on__lte=as_of
        )
        .select_related("supervisor")
        .order_by("-held_on", "-pk")
        .first()
    )
    if supervision:
        signoffs.append(
            {
                "role": "Supervisor, supervision confirmed",
                "name": supervision.supervisor.full_name,
                "date": supervision.held_on.isoformat(),
            }
        )
    signoffs.append({"role": f"for {qualification.issuer_name}", "name": qualification.signatory})
    return {"competencies": rows, "signoffs": signoffs}


def framework_version_for_issue(qualification: Qualification) -> CurriculumVersion | None:
    """The published framework version a certificate issued now is made against."""
    return current_version(qualification.framework)


def shared_employer(manager: User, worker: User, *, on: datetime.date) -> Organisation | None:
    """The organisation through which `manager` certifies `worker` on that day (first by name)."""
    return (
        shared_organisations(manager, Action.ISSUE_CERTIFICATE, worker, on=on)
        .order_by("name", "pk")
        .first()
    )


def current_certificate(worker: User, qualification: Qualification) -> Certificate | None:
    return Certificate.objects.filter(
        holder=worker, qualification=qualification, is_current=True
    ).first()


def with_status(
    certificates: QuerySet[Certificate], *, today: datetime.date | None = None
) -> QuerySet[Certificate]:
    """Annotate `status` (a CertificateStatus value) so lists can filter and count by it."""
    today = today or timezone.localdate()
    return certificates.annotate(
        status=Case(
            When(revoked_at__isnull=False, then=Value(CertificateStatus.REVOKED)),
            When(is_current=False, then=Value(CertificateStatus.SUPERSEDED)),
            When(expires_on__lte=today, then=Value(CertificateStatus.EXPIRED)),
            When(renewal_due_on__lte=today, then=Value(CertificateStatus.RENEWAL_DUE)),
            default=Value(CertificateStatus.VALID),
        )
    )


# What a public check reads, in one query: the public facts and the successor's code, nothing
# else (not the manager's revocation details, nor the successor's snapshot). Verification is the
# busiest page there is, and written out it costs a fifth of what the ORM spends building the
# same join; other fields stay deferred, so reading one is a query the query-count tests catch.
_PUBLIC_CERTIFICATE_SQL = """
SELECT c.id, c.number, c.verification_code, c.holder_name, c.qualification_title,
       c.issuer_name, c.issued_on, c.expires_on, c.renewal_due_on, c.snapshot, c.is_current,
       c.revoked_at, c.revocation_reason, successor.verification_code AS successor_code
FROM certificates_certificate c
LEFT JOIN certificates_certificate successor ON successor.supersedes_id = c.id
WHERE {where}
"""
_PUBLIC_WHERE = {
    "code": "c.verification_code = %s",
    "number": "UPPER(c.number) = UPPER(%s)",
    "pdf": "c.pdf_sha256 = %s",
}


def _public_certificate(by: str, value: str) -> Certificate | None:
    """The one certificate a unique `value` names, with `successor_code` (None unless renewed)."""
    sql = _PUBLIC_CERTIFICATE_SQL.format(where=_PUBLIC_WHERE[by])
    return next(iter(Certificate.objects.raw(sql, [value])), None)


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate a verification code names, with its successor's code: one query, or none
    when the shared cache keeps its row (`certificates.verification`)."""
    if not verification.enabled():
        return _public_certificate("code", code)
    certificate = verification.kept_certificate(code)
    if certificate is None:
        certificate = _public_certificate("code", code)
        if certificate is not None:
            verification.keep(certificate)
    return certificate


def certificate_by_number(number: str, surname: str) -> Certificate | None:
    """The certificate with `number` whose holder's name contains `surname` as whole words."""
    certificate = _public_certificate("number", number.strip())
    if certificate is None:
        return None
    wanted = surname.casefold().split()
    words = certificate.holder_name.casefold().split()
    runs = {tuple(words[i : i + len(wanted)]) for i in range(len(words) - len(wanted) + 1)}
    return certificate if wanted and tuple(wanted) in runs else None


def certificate_by_pdf_digest(sha256: str) -> Certificate | None:
    return _public_certificate("pdf", sha256)


def with_times_checked(certificates: QuerySet[Certificate]) -> QuerySet[Certificate]:
    """Annotate `times_checked`: how often the public has checked each certificate."""
    checks = (
        CertificateCheck.objects.filter(certificate=OuterRef("pk"))
        .values("certificate")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return certificates.annotate(times_checked=Coalesce(Subquery(checks), 0))


def certificates_of(holder: User) -> QuerySet[Certificate]:
    """A holder's certificates, newest first, with their status and how often each was checked."""
    return with_times_checked(
        with_status(
            Certificate.objects.filter(holder=holder).select_related(
                "superseded_by", "qualification"
            )
        )
    ).order_by("-issued_on", "-pk")


def certificates_visible_to(manager: User) -> QuerySet[Certificate]:
    """Certificates of the link workers `manager` manages today (the same people the services
    let them issue, renew and revoke for), with status."""
    return with_status(
        Certificate.objects.filter(
            holder__in=people_in_scope(manager, Action.REVOKE_CERTIFICATE)
        ).select_related("holder", "qualification", "superseded_by")
    ).order_by("holder_name", "-issued_on", "-pk")


def status_condition(status: str, *, today: datetime.date | None = None) -> Q:
    """The certificates of one status today, as conditions on stored columns, so a list filtered
    by status reads an index rather than judging every certificate (`with_status` judges each).

    Revoked and superseded are stored facts; expired and renewal due compare the stored dates
    with today, so nothing goes stale as days pass. A revoked certificate is never current (the
    check constraint certificate_revocation_has_reason), so is_current alone rules revocation out.
    The five conditions are disjoint and cover every certificate, as the statuses do.
    """
    today = today or timezone.localdate()
    return {
        CertificateStatus.REVOKED: Q(revoked_at__isnull=False),
        CertificateStatus.SUPERSEDED: Q(revoked_at__isnull=True, is_current=False),
        CertificateStatus.EXPIRED: Q(is_current=True, expires_on__lte=today),
        CertificateStatus.RENEWAL_DUE: Q(
            is_current=True, expires_on__gt=today, renewal_due_on__lte=today
        ),
        CertificateStatus.VALID: Q(is_current=True, expires_on__gt=today, renewal_due_on__gt=today),
    }[CertificateStatus(status)]


def register_page_rows(manager: User, *, status: str = "") -> QuerySet[Certificate]:
    """The register's rows as its page shows them, in its order, of one status when given: only
    the columns it prints and those its status and links need (not the snapshot, holder or
    successor), with the qualification's code."""
    certificates = (
        certificates_visible_to(manager)
        .select_related(None)
        .select_related("qualification")
        .only(
            "number",
            "verification_code",
            "holder_name",
            "issued_on",
            "expires_on",
            "renewal_due_on",
            "revoked_at",
            "is_current",
            "qualification__code",
        )
    )
    if status:
        certificates = certificates.filter(status_condition(status))
    return certificates


def _formula_safe(column: str) -> Case:
    """`column`'s text as `workforce.spreadsheets.neutralise` makes it (a quote before a leading
    formula character), worked out in SQL with the rows rather than in Python cell by cell."""
    formula = Q()
    for trigger in FORMULA_TRIGGERS:
        formula |= Q(**{f"{column}__startswith": trigger})
    return Case(
        When(formula, then=Concat(Value("'"), F(column))),
        default=F(column),
        output_field=CharField(),
    )


def register_rows(manager: User) -> QuerySet:
    """The register as its spreadsheet lists it, in its order, as tuples of its cells: number,
    holder, qualification, issued, valid until (the last valid day) and the status's words, all
    computed in SQL, the text made safe from running as formulas. Model instances cost 20,000
    rows seconds (22 s with the snapshot, holder and qualification; a second with only the
    columns, most of it building objects to read them)."""
    today = timezone.localdate()
    return (
        certificates_visible_to(manager)
        .select_related(None)
        .annotate(
            safe_number=_formula_safe("number"),
            safe_holder=_formula_safe("holder_name"),
            safe_qualification=_formula_safe("qualification_title"),
            valid_until=Cast(F("expires_on") - datetime.timedelta(days=1), DateField()),
            status_label=Case(
                *(
                    When(status_condition(choice.value, today=today), then=Value(str(choice.label)))
                    for choice in CertificateStatus
                ),
                output_field=CharField(),
            ),
        )
        .values_list(
            "safe_number",
            "safe_holder",
            "safe_qualification",
            "issued_on",
            "valid_until",
            "status_label",
        )
    )


def register_counts(manager: User, *, organisation: Organisation | None = None) -> dict[str, int]:
    """How many certificates of each status the manager's register holds (for link workers of
    one of their organisations, when given). One query, counting by the same conditions the
    register filters by."""
    today = timezone.localdate()
    # The register's certificates (`certificates_visible_to`) without its status column, joins
    # and order: the counts need none of them, and the team page asks on every load.
    certificates = Certificate.objects.filter(
        holder__in=people_in_scope(manager, Action.REVOKE_CERTIFICATE).order_by()
    )
    if organisation is not None:
        certificates = certificates.filter(
            holder__in=Membership.objects.active_on()
            .filter(organisation=organisation, role=Role.LINK_WORKER)
            .values("user")
        )
    return certificates.aggregate(
        **{
            status: Count("pk", filter=status_condition(status, today=today))
            for status in CertificateStatus.values
        }
    )


def certificate_for_manager(manager: User, number: str) -> Certificate | None:
    """One certificate of the manager's link workers, with how often it was checked."""
    return with_times_checked(certificates_visible_to(manager)).filter(number=number).first()


@dataclass(frozen=True)
class Candidate:
    """A link worker a manager could certify, with their checklist for the qualification."""

    worker: User
    checklist: Checklist
    current: Certificate | None


# Judging a worker's checklist reads all their assessments: the register judges everyone a
# manager may certify only up to this many (a practice or a PCN); a manager of more (a national
# manager of thousands) chooses an organisation first.
CANDIDATES_JUDGED_MAX = 300


def candidate_workers(manager: User, *, organisation: Organisation | None = None) -> QuerySet[User]:
    """The active link workers `manager` may certify today, in one of their organisations when
    given."""
    workers = people_in_scope(manager, Action.ISSUE_CERTIFICATE)
    if organisation is not None:
        workers = workers.filter(
            pk__in=Membership.objects.active_on()
            .filter(organisation=organisation, role=Role.LINK_WORKER)
            .values("user")
        )
    return workers


def candidates_for(
    manager: User, qualification: Qualification, *, workers: QuerySet[User] | None = None
) -> list[Candidate]:
    """The manager's link workers (of `workers`, a narrowing of `candidate_workers`, when given)
    with no current certificate of `qualification`, and how far each is from it; eligible ones
    first. A fixed number of queries, but it reads every assessment of every worker judged."""
    if workers is None:
        workers = candidate_workers(manager)
    workers = list(workers)
    if not workers:
        return []  # nobody to judge (as often, of those signed off): no rules to read
    checklists = checklists_for([worker.pk for worker in workers], qualification)
    held = {
        certificate.holder_id: certificate
        for certificate in Certificate.objects.filter(
            holder__in=workers, qualification=qualification, is_current=True
        )
    }
    candidates = [
        Candidate(worker, checklists[worker.pk], held.get(worker.pk))
        for worker in workers
        if worker.pk not in held
    ]
    candidates.sort(key=lambda c: (not c.checklist.eligible, c.worker.full_name))
    return candidates


def ready_to_issue(
    manager: User, qualification: Qualification, *, workers: QuerySet[User]
) -> list[tuple[Candidate, AwardSignOff]]:
    """Those of `workers` a certificate of `qualification` may be issued to now: eligible, with
    a standing sign-off that is countersigned, and no current certificate. Only those with a
    sign-off are judged, so it is cheap for any number of workers. A fixed number of queries."""
    return ready_to_issue_each(manager, [qualification], workers=workers)[qualification.pk]


def ready_to_issue_each(
    manager: User, qualifications: list[Qualification], *, workers: QuerySet[User]
) -> dict[int, list[tuple[Candidate, AwardSignOff]]]:
    """`ready_to_issue` for each of `qualifications` (by primary key), those signed off for any
    of them found in one query: each such query reads every certificate to tell the sign-offs
    no certificate rests on yet, and the register asks for each default qualification. A fixed
    number of queries; none more for a qualification nobody is signed off for."""
    signed: dict[int, set[int]] = {qualification.pk: set() for qualification in qualifications}
    for holder_id, qualification_id in AwardSignOff.objects.filter(
        _fresh(timezone.localdate()),
        _unused(),
        holder__in=workers,
        qualification__in=[qualification.pk for qualification in qualifications],
    ).values_list("holder_id", "qualification_id"):
        signed[qualification_id].add(holder_id)
    ready = {}
    for qualification in qualifications:
        if not signed[qualification.pk]:
            ready[qualification.pk] = []
            continue
        # Those with a sign-off, looked up from the sign-offs: narrowing `workers` by them
        # instead read all of a national manager's 10,000 link workers to find the few.
        signed_workers = User.objects.filter(pk__in=signed[qualification.pk]).order_by(
            "full_name", "email"
        )
        candidates = candidates_for(manager, qualification, workers=signed_workers)
        sign_offs = sign_offs_standing([c.worker.pk for c in candidates], qualification)
        ready[qualification.pk] = [
            (candidate, sign_offs[candidate.worker.pk])
            for candidate in candidates
            if candidate.checklist.eligible
            and candidate.worker.pk in sign_offs
            and sign_offs[candidate.worker.pk].countersigned_at
        ]
    return ready


def bulk_issue_for(manager: User, pk: int) -> BulkIssue | None:
    return BulkIssue.objects.filter(pk=pk, requested_by=manager).first()


def bulk_issue_certificates(manager: User, bulk: BulkIssue) -> QuerySet[Certificate]:
    """The certificates a bulk issue made that `manager` may still see (their workers today)."""
    return certificates_visible_to(manager).filter(pk__in=bulk.certificates.values("pk"))


def due_reminders(today: datetime.date) -> dict[str, QuerySet[Certificate]]:
    """Current certificates whose renewal is due, and those that have lapsed, not yet reminded."""
    current = Certificate.objects.filter(is_current=True).select_related("holder", "employer")
    return {
        "renewal_due": current.filter(renewal_due_on__lte=today, expires_on__gt=today).exclude(
            reminders__kind=ReminderKind.RENEWAL_DUE
        ),
        "lapsed": current.filter(expires_on__lte=today).exclude(
            reminders__kind=ReminderKind.LAPSED
        ),
    }


def managers_of(worker: User, *, on: datetime.date) -> QuerySet[User]:
    """The people who manage `worker` on that day (never the worker themselves)."""
    return actors_for(worker, Action.MANAGE, on=on).order_by("pk")


# --- Award sign-offs --------------------------------------------------------------------------

# A sign-off is a judgement of the record as it stood: a certificate rests on a recent one.
SIGN_OFF_VALID_DAYS = 90


def award_signoff_entries(sign_off: AwardSignOff) -> list[dict]:
    """The award's sign-off and countersignature as the snapshot keeps them (plain JSON), in
    the words the certificate and the verification page print."""
    entries = [
        {
            "kind": "sign_off",
            "role": "Signed off by",
            "name": sign_off.assessor.full_name,
            "date": timezone.localdate(sign_off.signed_at).isoformat(),
        }
    ]
    if sign_off.countersigned_at is not None:
        entries.append(
            {
                "kind": "countersignature",
                "role": "Countersigned by",
                "name": sign_off.countersigned_by.full_name,
                "as": "named supervisor",
                "date": timezone.localdate(sign_off.countersigned_at).isoformat(),
            }
        )
    return entries


def award_signoffs_of(snapshot: dict) -> list[dict]:
    """The award's sign-off entries of a stored snapshot, dates as dates; none in snapshots made
    before awards were signed off."""
    return [
        {**entry, "date": datetime.date.fromisoformat(entry["date"])}
        for entry in snapshot.get("signoffs", [])
        if entry.get("kind") in ("sign_off", "countersignature")
    ]


def named_supervisor_ids(worker: User, *, on: datetime.date | None = None) -> set[int]:
    """Who is named as `worker`'s supervisor on that day, on any of their link-worker
    memberships then. One query."""
    return set(
        Membership.objects.active_on(on)
        .filter(user=worker, role=Role.LINK_WORKER, supervisor__isnull=False)
        .values_list("supervisor_id", flat=True)
    )


def named_supervisors_of(worker: User, *, on: datetime.date | None = None) -> QuerySet[User]:
    return User.objects.filter(pk__in=named_supervisor_ids(worker, on=on)).order_by("full_name")


def _unused() -> Exists:
    """No certificate rests on the sign-off yet. As NOT EXISTS rather than a left join to
    certificates whose id is null, which PostgreSQL cannot read as an anti-join: it hashed
    all 20,000 certificates to find the few sign-offs the register lists."""
    return ~Exists(Certificate.objects.filter(award_sign_off=OuterRef("pk")))


def _fresh(day: datetime.date) -> Q:
    """Signed in the SIGN_OFF_VALID_DAYS up to and including `day` (local dates), written as a
    range of moments so that it reads the award_sign_off_recent index: the local date of each
    sign-off (signed_at__date) is worked out row by row and read them all."""
    first = day - datetime.timedelta(days=SIGN_OFF_VALID_DAYS - 1)
    after = day + datetime.timedelta(days=1)
    return Q(
        signed_at__gte=timezone.make_aware(datetime.datetime.combine(first, datetime.time.min)),
        signed_at__lt=timezone.make_aware(datetime.datetime.combine(after, datetime.time.min)),
    )


def standing_sign_off(
    worker: User, qualification: Qualification, *, as_of: datetime.date | None = None
) -> AwardSignOff | None:
    """The worker's latest sign-off of `qualification` that no certificate has used and that was
    made in the SIGN_OFF_VALID_DAYS up to `as_of` (today by default), with who signed. One query.
    """
    day = as_of or timezone.localdate()
    return (
        AwardSignOff.objects.filter(
            _fresh(day), holder=worker, qualification=qualification, certificate__isnull=True
        )
        .select_related("assessor", "countersigned_by", "qualification")
        .order_by("-signed_at", "-pk")
        .first()
    )


def sign_offs_to_countersign(supervisor: User) -> QuerySet[AwardSignOff]:
    """Sign-offs waiting for `supervisor`'s countersignature: fresh, unused, not countersigned,
    of link workers who name them as supervisor today. One query."""
    today = timezone.localdate()
    supervised = (
        Membership.objects.active_on(today)
        .filter(role=Role.LINK_WORKER, supervisor=supervisor)
        .values("user")
    )
    return (
        AwardSignOff.objects.filter(
            _fresh(today),
            holder__in=supervised,
            countersigned_by__isnull=True,
            certificate__isnull=True,
        )
        .exclude(assessor=supervisor)
        .select_related("holder", "qualification", "assessor")
        .order_by("signed_at", "pk")
    )


def sign_off_to_countersign(supervisor: User, pk: int) -> AwardSignOff | None:
    return sign_offs_to_countersign(supervisor).filter(pk=pk).first()


def assessments_rested_on(
    worker: User, qualification: Qualification, *, as_of: datetime.date
) -> QuerySet[Assessment]:
    """The assessments a certificate issued on `as_of` rests on: the latest counting one of each
    competency by each method (what the evidence rules and the snapshot judge) and every counting
    one by the observation or required method (what those rules count); with who recorded,
    imported and confirmed each. Pending and on-hold ones count for nothing, so are not among
    them."""
    mine = Assessment.objects.filter(worker=worker, competency__framework=qualification.framework)
    methods = {qualification.observation_method_id, qualification.required_method_id} - {None}
    return Assessment.objects.filter(
        Q(pk__in=mine.latest_by_method(as_of).values("pk"))
        | Q(pk__in=mine.counting(as_of).filter(method_id__in=methods).values("pk"))
    ).select_related("competency", "method", "recorded_by", "source_import", "confirmation")


def part_taken_by(
    manager: User, worker: User, qualification: Qualification, *, as_of: datetime.date
) -> Assessment | None:
    """An assessment the award rests on that `manager` made, entered, imported or confirmed:
    whoever took part in the evidence does not also certify it. One query."""
    return (
        assessments_rested_on(worker, qualification, as_of=as_of)
        .filter(
            Q(assessor=manager)
            | Q(recorded_by=manager)
            | Q(source_import__created_by=manager)
            | Q(confirmation__confirmed_by=manager)
        )
        .order_by("competency__sort_order", "pk")
        .first()
    )


def supervision_memberships(manager: User) -> QuerySet[Membership]:
    """Today's link-worker memberships at the organisations `manager` manages, with each
    worker's named supervisor there. One query."""
    return (
        Membership.objects.active_on()
        .filter(
            role=Role.LINK_WORKER,
            organisation__in=organisations_for(manager, Action.MANAGE),
            user__is_active=True,
        )
        .exclude(user=manager)
        .select_related("user", "organisation", "supervisor")
        .order_by("organisation__name", "user__full_name", "pk")
    )


def assessors_at(organisation: Organisation) -> QuerySet[User]:
    """The active assessors of `organisation` today: who may be named a supervisor there."""
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.active_on()
        .filter(organisation=organisation, role=Role.ASSESSOR)
        .values("user"),
    ).order_by("full_name", "pk")


def sign_offs_standing(
    worker_ids: list[int], qualification: Qualification
) -> dict[int, AwardSignOff]:
    """Each worker's standing sign-off of `qualification` today (`standing_sign_off`), for the
    register's list. One query."""
    found = {}
    for sign_off in AwardSignOff.objects.filter(
        _fresh(timezone.localdate()),
        _unused(),
        holder_id__in=worker_ids,
        qualification=qualification,
    ).order_by("signed_at", "pk"):
        found[sign_off.holder_id] = sign_off  # the latest wins
    return found
