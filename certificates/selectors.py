"""Reads about qualifications: the rules and how far a link worker has met them."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from competencies.selectors import assessors_by_method, current_assessments, supervision_and_cpd
from curriculum.models import Competency, CompetencyFramework
from workforce.models import User

from .models import Qualification, QualificationRequirement


@dataclass(frozen=True)
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
    """The qualifications awarded against `framework`, with what their checklists read."""
    return (
        Qualification.objects.filter(framework=framework)
        .select_related("framework", "observation_method", "required_method")
        .order_by("title", "pk")
    )


def _number(value: Decimal | int) -> str:
    """20.00 as "20", 7.50 as "7.5"."""
    value = Decimal(value)
    return str(
        value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    )


def _at_least(label: str, have: Decimal | int, need: int) -> ChecklistItem:
    return ChecklistItem(label, have >= need, f"{_number(have)} of {need}")


def qualification_checklist(
    worker: User, qualification: Qualification, *, today: datetime.date | None = None
) -> Checklist:
    """Each rule of `qualification` for `worker`, from assessments that stand, confirmed
    supervision and this year's CPD. Six queries whatever the number of records, fewer when the
    qualification's framework and methods are already loaded (see `qualifications_for`)."""
    framework = qualification.framework
    current = current_assessments(worker, framework)
    figures = supervision_and_cpd(worker, today=today)
    core_ids = list(
        Competency.objects.filter(framework=framework, is_core=True, is_retired=False)
        .exclude(parent_id_number="")
        .values_list("pk", flat=True)
    )
    requirements = (
        QualificationRequirement.objects.filter(qualification=qualification)
        .select_related("competency")
        .order_by("sort_order", "pk")
    )

    def level(competency_id: int) -> int:
        assessment = current.get(competency_id)
        return assessment.level if assessment else 0

    core_level = qualification.all_core_at_level
    core_done = sum(level(pk) >= core_level for pk in core_ids)
    items = [
        ChecklistItem(
            f"Core competencies at level {core_level} or above",
            core_done == len(core_ids),
            f"{core_done} of {len(core_ids)}",
        )
    ]
    for requirement in requirements:
        competency = requirement.competency
        have = level(competency.pk)
        items.append(
            ChecklistItem(
                f"{competency.id_number} {competency.short_name} at level "
                f"{requirement.min_level} or above",
                have >= requirement.min_level,
                f"level {have}" if have else "not assessed",
            )
        )
    by_method = assessors_by_method(
        worker,
        framework,
        {qualification.observation_method_id, qualification.required_method_id} - {None},
    )
    if qualification.observation_method_id and qualification.min_direct_observations:
        # Two observations by the same assessor count once: the rule asks for different eyes.
        observers = by_method[qualification.observation_method_id]
        items.append(
            _at_least(
                "Direct observations by different assessors",
                len(observers),
                qualification.min_direct_observations,
            )
        )
    if qualification.required_method_id:
        done = bool(by_method[qualification.required_method_id])
        items.append(
            ChecklistItem(qualification.required_method.name, done, "done" if done else "not yet")
        )
    items += [
        _at_least(
            "Supervision sessions in the last 12 months",
            figures["supervision_sessions_last_12_months"],
            qualification.min_supervision_sessions_12_months,
        ),
        _at_least(
            "CPD points this year",
            figures["cpd_points_this_year"],
            qualification.min_cpd_points_year,
        ),
        _at_least(
            "Formal CPD hours this year",
            figures["cpd_formal_hours_this_year"],
            qualification.min_cpd_formal_hours_year,
        ),
    ]
    return Checklist(qualification=qualification, items=items)
