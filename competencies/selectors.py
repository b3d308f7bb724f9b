"""Reads about a link worker's progress: a fixed number of queries whatever the data size."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from curriculum.models import Competency, CompetencyFramework, CurriculumPage, ModulePage
from workforce.models import Role, User
from workforce.selectors import link_workers_for

from .models import (
    Assessment,
    CPDEntry,
    Evidence,
    EvidenceOutcome,
    EvidenceReview,
    SupervisionSession,
)


@dataclass(frozen=True)
class CompetencyStanding:
    """Where a worker stands on one competency."""

    competency: Competency
    assessment: Assessment | None
    threshold: int | None

    @property
    def level(self) -> int:
        return self.assessment.level if self.assessment else 0

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
    cpd_points_this_year: Decimal
    cpd_formal_hours_this_year: Decimal
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


def current_assessments(worker: User, framework: CompetencyFramework) -> dict[int, Assessment]:
    """Each competency's current assessment: the latest that nothing has superseded. One query."""
    latest: dict[int, Assessment] = {}
    assessments = (
        Assessment.objects.filter(
            worker=worker, competency__framework=framework, superseded_by__isnull=True
        )
        .select_related("method", "assessor")
        .order_by("competency_id", "-assessed_on", "-recorded_at", "-pk")
    )
    for assessment in assessments:
        latest.setdefault(assessment.competency_id, assessment)
    return latest


def supervision_and_cpd(worker: User, *, today: datetime.date | None = None) -> dict:
    """Confirmed supervision sessions in the last 12 months; CPD points and formal hours this
    calendar year. Two queries."""
    today = today or timezone.localdate()
    year_ago = (
        today.replace(year=today.year - 1)
        if not (today.month == 2 and today.day == 29)
        else (today - datetime.timedelta(days=365))
    )
    sessions = SupervisionSession.objects.filter(
        worker=worker, confirmed_at__isnull=False, held_on__gt=year_ago, held_on__lte=today
    ).count()
    cpd = CPDEntry.objects.filter(
        worker=worker, done_on__year=today.year, done_on__lte=today
    ).aggregate(points=Sum("points"), formal_hours=Sum("hours", filter=Q(is_formal=True)))
    return {
        "supervision_sessions_last_12_months": sessions,
        "cpd_points_this_year": cpd["points"] or Decimal("0"),
        "cpd_formal_hours_this_year": cpd["formal_hours"] or Decimal("0"),
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
    latest = current_assessments(worker, framework)
    standings = {
        competency.pk: CompetencyStanding(competency, latest.get(competency.pk), threshold)
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
        )
        .prefetch_related("evidence")
        .order_by("-assessed_on", "-recorded_at", "-pk")
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
            Evidence.objects.filter(worker__in=link_workers_for(assessor, Role.ASSESSOR))
        )
        .filter(outcome=EvidenceOutcome.SUBMITTED)
        .select_related("worker")
        .prefetch_related("competencies")
        .order_by("submitted_at", "pk")
    )


def countersign_requests(supervisor: User) -> QuerySet[Assessment]:
    """Assessments waiting for this supervisor's countersignature."""
    return (
        Assessment.objects.filter(
            countersign_requested_from=supervisor, countersignature__isnull=True
        )
        .select_related("worker", "competency", "method", "assessor")
        .order_by("assessed_on", "pk")
    )


def proficient_counts(workers: QuerySet[User], framework: CompetencyFramework) -> dict[int, int]:
    """How many competencies each worker holds at proficiency now (current levels), one query."""
    threshold = framework.proficiency_threshold or 0
    current: dict[tuple[int, int], int] = {}
    rows = (
        Assessment.objects.filter(
            worker__in=workers, competency__framework=framework, superseded_by__isnull=True
        )
        .order_by("worker_id", "competency_id", "-assessed_on", "-recorded_at", "-pk")
        .values_list("worker_id", "competency_id", "level")
    )
    for worker_id, competency_id, level in rows:
        current.setdefault((worker_id, competency_id), level)
    counts: dict[int, int] = {}
    for (worker_id, _competency_id), level in current.items():
        if level >= threshold:
            counts[worker_id] = counts.get(worker_id, 0) + 1
    return counts
