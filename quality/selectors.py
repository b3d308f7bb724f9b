"""Reads for internal quality assurance: which assessments are selected for sampling, what an
internal quality assurer (IQA) has left to sample, what is on hold, and managers' coverage.

Selection is a rule, not a stored list, so it never needs a job to keep it up to date. An
assessment is selected when it is among its assessor's first `iqa_first_assessments` (by when
they were recorded, over everything the assessor ever recorded, so later work never pushes one
out), or when its place in a keyed shuffle of assessment numbers falls in the first
`iqa_sample_percent` of 100. Where the worker belongs to several of the organisations in view,
the strictest of their settings applies. Each read here is a fixed number of queries.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Mod, RowNumber
from django.utils import timezone

from competencies.models import Assessment, Evidence, IqaDecision, IqaSample
from workforce.models import Membership, Organisation, Role, User
from workforce.permissions import Action, organisations_for, subjects_of

# The shuffle is (number * A + B) mod P, then mod 100, with A and B derived from SECRET_KEY:
# assessors cannot tell which of their next assessments will be picked, and the same
# assessment is picked on every page load. P is the prime 2**31 - 1, so with assessment numbers
# below 2**32 every product stays inside a 64-bit integer on SQLite and PostgreSQL alike.
_MODULUS = 2_147_483_647


def _shuffle_key() -> tuple[int, int]:
    digest = hashlib.sha256(f"quality.sampling:{settings.SECRET_KEY}".encode()).digest()
    multiplier = int.from_bytes(digest[:4], "big") % (_MODULUS - 1) + 1
    offset = int.from_bytes(digest[4:8], "big") % _MODULUS
    return multiplier, offset


def sample_place(assessment_id: int) -> int:
    """Where an assessment falls, 0 to 99, in the keyed shuffle (as the queries compute it)."""
    multiplier, offset = _shuffle_key()
    return (assessment_id * multiplier + offset) % _MODULUS % 100


def _place_expression():
    multiplier, offset = _shuffle_key()
    return Mod(
        Mod(F("pk") * Value(multiplier) + Value(offset), Value(_MODULUS)),
        Value(100),
        output_field=IntegerField(),
    )


def _strictest(organisations: QuerySet[Organisation], day: datetime.date, setting: str):
    """The highest of an organisation setting over the worker's organisations in view."""
    return Subquery(
        Membership.objects.active_on(day)
        .filter(role=Role.LINK_WORKER, organisation__in=organisations, user=OuterRef("worker_id"))
        .order_by(f"-organisation__{setting}")
        .values(f"organisation__{setting}")[:1],
        output_field=IntegerField(),
    )


def with_selection(
    assessments: QuerySet[Assessment],
    organisations: QuerySet[Organisation],
    *,
    on: datetime.date | None = None,
) -> QuerySet[Assessment]:
    """Annotate `selected`: whether each assessment is selected for sampling under the settings
    of `organisations` (those where its worker is a link worker on that day)."""
    day = on or timezone.localdate()
    # Ranked over all of each assessor's assessments, so "first" means first they ever made.
    first = (
        Assessment.objects.filter(assessor_id__in=assessments.values("assessor_id"))
        .annotate(
            first_count=_strictest(organisations, day, "iqa_first_assessments"),
            position=Window(
                RowNumber(),
                partition_by=[F("assessor_id")],
                order_by=[F("recorded_at").asc(), F("pk").asc()],
            ),
        )
        .filter(position__lte=F("first_count"))
    )
    return assessments.annotate(
        sample_percent=_strictest(organisations, day, "iqa_sample_percent"),
        sample_place=_place_expression(),
    ).annotate(
        selected=Case(
            When(
                Q(pk__in=first.values("pk")) | Q(sample_place__lt=F("sample_percent")),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def _awaiting_assessor(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    # Entered in someone else's name and not yet confirmed: not the assessor's decision yet.
    return assessments.exclude(needs_confirmation=True, confirmation__isnull=True)


def to_sample(quality_assurer: User, *, on: datetime.date | None = None) -> QuerySet[Assessment]:
    """Selected assessments the IQA may sample and nobody has yet, oldest recorded first.

    Standing assessments of link workers in the organisations where they are an IQA that day,
    never their own nor of themselves.
    """
    day = on or timezone.localdate()
    in_scope = (
        _awaiting_assessor(
            Assessment.objects.standing().filter(
                worker__in=subjects_of(quality_assurer, Action.QUALITY_ASSURE, on=day)
            )
        )
        .exclude(assessor=quality_assurer)
        .filter(iqa_sample__isnull=True)
    )
    organisations = organisations_for(quality_assurer, Action.QUALITY_ASSURE, on=day)
    return (
        with_selection(in_scope, organisations, on=day)
        .filter(selected=True)
        .select_related("worker", "competency", "method", "assessor")
        .order_by("recorded_at", "pk")
    )


def sampleable(quality_assurer: User, pk: int) -> Assessment | None:
    """One assessment the IQA may see to sample (or see their sample of), with what it rests on;
    None when it is not theirs to see. Samples outside the selection are allowed: an IQA may
    look wider than the rule asks."""
    return (
        Assessment.objects.filter(
            pk=pk, worker__in=subjects_of(quality_assurer, Action.QUALITY_ASSURE)
        )
        .exclude(assessor=quality_assurer)
        .select_related(
            "worker",
            "competency__framework",
            "method",
            "assessor",
            "framework_version",
            "superseded_by",
            "iqa_sample__quality_assurer",
        )
        .prefetch_related("evidence")
        .first()
    )


def evidence_to_check(quality_assurer: User, pk: int) -> Evidence | None:
    """A piece of evidence of a link worker the IQA may quality-assure, or None."""
    return Evidence.objects.filter(
        pk=pk, worker__in=subjects_of(quality_assurer, Action.QUALITY_ASSURE)
    ).first()


def samples_by(quality_assurer: User, *, limit: int = 10) -> QuerySet[IqaSample]:
    """The IQA's latest samples, newest first."""
    return IqaSample.objects.filter(quality_assurer=quality_assurer).select_related(
        "assessment__worker", "assessment__competency", "assessment__assessor"
    )[:limit]


def on_hold_for(assessor: User, *, on: datetime.date | None = None) -> QuerySet[Assessment]:
    """Assessments the assessor made that an IQA did not agree and nobody has re-assessed yet,
    of link workers they may still assess."""
    return (
        Assessment.objects.standing()
        .filter(
            assessor=assessor,
            iqa_sample__decision=IqaDecision.NOT_AGREED,
            worker__in=subjects_of(assessor, Action.ASSESS, on=on),
        )
        .select_related("worker", "competency", "method", "iqa_sample__quality_assurer")
        .order_by("-iqa_sample__sampled_at", "-pk")
    )


@dataclass(frozen=True)
class CoverageRow:
    """One assessor's sampling figures."""

    assessor: User
    made: int
    selected: int
    sampled: int
    agreed: int
    not_agreed: int
    selected_sampled: int

    @property
    def percent_done(self) -> int | None:
        """The share of their selected assessments sampled so far (None: none selected)."""
        return round(100 * self.selected_sampled / self.selected) if self.selected else None


def coverage_by_assessor(manager: User, *, on: datetime.date | None = None) -> list[CoverageRow]:
    """Sampling coverage per assessor of assessments of the manager's link workers. Two queries.

    Made counts everything recorded (corrections too); selected counts selected assessments
    still there to sample (standing, or sampled before they were superseded). Assessors of the
    manager's organisations who have made none are listed too, with noughts.
    """
    day = on or timezone.localdate()
    organisations = organisations_for(manager, Action.MANAGE, on=day)
    made = Assessment.objects.filter(worker__in=subjects_of(manager, Action.MANAGE, on=day))
    assessments = with_selection(made, organisations, on=day)
    sampled = Q(iqa_sample__isnull=False)
    selected = Q(selected=True) & (Q(superseded_by__isnull=True) | sampled)
    figures = {
        row["assessor_id"]: row
        for row in assessments.order_by()
        .values("assessor_id")
        .annotate(
            made=Count("pk"),
            selected_count=Count("pk", filter=selected),
            sampled=Count("pk", filter=sampled),
            agreed=Count("pk", filter=Q(iqa_sample__decision=IqaDecision.AGREED)),
            not_agreed=Count("pk", filter=Q(iqa_sample__decision=IqaDecision.NOT_AGREED)),
            selected_sampled=Count("pk", filter=selected & sampled),
        )
    }
    assessors = User.objects.filter(
        Q(pk__in=made.values("assessor_id"))
        | Q(
            pk__in=Membership.objects.active_on(day)
            .filter(role=Role.ASSESSOR, organisation__in=organisations)
            .values("user_id")
        )
    ).order_by("full_name", "email")
    rows = []
    for assessor in assessors:
        row = figures.get(assessor.pk, {})
        rows.append(
            CoverageRow(
                assessor=assessor,
                made=row.get("made", 0),
                selected=row.get("selected_count", 0),
                sampled=row.get("sampled", 0),
                agreed=row.get("agreed", 0),
                not_agreed=row.get("not_agreed", 0),
                selected_sampled=row.get("selected_sampled", 0),
            )
        )
    return rows
