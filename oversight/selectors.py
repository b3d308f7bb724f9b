"""Reads for managers' oversight of their teams: progress, gaps and qualifications at a glance.

Each read takes the whole team at once in a fixed number of queries, whatever its size: the
per-worker selectors of the apps below would cost several queries a person.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db import connection, models
from django.db.models import Prefetch, Q
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry

from certificates.models import (
    Certificate,
    CertificateStatus,
    Qualification,
)
from certificates.selectors import (
    Checklist,
    checklists_for,
    core_rule,
    qualifications_for,
    register_counts,
    with_status,
)
from competencies.evidence_rules import rules_for
from competencies.models import Assessment, CPDEntry, Evidence, SupervisionSession
from competencies.selectors import Upkeep, level_names, upkeep
from competencies.standings import (
    proficiency_counts,
    standing_achievements,
    standing_briefs,
)
from curriculum.models import (
    Competency,
    CompetencyFramework,
    CurriculumPage,
    ModuleCompetency,
    ModulePage,
)
from workforce.models import Membership, Organisation, Role, User
from workforce.permissions import Action, organisations_for
from workforce.selectors import people_in_scope

SUPERVISION_GAP_MONTHS = 2


class Flag(models.TextChoices):
    """Why a link worker on the team page needs their manager's attention."""

    NO_RECENT_SUPERVISION = "no_supervision", "No supervision for two months"
    CPD_BEHIND = "cpd_behind", "CPD behind pace"
    RENEWAL_DUE = "renewal_due", "Certificate renewal due"
    LAPSED = "lapsed", "Certificate lapsed"
    ELIGIBLE = "eligible", "Eligible to be certified"
    REFRESHER_DUE = "refresher_due", "Refresher due soon or overdue"


class Band(models.TextChoices):
    """How close a current level is to proficiency: a matrix cell's colour, named in its key."""

    NONE = "none", "Not assessed"
    BELOW = "below", "Two or more levels below proficiency"
    NEAR = "near", "One level below proficiency"
    PROFICIENT = "proficient", "At proficiency"
    BEYOND = "beyond", "Above proficiency"


# --- The team ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamMember:
    """A link worker in the manager's team, with the organisations they share."""

    worker: User
    organisations: tuple[Organisation, ...]
    in_post_since: datetime.date


def team_members(
    manager: User,
    *,
    organisation: Organisation | None = None,
    search: str = "",
    on: datetime.date | None = None,
) -> list[TeamMember]:
    """The link workers (never the manager) in the organisations `manager` manages that day, by
    name, with the organisations they share and since when they are in post there. One query."""
    memberships = (
        Membership.objects.active_on(on)
        .filter(
            role=Role.LINK_WORKER,
            organisation__in=organisations_for(manager, Action.MANAGE, on=on),
            user__is_active=True,
        )
        .exclude(user=manager)
        .order_by("user__full_name", "user__email", "user_id", "organisation__name")
    )
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    if search:
        memberships = memberships.filter(
            Q(user__full_name__icontains=search) | Q(user__email__icontains=search)
        )
    # Read as values rather than three models a row (a team of hundreds spent most of its time
    # building them): each account and organisation has only the fields the team pages show.
    # Reading another field would cost a query a member, which the query-count tests would see.
    rows = memberships.values_list(
        "user_id", "user__full_name", "user__email", "organisation_id", "organisation__name",
        "starts_on",
    )  # fmt: skip
    workers: dict[int, User] = {}
    shared: dict[int, Organisation] = {}
    organisations: dict[int, list[Organisation]] = defaultdict(list)
    in_post_since: dict[int, datetime.date] = {}
    for user_id, full_name, email, organisation_id, organisation_name, starts_on in rows:
        if user_id not in workers:
            workers[user_id] = _loaded(
                User, memberships.db, id=user_id, full_name=full_name, email=email
            )
            in_post_since[user_id] = starts_on
        if organisation_id not in shared:
            shared[organisation_id] = _loaded(
                Organisation, memberships.db, id=organisation_id, name=organisation_name
            )
        organisations[user_id].append(shared[organisation_id])
        in_post_since[user_id] = min(in_post_since[user_id], starts_on)
    return [
        TeamMember(
            worker=worker,
            organisations=tuple(organisations[user_id]),
            in_post_since=in_post_since[user_id],
        )
        for user_id, worker in workers.items()
    ]


def _loaded[M: models.Model](model: type[M], database: str, **values: object) -> M:
    """An instance of `model` as read from `database` with only these fields; the rest are
    deferred (`Model.from_db`, which takes them in the model's field order)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(database, names, [values[name] for name in names])


def team_worker(manager: User, worker_id: int) -> User | None:
    """The link worker with that id if they are in `manager`'s team today, else None."""
    return people_in_scope(manager, Action.MANAGE).filter(pk=worker_id).first()


# --- Facts for many workers at once -----------------------------------------------------------


def team_checklists(
    worker_ids: list[int], qualification: Qualification, *, today: datetime.date | None = None
) -> dict[int, Checklist]:
    """Each worker's checklist for `qualification` (`certificates.selectors.checklists_for`)."""
    return checklists_for(worker_ids, qualification, today=today)


# --- The team page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamRow:
    """One link worker on the team page."""

    member: TeamMember
    core_proficient: int
    core_total: int
    milestone_proficient: int
    milestone_total: int
    last_assessed_on: datetime.date | None
    upkeep: Upkeep
    certificate: Certificate | None
    flags: tuple[Flag, ...]

    @property
    def worker(self) -> User:
        return self.member.worker

    @property
    def core_percent(self) -> int:
        return round(100 * self.core_proficient / self.core_total) if self.core_total else 0

    @property
    def safe_to_practise(self) -> bool:
        return self.milestone_total > 0 and self.milestone_proficient == self.milestone_total

    @property
    def certificate_status(self) -> CertificateStatus | None:
        return self.certificate.status_today if self.certificate else None

    @property
    def certificate_label(self) -> str:
        return self.certificate_status.label if self.certificate_status else "Not certified"

    @property
    def eligible(self) -> bool:
        return Flag.ELIGIBLE in self.flags


@dataclass(frozen=True)
class TeamOverview:
    """The team page: a row per link worker and the organisation's certificate register counts."""

    qualification: Qualification | None
    rows: list[TeamRow]
    register: dict[str, int]
    # How many link workers there were when too many to judge at once (see TEAM_JUDGED_MAX).
    too_many: int = 0

    @property
    def safe_to_practise(self) -> int:
        return sum(row.safe_to_practise for row in self.rows)

    def flagged(self, flag: str) -> int:
        return sum(flag in row.flags for row in self.rows)

    @property
    def eligible(self) -> int:
        return self.flagged(Flag.ELIGIBLE)


def headline_qualification(framework: CompetencyFramework) -> Qualification | None:
    """The qualification the team page reports on: the framework's first, by title. Two queries
    (with the competencies its observations must be of)."""
    # Not the scale of its own copy of the framework: it is given `framework`, scale read.
    qualification = (
        qualifications_for(framework)
        .prefetch_related(None)
        .prefetch_related("observation_competencies")
        .first()
    )
    if qualification is not None:
        # The same framework row: its evidence rules, once read, serve both.
        qualification.framework = framework
    return qualification


def _latest_certificates(
    worker_ids: list[int], qualification: Qualification, *, today: datetime.date
) -> dict[int, Certificate]:
    """Each worker's current certificate of `qualification`, or else their latest one, with its
    status and expiry: what the team page shows of it, and nothing else (reading another field
    is a query each). One query."""
    latest: dict[int, Certificate] = {}
    certificates = with_status(
        # A team of 200 holds over a hundred: the other two dozen fields (the snapshot's page
        # of JSON among them) would be decoded for nothing.
        Certificate.objects.filter(holder_id__in=worker_ids, qualification=qualification).only(
            "holder_id", "is_current", "expires_on"
        ),
        today=today,
    ).order_by("holder_id", "-is_current", "-issued_on", "-pk")
    if connection.vendor == "postgresql":
        # DISTINCT ON: the first of each holder's in that order, chosen by the database rather
        # than read (a team of 200 holds over 400) and passed over here.
        certificates = certificates.distinct("holder_id")
    for certificate in certificates:
        latest.setdefault(certificate.holder_id, certificate)
    return latest


# Judging a worker's progress reads all their assessments: the team pages judge up to this many
# at once (a practice or a PCN); a manager of more (a national manager of thousands) chooses an
# organisation, or searches, first.
TEAM_JUDGED_MAX = 300

# How far ahead the team page warns that a competency's refresher runs out.
REFRESHER_NOTICE_DAYS = 60


def _cpd_pace(
    qualification: Qualification | None, in_post_since: datetime.date, today: datetime.date
) -> Decimal:
    """CPD points a worker should have over the last 12 months to meet the yearly minimum:
    all of it after a year in post, a share of it for someone newer."""
    if qualification is None or not qualification.min_cpd_points_year:
        return Decimal("0")
    counted_days = min((today - in_post_since).days, 365)
    # Whole points only: nobody is behind by a fraction of a point in their first days.
    return Decimal(qualification.min_cpd_points_year * max(counted_days, 0) // 365)


def team_overview(
    manager: User,
    curriculum: CurriculumPage,
    *,
    organisation: Organisation | None = None,
    search: str = "",
    today: datetime.date | None = None,
    limit: int | None = None,
) -> TeamOverview:
    """Every link worker in the manager's team with their progress, upkeep, qualification status
    and flags, and the register's counts. Fourteen queries whatever the team's size, and four
    more when anyone may be eligible; with more than `limit` link workers, only how many there
    are and the register's counts."""
    today = today or timezone.localdate()
    framework = curriculum.framework
    threshold = framework.proficiency_threshold
    members = team_members(manager, organisation=organisation, search=search, on=today)
    if limit is not None and len(members) > limit:
        return TeamOverview(
            qualification=None,
            rows=[],
            register=register_counts(manager, organisation=organisation),
            too_many=len(members),
        )
    ids = [member.worker.pk for member in members]
    competencies = list(Competency.objects.filter(framework=framework).assessable())
    competency_ids = [c.pk for c in competencies]
    core_ids = [c.pk for c in competencies if c.is_core]
    milestone_ids = [c.pk for c in competencies if c.needed_before_unsupervised_work]
    rules = rules_for(framework)
    qualification = headline_qualification(framework)
    rule_ids, rule_level = core_rule(qualification, rules) if qualification else ([], None)
    # Counted from the kept levels (`competencies.standings`): the page never says what each
    # competency is missing.
    briefs = standing_briefs(
        ids,
        framework,
        rules=rules,
        groups={
            "core": (core_ids, threshold),
            "milestones": (milestone_ids, threshold),
            "core_rule": (rule_ids, rule_level),
        },
        dated=competency_ids,
        as_of=today,
    )
    figures = upkeep(ids, today=today)
    certificates: dict[int, Certificate] = {}
    checklists: dict[int, Checklist] = {}
    if qualification is not None:
        certificates = _latest_certificates(ids, qualification, today=today)
        # Only someone who meets the core rule and holds no current certificate can be flagged
        # eligible: the rest of the checklist (observers, supervisors, every requirement) is
        # judged for them alone, not for a whole team of whom most are not near.
        candidates = [
            worker_id
            for worker_id in ids
            if rule_ids
            and briefs[worker_id].at_level["core_rule"] == len(rule_ids)
            and not (worker_id in certificates and certificates[worker_id].is_current)
        ]
        if candidates:
            # As the register's candidates are judged: assessments of any date, upkeep to today.
            checklists = checklists_for(
                candidates,
                qualification,
                achieved=standing_achievements(candidates, framework, rules=rules, as_of=today),
                figures=figures,
                rules=rules,
            )
    refresher_notice = today + datetime.timedelta(days=REFRESHER_NOTICE_DAYS)
    supervision_due_before = today - relativedelta(months=SUPERVISION_GAP_MONTHS)

    rows = []
    for member in members:
        worker_id = member.worker.pk
        brief = briefs[worker_id]
        upkept = figures[worker_id]
        certificate = certificates.get(worker_id)
        checklist = checklists.get(worker_id)
        flags = []
        since = upkept.last_supervision_on or member.in_post_since
        if since <= supervision_due_before:
            flags.append(Flag.NO_RECENT_SUPERVISION)
        if upkept.cpd_points_last_12_months < _cpd_pace(qualification, member.in_post_since, today):
            flags.append(Flag.CPD_BEHIND)
        status = certificate.status_today if certificate else None
        if status == CertificateStatus.RENEWAL_DUE:
            flags.append(Flag.RENEWAL_DUE)
        elif status == CertificateStatus.EXPIRED:
            flags.append(Flag.LAPSED)
        if checklist is not None and checklist.eligible:
            flags.append(Flag.ELIGIBLE)
        due = brief.first_refresh_due_on
        if due is not None and due <= refresher_notice:
            flags.append(Flag.REFRESHER_DUE)
        rows.append(
            TeamRow(
                member=member,
                core_proficient=brief.at_level["core"],
                core_total=len(core_ids),
                milestone_proficient=brief.at_level["milestones"],
                milestone_total=len(milestone_ids),
                last_assessed_on=brief.last_met_on,
                upkeep=upkept,
                certificate=certificate,
                flags=tuple(flags),
            )
        )
    return TeamOverview(
        qualification=qualification,
        rows=rows,
        register=register_counts(manager, organisation=organisation),
    )


class TeamSort(models.TextChoices):
    """The orders the team page offers."""

    NAME = "name", "Name"
    FLAGS = "flags", "Most flags first"
    CORE_LEAST = "core", "Fewest core competencies at proficiency first"
    CORE_MOST = "-core", "Most core competencies at proficiency first"
    LAST_ASSESSED = "assessed", "Longest since last assessed first"
    SUPERVISION = "supervision", "Fewest supervision sessions first"
    CPD = "cpd", "Fewest CPD points first"


def sort_and_filter(rows: list[TeamRow], *, sort: str = "", flag: str = "") -> list[TeamRow]:
    """The rows with `flag` (all when empty), in the `sort` order (by name when empty)."""
    if flag:
        rows = [row for row in rows if flag in row.flags]

    def name(row: TeamRow) -> tuple:
        return (row.worker.full_name.casefold(), row.worker.email)

    keys = {
        TeamSort.FLAGS: lambda row: (-len(row.flags), name(row)),
        TeamSort.CORE_LEAST: lambda row: (row.core_proficient, name(row)),
        TeamSort.CORE_MOST: lambda row: (-row.core_proficient, name(row)),
        TeamSort.LAST_ASSESSED: lambda row: (
            row.last_assessed_on or datetime.date.min,
            name(row),
        ),
        TeamSort.SUPERVISION: lambda row: (
            row.upkeep.supervision_sessions_last_12_months,
            name(row),
        ),
        TeamSort.CPD: lambda row: (row.upkeep.cpd_points_last_12_months, name(row)),
    }
    return sorted(rows, key=keys.get(sort, name))


# --- The competency matrix and gaps -----------------------------------------------------------


@dataclass(frozen=True)
class ModuleGroup:
    """A module's columns in the matrix: the competencies it is the first to teach."""

    title: str
    code: str
    competencies: list[Competency]


@dataclass(frozen=True)
class Cell:
    level: int
    band: str
    missing: str = ""  # what is still needed, under the competency's evidence rule


@dataclass(frozen=True)
class MatrixRow:
    member: TeamMember
    cells: list[Cell]

    @property
    def worker(self) -> User:
        return self.member.worker


@dataclass(frozen=True)
class TeamMatrix:
    """Workers by competencies, grouped by module, each cell the current level: a page of the
    team's rows, with the whole team's count at proficiency in each competency."""

    groups: list[ModuleGroup]
    competencies: list[Competency]
    rows: list[MatrixRow]  # the page's link workers
    threshold: int | None
    level_names: dict[int, str]
    modules: list[ModulePage]
    too_many: int = 0  # how many link workers, when too many to judge at once
    team_size: int = 0  # every link worker matching the filters, on any page
    # How many of the whole team (every page) are at proficiency, by competency.
    proficient_by_competency: list[int] = field(default_factory=list)
    page_obj: Page | None = None

    @property
    def threshold_name(self) -> str:
        return self.level_names.get(self.threshold, "") if self.threshold else ""


# The matrix shows this many link workers a page: a PCN of 200 would otherwise be a table of
# 6,000 cells (close to a megabyte of HTML) that no one reads at once.
MATRIX_PAGE_SIZE = 25


def band(level: int, threshold: int | None) -> str:
    """The matrix band of `level` given the framework's proficiency threshold."""
    if level == 0:
        return Band.NONE
    if threshold is None or level < threshold - 1:
        return Band.BELOW
    if level < threshold:
        return Band.NEAR
    return Band.PROFICIENT if level == threshold else Band.BEYOND


def team_matrix(
    manager: User,
    curriculum: CurriculumPage,
    *,
    organisation: Organisation | None = None,
    search: str = "",
    limit: int | None = None,
    page: int | str | None = 1,
    page_size: int | None = None,
    with_rows: bool = True,
) -> TeamMatrix:
    """The current level of each of the manager's link workers on each competency in use,
    columns grouped by the first live module teaching them: `page` of the team by name
    (`page_size` a page, else `MATRIX_PAGE_SIZE`; no rows `with_rows=False`, as the gaps page
    asks), and the whole team's count at proficiency in each competency.

    Every worker of the team is judged, in one pass over one query's rows (the counts need
    them all); only the page's say what is missing in each cell. Nine queries whatever the size
    (the framework's scale comes prefetched by `default_curriculum`); with more than `limit`
    link workers, only how many there are."""
    framework = curriculum.framework
    threshold = framework.proficiency_threshold
    members = team_members(manager, organisation=organisation, search=search)
    if limit is not None and len(members) > limit:
        return TeamMatrix(
            groups=[],
            competencies=[],
            rows=[],
            threshold=threshold,
            level_names=level_names(framework),
            modules=[],
            too_many=len(members),
        )
    rules = rules_for(framework)
    competency_rows = {
        competency.pk: competency
        for competency in Competency.objects.filter(framework=framework)
        .assessable()
        .order_by("sort_order", "pk")
    }
    modules = list(
        ModulePage.objects.child_of(curriculum)
        .live()
        .order_by("path")
        # The column headings and the gaps page read no more of a module than this.
        .only("title", "code", "path")
        .prefetch_related(
            Prefetch(
                "module_competencies",
                queryset=ModuleCompetency.objects.order_by("sort_order").only(
                    "module_id", "competency_id"
                ),
            )
        )
    )
    groups = []
    placed: set[int] = set()
    for module in modules:
        # A competency taught in two modules gets one column, under the first.
        columns = [
            competency_rows[link.competency_id]
            for link in module.module_competencies.all()
            if link.competency_id in competency_rows and link.competency_id not in placed
        ]
        placed.update(c.pk for c in columns)
        if columns:
            groups.append(ModuleGroup(module.title, module.code, columns))
    unplaced = [c for pk, c in competency_rows.items() if pk not in placed]
    if unplaced:
        groups.append(ModuleGroup("Not taught in a module", "", unplaced))
    competencies = [c for group in groups for c in group.competencies]
    page_obj = None
    shown: list[TeamMember] = []
    if with_rows:
        page_obj = Paginator(members, page_size or MATRIX_PAGE_SIZE).get_page(page)
        shown = list(page_obj.object_list)
    # Kept between requests (`competencies.standings`), judged again only where they may have
    # changed, and counted in the database: the whole team's counts, the page's cells.
    proficient, achieved = proficiency_counts(
        [m.worker.pk for m in members],
        framework,
        rules=rules,
        in_full={m.worker.pk for m in shown},
    )
    rows = []
    for member in shown:
        cells = []
        for competency in competencies:
            achievement = achieved.get((member.worker.pk, competency.pk))
            level = achievement.level if achievement else 0
            # Where there is evidence but the rule is not met yet, the cell says what is missing.
            missing = achievement.missing if achievement is not None else ""
            cells.append(Cell(level, band(level, threshold), missing))
        rows.append(MatrixRow(member, cells))
    return TeamMatrix(
        groups=groups,
        competencies=competencies,
        rows=rows,
        threshold=threshold,
        level_names=level_names(framework),
        modules=modules,
        team_size=len(members),
        proficient_by_competency=[proficient[c.pk] for c in competencies],
        page_obj=page_obj,
    )


@dataclass(frozen=True)
class Gap:
    """How many of the team are proficient in one competency, or how far a module has got."""

    code: str
    title: str
    proficient: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.proficient / self.total) if self.total else 0


@dataclass(frozen=True)
class TeamGaps:
    """Where the team is furthest behind: competencies and modules, the weakest first."""

    team_size: int
    competencies: list[Gap]
    modules: list[Gap]
    too_many: int = 0  # how many link workers, when too many to judge at once


def team_gaps(matrix: TeamMatrix) -> TeamGaps:
    """The competencies with the fewest proficient workers and the modules with the smallest share
    of their competencies at proficiency across the team, from `team_matrix` (no queries)."""
    size = matrix.team_size
    counts = dict(
        zip(
            (c.pk for c in matrix.competencies),
            matrix.proficient_by_competency,
            strict=True,
        )
    )
    competencies = sorted(
        (Gap(c.id_number, c.short_name, counts[c.pk], size) for c in matrix.competencies),
        key=lambda gap: (gap.proficient, gap.code),
    )
    modules = []
    for module in matrix.modules:
        taught = {link.competency_id for link in module.module_competencies.all()} & counts.keys()
        if taught:
            modules.append(
                Gap(
                    module.code,
                    module.title,
                    sum(counts[pk] for pk in taught),
                    size * len(taught),
                )
            )
    modules.sort(key=lambda gap: (gap.percent, gap.code))
    return TeamGaps(
        team_size=size, competencies=competencies, modules=modules, too_many=matrix.too_many
    )


# --- One worker -------------------------------------------------------------------------------


def assessment_log(worker: User) -> models.QuerySet[Assessment]:
    """Every assessment of `worker`, newest first, corrections and what they replaced included.
    One query a page."""
    return (
        Assessment.objects.filter(worker=worker)
        .select_related("competency", "method", "assessor", "superseded_by", "framework_version")
        .latest_first()
    )


# --- The audit log ----------------------------------------------------------------------------
# What a manager may read of Wagtail's audit log (ModelLogEntry), the whole rule:
#   1. entries about a link worker they manage today (`people_in_scope(manager, MANAGE)`): on
#      the person's account (sign-ins, renames), or on one of their records: certificates,
#      assessments, evidence, supervision sessions, CPD entries, and their memberships of the
#      manager's own organisations;
#   2. entries about one of the organisations they manage (roster imports, exports of it);
#   3. what they did themselves (their own exports and sign-ins).
# An entry whose actor is one of those people but whose object is not is left out: a link
# worker who also assesses elsewhere acts on people the manager does not manage.

AUDIT_ACTION_PREFIXES = ("workforce.", "competencies.", "certificates.")
# Wagtail's own entries, written when an administrator edits a membership or an account.
AUDIT_WAGTAIL_ACTIONS = ("wagtail.create", "wagtail.edit")

# The `data` keys a manager is shown, with their labels; anything else an entry holds (network
# addresses, file names, a revocation's private account, ids) stays in the log.
AUDIT_DATA_LABELS = {
    "report": "Report",
    "file_format": "Format",
    "rows": "Rows",
    "kind": "Kind",
    "level": "Level",
    "competency": "Competency",
    "method": "Method",
    "number": "Certificate",
    "reason": "Reason",
    "role": "Role",
    "starts_on": "From",
    "ends_on": "Until",
    "how": "How",
}


def audit_action_choices() -> list[tuple[str, str]]:
    """The registered actions a manager's audit log can show, by label. No queries."""
    return sorted(
        (
            (action, str(label))
            for action, label in log_action_registry.get_choices()
            if action.startswith(AUDIT_ACTION_PREFIXES) or action in AUDIT_WAGTAIL_ACTIONS
        ),
        key=lambda choice: choice[1].lower(),
    )


def _as_object_ids(queryset: models.QuerySet) -> models.QuerySet:
    # ModelLogEntry.object_id is text: compare it with each primary key written as text.
    return queryset.annotate(log_object_id=Cast("pk", models.CharField())).values("log_object_id")


def _about(people: models.QuerySet, organisations: models.QuerySet) -> Q:
    """Entries about `people`'s accounts and records (memberships: of `organisations` only)."""
    records = {
        User: User.objects.filter(pk__in=people.values("pk")),
        Certificate: Certificate.objects.filter(holder__in=people.values("pk")),
        Assessment: Assessment.objects.filter(worker__in=people.values("pk")),
        Evidence: Evidence.objects.filter(worker__in=people.values("pk")),
        SupervisionSession: SupervisionSession.objects.filter(worker__in=people.values("pk")),
        CPDEntry: CPDEntry.objects.filter(worker__in=people.values("pk")),
        Membership: Membership.objects.filter(
            user__in=people.values("pk"), organisation__in=organisations.values("pk")
        ),
    }
    content_types = ContentType.objects.get_for_models(*records)
    about = Q()
    for model, rows in records.items():
        about |= Q(content_type=content_types[model], object_id__in=_as_object_ids(rows))
    return about


def audit_log(
    manager: User,
    *,
    action: str = "",
    person: User | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> models.QuerySet[ModelLogEntry]:
    """The audit entries `manager` may read (the rule above), newest first, filtered by action,
    by one of their people (what was done to them or by them), and by day. One query (two once
    paginated), whatever the size of the log."""
    people = people_in_scope(manager, Action.MANAGE)
    organisations = organisations_for(manager, Action.MANAGE)
    organisation_type = ContentType.objects.get_for_model(Organisation)
    visible = (
        _about(people, organisations)
        | Q(content_type=organisation_type, object_id__in=_as_object_ids(organisations))
        | Q(user=manager)
    )
    entries = ModelLogEntry.objects.filter(visible)
    if person is not None:
        one = User.objects.filter(pk=person.pk)
        entries = entries.filter(_about(one, organisations) | Q(user=person))
    if action:
        entries = entries.filter(action=action)
    if since is not None:
        entries = entries.filter(timestamp__date__gte=since)
    if until is not None:
        entries = entries.filter(timestamp__date__lte=until)
    return entries.select_related("user").order_by("-timestamp", "-pk")


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as a manager reads it: no data beyond `AUDIT_DATA_LABELS`."""

    timestamp: datetime.datetime
    action: str
    who: str
    about: str
    details: list[tuple[str, str]]


def audit_rows(entries) -> list[AuditRow]:
    """Entries (with their users) as rows for the audit page. No queries."""
    rows = []
    for entry in entries:
        try:
            action = str(log_action_registry.get_action_label(entry.action))
        except KeyError:
            action = entry.action  # an action no longer registered still shows its name
        data = entry.data if isinstance(entry.data, dict) else {}
        rows.append(
            AuditRow(
                timestamp=entry.timestamp,
                action=action,
                who=(entry.user.full_name or entry.user.email) if entry.user else "",
                about=entry.label,
                details=[
                    (label, str(data[key]))
                    for key, label in AUDIT_DATA_LABELS.items()
                    if data.get(key) not in (None, "")
                ],
            )
        )
    return rows
