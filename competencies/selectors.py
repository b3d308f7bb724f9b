"""Reads about a link worker's progress: a fixed number of queries whatever the data size."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Count,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from curriculum.models import (
    AssessmentMethod,
    Competency,
    CompetencyFramework,
    CurriculumPage,
    ModuleCompetency,
    ModulePage,
    ScaleLevel,
)
from workforce.models import Membership, Role, User
from workforce.permissions import Action, actors_for, organisations_for, subjects_of
from workforce.selectors import people_in_scope

from .evidence_rules import (
    Achievement,
    EvidenceRule,
    achievements,
    core_ids_in,
    rules_for,
)
from .models import (
    Assessment,
    CPDEntry,
    Evidence,
    EvidenceOutcome,
    EvidenceReview,
    IqaDecision,
    SupervisionKind,
    SupervisionSession,
)


@dataclass(frozen=True)
class CompetencyStanding:
    """Where a worker stands on one competency, under its evidence rule."""

    competency: Competency
    achievement: Achievement | None
    threshold: int | None
    rule: EvidenceRule | None = None

    @property
    def level(self) -> int:
        """The level that counts: met by the evidence rule, and refreshed when it must be."""
        return self.achievement.level if self.achievement else 0

    @property
    def assessment(self) -> Assessment | None:
        """The latest of the assessments that make the level, for its date and assessor."""
        used = self.achievement.assessments if self.achievement else []
        return max(used, key=lambda a: (a.assessed_on, a.recorded_at), default=None)

    @property
    def lapsed(self) -> bool:
        return bool(self.achievement and self.achievement.lapsed)

    @property
    def missing(self) -> str:
        """What is still needed, in words ("needs a simulation as well as the knowledge test")."""
        if self.achievement is not None:
            return self.achievement.missing
        if self.rule is None or self.threshold is None:
            return ""
        return self.rule.missing_for({}, self.threshold)

    @property
    def proficient(self) -> bool:
        return self.threshold is not None and self.level >= self.threshold


@dataclass(frozen=True)
class ModuleProgress:
    module: ModulePage
    standings: list[CompetencyStanding]

    @property
    def total(self) -> int:
        return len(self.standings)

    @property
    def proficient(self) -> int:
        return sum(standing.proficient for standing in self.standings)

    @property
    def percent(self) -> int:
        return round(100 * self.proficient / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.proficient == self.total


@dataclass(frozen=True)
class WorkerProgress:
    """A link worker's progress through a curriculum and their supervision and CPD."""

    worker: User
    curriculum: CurriculumPage
    modules: list[ModuleProgress]
    standings: dict[int, CompetencyStanding]
    supervision_sessions_last_12_months: int
    cpd_points_last_12_months: Decimal
    cpd_formal_hours_last_12_months: Decimal
    next_steps: list[CompetencyStanding] = field(default_factory=list)

    def _of(self, *, core: bool = False, milestone: bool = False) -> list[CompetencyStanding]:
        return [
            standing
            for standing in self.standings.values()
            if not standing.competency.is_retired
            and (not core or standing.competency.is_core)
            and (not milestone or standing.competency.needed_before_unsupervised_work)
        ]

    @property
    def core(self) -> list[CompetencyStanding]:
        return self._of(core=True)

    @property
    def core_proficient(self) -> int:
        return sum(standing.proficient for standing in self.core)

    @property
    def milestone(self) -> list[CompetencyStanding]:
        return self._of(milestone=True)

    @property
    def safe_to_practise(self) -> bool:
        milestone = self.milestone
        return bool(milestone) and all(standing.proficient for standing in milestone)


def current_assessments(
    worker: User, framework: CompetencyFramework, *, as_of: datetime.date | None = None
) -> dict[int, Achievement]:
    """Each competency's achievement under its evidence rule for one worker, with the
    assessments that make it (their method and assessor loaded). See `evidence_rules`."""
    found = achievements([worker.pk], framework, as_of=as_of, with_assessments=True)
    return {competency_id: achievement for (_, competency_id), achievement in found.items()}


def current_levels(
    worker_ids: list[int], framework: CompetencyFramework, *, as_of: datetime.date | None = None
) -> dict[tuple[int, int], tuple[int, datetime.date]]:
    """Each (worker, competency)'s level that counts and the date it was met, for every pair
    with one (`evidence_rules.achievements`): a fixed number of queries whatever the history."""
    return {
        pair: (achievement.level, achievement.on)
        for pair, achievement in achievements(worker_ids, framework, as_of=as_of).items()
        if achievement.level
    }


@dataclass(frozen=True)
class Upkeep:
    """A worker's confirmed supervision and CPD over the 12 months before the day judged."""

    supervision_sessions_last_12_months: int = 0
    last_supervision_on: datetime.date | None = None
    cpd_points_last_12_months: Decimal = Decimal("0")
    cpd_formal_hours_last_12_months: Decimal = Decimal("0")


def upkeep(worker_ids: list[int], *, today: datetime.date | None = None) -> dict[int, Upkeep]:
    """For each worker: confirmed supervision sessions that count (not peer sessions) in the 12
    months to `today` and the latest one; CPD points and formal hours in the same 12 months, so
    that a renewal early in a year can be met. Two queries."""
    today = today or timezone.localdate()
    year_ago = today - relativedelta(years=1)
    sessions = (
        SupervisionSession.objects.filter(
            worker_id__in=worker_ids, confirmed_at__isnull=False, held_on__lte=today
        )
        .exclude(kind=SupervisionKind.PEER)
        .values("worker_id")
        .annotate(recent=Count("pk", filter=Q(held_on__gt=year_ago)), last=Max("held_on"))
        .order_by()
    )
    supervision = {row["worker_id"]: (row["recent"], row["last"]) for row in sessions}
    cpd_rows = (
        CPDEntry.objects.filter(worker_id__in=worker_ids, done_on__gt=year_ago, done_on__lte=today)
        .values("worker_id")
        .annotate(points=Sum("points"), formal=Sum("hours", filter=Q(is_formal=True)))
        .order_by()
    )
    cpd = {row["worker_id"]: (row["points"], row["formal"]) for row in cpd_rows}
    result = {}
    for worker_id in worker_ids:
        recent, last = supervision.get(worker_id, (0, None))
        points, formal = cpd.get(worker_id, (None, None))
        result[worker_id] = Upkeep(
            supervision_sessions_last_12_months=recent,
            last_supervision_on=last,
            cpd_points_last_12_months=points or Decimal("0"),
            cpd_formal_hours_last_12_months=formal or Decimal("0"),
        )
    return result


def supervision_and_cpd(worker: User, *, today: datetime.date | None = None) -> dict:
    """Confirmed supervision sessions that count, and CPD points and formal hours, in the last
    12 months. Two queries."""
    figures = upkeep([worker.pk], today=today)[worker.pk]
    return {
        "supervision_sessions_last_12_months": figures.supervision_sessions_last_12_months,
        "cpd_points_last_12_months": figures.cpd_points_last_12_months,
        "cpd_formal_hours_last_12_months": figures.cpd_formal_hours_last_12_months,
    }


NEXT_STEPS = 5


def worker_progress(worker: User, curriculum: CurriculumPage) -> WorkerProgress:
    """Progress of `worker` through `curriculum`, in a fixed number of queries."""
    framework = curriculum.framework
    threshold = framework.proficiency_threshold
    competencies = list(
        Competency.objects.filter(framework=framework)
        .exclude(parent_id_number="")
        .order_by("sort_order")
    )
    rules = rules_for(framework)
    latest = {
        competency_id: achievement
        for (_, competency_id), achievement in achievements(
            [worker.pk], framework, with_assessments=True, rules=rules
        ).items()
    }
    standings = {
        competency.pk: CompetencyStanding(
            competency, latest.get(competency.pk), threshold, rules.get(competency.pk)
        )
        for competency in competencies
    }
    modules = list(
        ModulePage.objects.child_of(curriculum)
        .live()
        .order_by("path")
        .prefetch_related("module_competencies")
    )
    module_progress = [
        ModuleProgress(
            module=module,
            standings=[
                standings[link.competency_id]
                for link in sorted(
                    module.module_competencies.all(), key=lambda link: link.sort_order
                )
                if link.competency_id in standings
            ],
        )
        for module in modules
    ]
    # What to work on next: unfinished milestone competencies first, then other core ones.
    open_core = [
        standing
        for standing in standings.values()
        if standing.competency.is_core
        and not standing.proficient
        and not standing.competency.is_retired
    ]
    open_core.sort(key=lambda s: (not s.competency.needed_before_unsupervised_work, -s.level))
    return WorkerProgress(
        worker=worker,
        curriculum=curriculum,
        modules=module_progress,
        standings=standings,
        next_steps=open_core[:NEXT_STEPS],
        **supervision_and_cpd(worker),
    )


def assessment_history(worker: User, competency: Competency) -> QuerySet[Assessment]:
    """Every assessment of `worker` on `competency`, newest first, corrections included."""
    return (
        Assessment.objects.filter(worker=worker, competency=competency)
        .select_related(
            "method",
            "assessor",
            "framework_version",
            "superseded_by",
            "supersedes",
            "countersignature__supervisor",
            "confirmation",
            "iqa_sample",
        )
        .prefetch_related("evidence")
        .latest_first()
    )


def evidence_with_outcome(queryset: QuerySet[Evidence]) -> QuerySet[Evidence]:
    """Annotate each evidence item with its current outcome (its latest review, or waiting)."""
    latest = EvidenceReview.objects.filter(evidence=OuterRef("pk")).order_by("-reviewed_at", "-pk")
    return queryset.annotate(
        outcome=Coalesce(Subquery(latest.values("outcome")[:1]), Value(EvidenceOutcome.SUBMITTED))
    )


def review_queue(assessor: User) -> QuerySet[Evidence]:
    """Evidence waiting for review from link workers the assessor may assess, oldest first."""
    return (
        evidence_with_outcome(
            Evidence.objects.filter(worker__in=people_in_scope(assessor, Action.REVIEW_EVIDENCE))
        )
        .filter(outcome=EvidenceOutcome.SUBMITTED)
        .select_related("worker")
        .prefetch_related("competencies")
        .order_by("submitted_at", "pk")
    )


def countersign_requests(supervisor: User) -> QuerySet[Assessment]:
    """Assessments waiting for this supervisor's countersignature, for workers they may still
    countersign for today: a request made before they left the worker's organisation lapses."""
    return (
        Assessment.objects.filter(
            countersign_requested_from=supervisor,
            countersignature__isnull=True,
            worker__in=subjects_of(supervisor, Action.COUNTERSIGN),
        )
        .select_related("worker", "competency", "method", "assessor")
        .order_by("assessed_on", "pk")
    )


def proficient_counts(workers: QuerySet[User], framework: CompetencyFramework) -> dict[int, int]:
    """How many core competencies each worker holds at proficiency now, under the evidence
    rules. A fixed number of queries; retired competencies do not count, and without a
    threshold nothing does."""
    threshold = framework.proficiency_threshold
    if threshold is None:
        return {}
    rules = rules_for(framework)
    core = set(core_ids_in(rules))
    counts: dict[int, int] = defaultdict(int)
    worker_ids = list(workers.values_list("pk", flat=True))
    for (worker_id, competency_id), achievement in achievements(
        worker_ids, framework, rules=rules
    ).items():
        if competency_id in core and achievement.level >= threshold:
            counts[worker_id] += 1
    return dict(counts)


# --- Page reads for the learner and assessor pages -----------------------------------------


def default_curriculum() -> CurriculumPage | None:
    """The curriculum progress is shown against: the first live one, with its framework's scale."""
    return (
        CurriculumPage.objects.live()
        .order_by("path")
        .select_related("framework")
        .prefetch_related("framework__scale_levels")
        .first()
    )


def level_names(framework: CompetencyFramework) -> dict[int, str]:
    """Each level of the framework's scale by value, with 0 for "not assessed"."""
    names = {level.value: level.name for level in framework.scale_levels.all()}
    return {0: "Not assessed", **names}


@dataclass(frozen=True)
class LabelledStanding:
    """A standing with its level's name on the framework's scale, ready for a page."""

    standing: CompetencyStanding
    level_name: str

    @property
    def competency(self) -> Competency:
        return self.standing.competency


@dataclass(frozen=True)
class ProgressOverview:
    """What the progress pages show: per-module standings, milestone, core, next steps."""

    progress: WorkerProgress
    modules: list[tuple[ModuleProgress, list[LabelledStanding]]]
    next_steps: list[LabelledStanding]
    milestone_open: list[LabelledStanding]
    milestone_total: int
    milestone_proficient: int
    core_total: int
    threshold_name: str | None


def progress_overview(worker: User, curriculum: CurriculumPage) -> ProgressOverview:
    """`worker_progress` labelled for display; no queries beyond it when the scale is prefetched."""
    progress = worker_progress(worker, curriculum)
    names = level_names(curriculum.framework)

    def label(standing: CompetencyStanding) -> LabelledStanding:
        if standing.lapsed:
            return LabelledStanding(standing, "Refresher overdue")
        if not standing.level and standing.achievement is not None:
            # Assessed, but the evidence rule is not met at any level yet.
            return LabelledStanding(standing, "Not met yet")
        return LabelledStanding(standing, names.get(standing.level, f"Level {standing.level}"))

    threshold = curriculum.framework.proficiency_threshold
    return ProgressOverview(
        progress=progress,
        modules=[(module, [label(s) for s in module.standings]) for module in progress.modules],
        next_steps=[label(s) for s in progress.next_steps],
        milestone_open=[label(s) for s in progress.milestone if not s.proficient],
        milestone_total=len(progress.milestone),
        milestone_proficient=sum(s.proficient for s in progress.milestone),
        core_total=len(progress.core),
        threshold_name=names.get(threshold) if threshold is not None else None,
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One assessment in a competency's history, with its level's name and any correction."""

    assessment: Assessment
    level_name: str
    superseded_by: Assessment | None
    counts: bool = False  # one of the assessments meeting the evidence rule now

    @property
    def pending(self) -> bool:
        """Entered by someone else in the assessor's name and not yet confirmed by them."""
        return self.assessment.needs_confirmation and not hasattr(self.assessment, "confirmation")

    @property
    def on_hold(self) -> bool:
        """Not agreed by internal quality assurance: it counts again only once re-assessed."""
        sample = getattr(self.assessment, "iqa_sample", None)
        return sample is not None and sample.decision == IqaDecision.NOT_AGREED


def competency_record(worker: User, competency: Competency) -> dict:
    """A worker's history on one competency (corrections included), where they stand under its
    evidence rule, and the evidence claiming it."""
    framework = competency.framework
    names = level_names(framework)
    rules = rules_for(framework)
    achievement = achievements(
        [worker.pk], framework, with_assessments=True, competency_ids=[competency.pk], rules=rules
    ).get((worker.pk, competency.pk))
    rule = rules.get(competency.pk)
    threshold = framework.proficiency_threshold
    used = {assessment.pk for assessment in achievement.assessments} if achievement else set()
    history = [
        HistoryEntry(
            assessment,
            names.get(assessment.level, f"Level {assessment.level}"),
            _superseded_by(assessment),
            counts=assessment.pk in used,
        )
        for assessment in assessment_history(worker, competency)
    ]
    return {
        "history": history,
        "standing": CompetencyStanding(competency, achievement, threshold, rule),
        "level_name": names.get(achievement.level, "") if achievement else "",
        "rule": rule,
        "threshold": threshold,
        "evidence": list(
            evidence_with_outcome(
                Evidence.objects.filter(worker=worker, competencies=competency)
            ).order_by("-submitted_at", "-pk")
        ),
    }


def _superseded_by(assessment: Assessment) -> Assessment | None:
    try:
        return assessment.superseded_by
    except Assessment.superseded_by.RelatedObjectDoesNotExist:
        return None


def assessors_for(worker: User, *, on: datetime.date | None = None) -> QuerySet[User]:
    """Who may confirm `worker`'s supervision or countersign for them that day (never `worker`)."""
    return actors_for(worker, Action.COUNTERSIGN, on=on).order_by("full_name", "email")


def claimable_competencies(curriculum: CurriculumPage) -> list[tuple[str, list[Competency]]]:
    """Competencies evidence may claim, grouped by the live module teaching them, in order."""
    modules = (
        ModulePage.objects.child_of(curriculum)
        .live()
        .order_by("path")
        .prefetch_related(
            Prefetch(
                "module_competencies",
                queryset=ModuleCompetency.objects.select_related("competency").order_by(
                    "sort_order"
                ),
            )
        )
    )
    groups = []
    seen: set[int] = set()
    for module in modules:
        competencies = []
        for link in module.module_competencies.all():
            competency = link.competency
            # A competency taught in two modules is offered once, under the first.
            if competency.is_retired or not competency.parent_id_number or competency.pk in seen:
                continue
            seen.add(competency.pk)
            competencies.append(competency)
        if competencies:
            groups.append((module.title, competencies))
    return groups


def evidence_of(worker: User) -> QuerySet[Evidence]:
    """A worker's evidence, newest first, with outcome, claims and reviews (latest first)."""
    return (
        evidence_with_outcome(Evidence.objects.filter(worker=worker))
        .prefetch_related(
            "competencies",
            Prefetch(
                "reviews",
                queryset=EvidenceReview.objects.select_related("reviewer").order_by(
                    "-reviewed_at", "-pk"
                ),
            ),
        )
        .order_by("-submitted_at", "-pk")
    )


def evidence_item(pk: int) -> Evidence | None:
    """One piece of evidence with its outcome, claims, reviews and the assessments it went into."""
    return (
        evidence_with_outcome(Evidence.objects.filter(pk=pk))
        .select_related("worker")
        .prefetch_related(
            Prefetch(
                "competencies",
                queryset=Competency.objects.prefetch_related(
                    "accepted_methods", "required_methods"
                ).order_by("sort_order"),
            ),
            Prefetch(
                "reviews",
                queryset=EvidenceReview.objects.select_related("reviewer").order_by(
                    "-reviewed_at", "-pk"
                ),
            ),
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("competency", "assessor"),
            ),
        )
        .first()
    )


def supervision_sessions_of(worker: User) -> QuerySet[SupervisionSession]:
    """The sessions a worker logged, newest first, with their supervisors."""
    return SupervisionSession.objects.filter(worker=worker).select_related("supervisor")


def sessions_to_confirm(supervisor: User) -> QuerySet[SupervisionSession]:
    """Sessions naming `supervisor` that they have not confirmed yet, oldest first: only with
    workers they may still confirm for today (as `supervision_confirm` requires)."""
    return (
        SupervisionSession.objects.filter(
            supervisor=supervisor,
            confirmed_at__isnull=True,
            worker__in=subjects_of(supervisor, Action.COUNTERSIGN),
        )
        .select_related("worker")
        .order_by("held_on", "pk")
    )


def cpd_entries_of(worker: User) -> QuerySet[CPDEntry]:
    """A worker's CPD entries, newest first, with any evidence attached."""
    return CPDEntry.objects.filter(worker=worker).select_related("evidence")


@dataclass(frozen=True)
class CaseloadRow:
    worker: User
    proficient: int


def caseload_rows(assessor: User, framework: CompetencyFramework | None) -> list[CaseloadRow]:
    """The assessor's link workers with how many core competencies each holds at proficiency."""
    workers = people_in_scope(assessor, Action.ASSESS)
    counts = proficient_counts(workers, framework) if framework is not None else {}
    return [CaseloadRow(worker, counts.get(worker.pk, 0)) for worker in workers]


def core_count(framework: CompetencyFramework) -> int:
    """How many core competencies in use (not retired) the framework holds."""
    return framework.competencies.assessable().filter(is_core=True).count()


def scale_of(framework_id: int) -> list[ScaleLevel]:
    """The framework's rating scale, lowest level first."""
    return list(ScaleLevel.objects.filter(framework_id=framework_id).order_by("value"))


def methods_accepted_by(competencies: QuerySet[Competency]) -> QuerySet[AssessmentMethod]:
    """The assessment methods that any of these competencies' evidence rules names."""
    return AssessmentMethod.objects.filter(
        Q(competencies__in=competencies) | Q(competencies_requiring__in=competencies)
    ).distinct()


def open_counts(assessor: User) -> dict[str, int]:
    """What waits for the assessor: evidence, countersignatures, sessions. Three queries."""
    return {
        "evidence": review_queue(assessor).count(),
        "countersign": countersign_requests(assessor).count(),
        "sessions": sessions_to_confirm(assessor).count(),
    }


def assessors_by_method(
    worker_ids: list[int],
    framework: CompetencyFramework,
    method_ids: set[int],
    *,
    as_of: datetime.date | None = None,
    of_competencies: dict[int, set[int]] | None = None,
) -> dict[tuple[int, int], set[int]]:
    """For each (worker, method), who assessed the worker by it (assessments that count, made on
    or before `as_of`), for a method named in `of_competencies` only assessments of those
    competencies. One query; none when there is no method to look for.

    Every observation that still counts is included, even where a later assessment by another
    method is now the competency's current level: the observation itself happened.
    """
    found: dict[tuple[int, int], set[int]] = {}
    if not method_ids or not worker_ids:
        return found
    of_competencies = of_competencies or {}
    which = Q()
    for method_id in method_ids:
        competency_ids = of_competencies.get(method_id)
        which |= (
            Q(method_id=method_id, competency_id__in=competency_ids)
            if competency_ids
            else Q(method_id=method_id)
        )
    rows = (
        Assessment.objects.filter(worker_id__in=worker_ids, competency__framework=framework)
        .filter(which)
        .counting(as_of)
        .values_list("worker_id", "method_id", "assessor_id")
        .order_by()  # distinct triples: the default order would make each assessment distinct
        .distinct()
    )
    for worker_id, method_id, assessor_id in rows:
        found.setdefault((worker_id, method_id), set()).add(assessor_id)
    return found


def named_supervisors(
    worker_ids: list[int], *, on: datetime.date | None = None
) -> dict[int, set[int]]:
    """Each worker's named supervisors on that day (one per link-worker membership). One query."""
    rows = (
        Membership.objects.active_on(on)
        .filter(user_id__in=worker_ids, role=Role.LINK_WORKER, supervisor__isnull=False)
        .values_list("user_id", "supervisor_id")
        .order_by()  # sets of ids: the default order would join people and organisations for it
    )
    found: dict[int, set[int]] = defaultdict(set)
    for worker_id, supervisor_id in rows:
        found[worker_id].add(supervisor_id)
    return dict(found)


# --- Imports and exports --------------------------------------------------------------------


def importable_workers(actor: User | None) -> QuerySet[User]:
    """Link workers whose assessments `actor` may import today (never themselves). None, a
    command-line import: anyone who has been a link worker."""
    if actor is None:
        return User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(role=Role.LINK_WORKER).values("user"),
        )
    return subjects_of(actor, Action.IMPORT_ASSESSMENTS).filter(is_active=True)


def assessor_candidates(actor: User | None) -> QuerySet[User]:
    """People an import by `actor` may name as assessor: anyone who has been an assessor in
    the actor's organisations (whether they could assess on the day is the rules' question)."""
    memberships = Membership.objects.filter(role=Role.ASSESSOR)
    if actor is not None:
        memberships = memberships.filter(
            organisation__in=organisations_for(actor, Action.IMPORT_ASSESSMENTS)
        )
    return User.objects.filter(pk__in=memberships.values("user"))


def visible_workers(user: User) -> QuerySet[User]:
    """Link workers whose records `user` may see today: their organisations' active link workers
    as a manager or assessor, and themselves as a link worker."""
    own = Membership.objects.active_on().filter(role=Role.LINK_WORKER, user=user)
    return (
        subjects_of(user, Action.VIEW_RECORDS)
        .filter(Q(pk__in=own.values("user")) | Q(is_active=True) & ~Q(pk=user.pk))
        .order_by("full_name", "email")
    )


def assessment_history_rows(workers: QuerySet[User]) -> QuerySet[Assessment]:
    """Every assessment of these workers, corrections included, oldest first. One query."""
    return (
        Assessment.objects.filter(worker__in=workers)
        .select_related(
            "worker",
            "competency",
            "method",
            "assessor",
            "framework_version__framework",
            "superseded_by",
        )
        .order_by(
            "worker__full_name", "worker__email", "competency__sort_order", "assessed_on", "pk"
        )
    )


@dataclass(frozen=True)
class ProgressMatrix:
    """A row per link worker, a column per competency, each cell the current level (0: none)."""

    competencies: list[Competency]
    rows: list[tuple[User, list[int]]]
    level_names: dict[int, str]


def progress_matrix(organisation_id: int, framework: CompetencyFramework) -> ProgressMatrix:
    """The current level of each of the organisation's link workers (today) on each competency
    in use in the framework. Three queries whatever the size (four unless the scale is
    prefetched, as `default_curriculum` does)."""
    competencies = list(
        Competency.objects.filter(framework=framework).assessable().order_by("sort_order")
    )
    workers = list(
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.active_on()
            .filter(organisation_id=organisation_id, role=Role.LINK_WORKER)
            .values("user"),
        ).order_by("full_name", "email")
    )
    levels = current_levels([worker.pk for worker in workers], framework)
    return ProgressMatrix(
        competencies=competencies,
        rows=[
            (worker, [levels.get((worker.pk, c.pk), (0, None))[0] for c in competencies])
            for worker in workers
        ],
        level_names=level_names(framework),
    )
