"""What link workers have shown: assessments, evidence, supervision and CPD."""

import datetime
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from curriculum.models import AssessmentMethod, Competency, CurriculumVersion
from workforce.append_only import AppendOnlyModel, AppendOnlyQuerySet


class EvidenceKind(models.TextChoices):
    """What a piece of evidence is."""

    REFLECTIVE_ACCOUNT = "reflective_account", "Reflective account"
    DOCUMENT = "document", "Document"
    PHOTO = "photo", "Photo"
    WITNESS_STATEMENT = "witness_statement", "Witness statement"
    ELEARNING_CERTIFICATE = "elearning_certificate", "E-learning certificate"


class EvidenceOutcome(models.TextChoices):
    """Where a piece of evidence stands in review."""

    SUBMITTED = "submitted", "Waiting for review"
    ACCEPTED = "accepted", "Accepted into an assessment"
    RETURNED = "returned", "Returned with feedback"


class SupervisionKind(models.TextChoices):
    """What kind of supervision a session was; peer sessions do not count towards the minimum."""

    PROFESSIONAL = "professional", "Professional or clinical supervision"
    DAY_TO_DAY = "day_to_day", "Day-to-day supervision"
    GROUP = "group", "Group supervision"
    PEER = "peer", "Peer supervision"

    @property
    def counts_towards_minimum(self) -> bool:
        return self != SupervisionKind.PEER


class IqaDecision(models.TextChoices):
    """An internal quality assurer's view of a sampled assessment."""

    AGREED = "agreed", "Agreed"
    NOT_AGREED = "not_agreed", "Not agreed: on hold until re-assessed"


def evidence_storage():
    """Private storage outside MEDIA_ROOT (settings.STORAGES["evidence"])."""
    return storages["evidence"]


def evidence_upload_path(instance: "Evidence", filename: str) -> str:
    # Unguessable names: files are only ever served through a permission-checked view.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"evidence/{instance.worker_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(AppendOnlyModel):
    """Something a link worker submits to show a competency; kept once submitted."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence"
    )
    kind = models.CharField(max_length=32, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    file = models.FileField(
        upload_to=evidence_upload_path, storage=evidence_storage, blank=True, max_length=255
    )
    file_content_type = models.CharField(max_length=100, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    competencies = models.ManyToManyField(Competency, related_name="evidence")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class EvidenceReview(AppendOnlyModel):
    """An assessor's decision on a piece of evidence; the latest one is its current outcome."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_reviews"
    )
    outcome = models.CharField(
        max_length=16,
        choices=[(c.value, c.label) for c in EvidenceOutcome if c != EvidenceOutcome.SUBMITTED],
    )
    feedback = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} by {self.reviewer}"


# Which of a worker's standing assessments of a competency is current: the latest by date, and on
# the same date the one recorded last.
LATEST_FIRST = ("-assessed_on", "-recorded_at", "-pk")


class AssessmentQuerySet(AppendOnlyQuerySet):
    def standing(self, as_of: datetime.date | None = None) -> "AssessmentQuerySet":
        """Assessments nothing has superseded, made on or before `as_of` when given."""
        standing = self.filter(superseded_by__isnull=True)
        return standing if as_of is None else standing.filter(assessed_on__lte=as_of)

    def counting(self, as_of: datetime.date | None = None) -> "AssessmentQuerySet":
        """Standing assessments that count: confirmed by their assessor when someone else
        imported them, and not put on hold by internal quality assurance."""
        return (
            self.standing(as_of)
            .exclude(needs_confirmation=True, confirmation__isnull=True)
            .exclude(iqa_sample__decision=IqaDecision.NOT_AGREED)
        )

    def latest_by_method(self, as_of: datetime.date | None = None) -> "AssessmentQuerySet":
        """Each worker's latest counting assessment of each competency by each method: what the
        competencies' evidence rules are judged on (`competencies.evidence_rules`)."""
        latest = (
            self.counting(as_of)
            .annotate(
                recency=Window(
                    RowNumber(),
                    partition_by=[F("worker_id"), F("competency_id"), F("method_id")],
                    order_by=[F(name[1:]).desc() for name in LATEST_FIRST],
                )
            )
            .filter(recency=1)
        )
        return self.model.objects.filter(pk__in=latest.values("pk"))

    def latest_first(self) -> "AssessmentQuerySet":
        return self.order_by(*LATEST_FIRST)

    def current(self, as_of: datetime.date | None = None) -> "AssessmentQuerySet":
        """Each worker's current assessment of each competency: the latest standing one.

        Filters before this choose among which assessments "latest" is taken (give the workers
        and framework there, so the ranking reads only their rows); filters after it narrow the
        current ones (e.g. `.filter(level__gte=3)` keeps the current assessments at level 3 or
        above, never an older one that was).
        """
        latest = (
            self.standing(as_of)
            .annotate(
                recency=Window(
                    RowNumber(),
                    partition_by=[F("worker_id"), F("competency_id")],
                    order_by=[F(name[1:]).desc() for name in LATEST_FIRST],
                )
            )
            .filter(recency=1)
        )
        return self.model.objects.filter(pk__in=latest.values("pk"))


class Assessment(AppendOnlyModel):
    """An assessor's judgement of one competency for one link worker; never edited or deleted.

    A correction is a new assessment that supersedes this one, with a reason.
    """

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="assessments")
    framework_version = models.ForeignKey(
        CurriculumVersion, on_delete=models.PROTECT, related_name="assessments"
    )
    level = models.PositiveSmallIntegerField()
    method = models.ForeignKey(AssessmentMethod, on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField()
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments_made"
    )
    notes = models.TextField(blank=True)
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="assessments")
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.TextField(blank=True)
    countersign_requested_from = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="countersign_requests",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments_recorded",
        help_text="Who entered it (the assessor, or whoever imported it); empty on records made "
        "before this was kept.",
    )
    source_import = models.ForeignKey(
        "AssessmentImport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        help_text="The spreadsheet import it came from, if any.",
    )
    needs_confirmation = models.BooleanField(
        default=False,
        help_text="Entered in the assessor's name by someone else: it counts once they confirm it.",
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = list(LATEST_FIRST)
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1), name="assessment_level_positive"),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="assessment_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(worker=models.F("assessor")), name="assessment_not_self"
            ),
        ]
        indexes = [models.Index(fields=["worker", "competency", "-assessed_on"])]

    def __str__(self) -> str:
        return f"{self.competency.id_number} level {self.level} for {self.worker}"


class Countersignature(AppendOnlyModel):
    """The worker's supervisor confirming an assessment."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="countersignature"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="countersignatures"
    )
    signed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Countersigned by {self.supervisor}"


class AssessmentConfirmation(AppendOnlyModel):
    """The assessor named on an assessment someone else entered confirming it is theirs."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="confirmation"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Confirmed by {self.confirmed_by}"


class IqaSample(AppendOnlyModel):
    """An internal quality assurer's check of one sampled assessment; kept."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="iqa_sample"
    )
    quality_assurer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="iqa_samples"
    )
    decision = models.CharField(max_length=16, choices=IqaDecision.choices)
    reason = models.TextField(blank=True)
    sampled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sampled_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision=IqaDecision.AGREED) | ~Q(reason=""),
                name="iqa_sample_not_agreed_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.quality_assurer}"


class SupervisionSession(models.Model):
    """A supervision session a link worker logged; it counts once the supervisor confirms it."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervision_sessions"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions_supervised"
    )
    held_on = models.DateField()
    kind = models.CharField(max_length=16, choices=SupervisionKind.choices)
    reflections = models.TextField()
    agreed_actions = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(worker=models.F("supervisor")), name="supervision_not_self"
            )
        ]

    def __str__(self) -> str:
        return f"Supervision of {self.worker} on {self.held_on}"


class CPDEntry(models.Model):
    """A continuing professional development activity a link worker logged."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cpd_entries"
    )
    done_on = models.DateField()
    activity = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    is_formal = models.BooleanField("formal CPD", default=False)
    points = models.DecimalField(max_digits=5, decimal_places=2)
    reflection = models.TextField(blank=True)
    evidence = models.ForeignKey(
        Evidence, on_delete=models.PROTECT, null=True, blank=True, related_name="cpd_entries"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_on", "-pk"]
        verbose_name = "CPD entry"
        verbose_name_plural = "CPD entries"
        # A team's CPD over the last 12 months (`selectors.upkeep`) read from the index alone:
        # only that year's entries of each worker, not every year's rows from the table.
        indexes = [
            models.Index(
                fields=["worker", "done_on", "is_formal", "points", "hours"],
                name="cpd_worker_days_sums",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(points__gte=0), name="cpd_positive_amounts"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity} ({self.done_on})"


class ImportStatus(models.TextChoices):
    """Where a spreadsheet import of assessments stands."""

    CHECKING = "checking", "Checking the file"
    READY = "ready", "Checked: waiting for you to confirm"
    REFUSED = "refused", "Not imported: the file has problems"
    SAVING = "saving", "Saving the assessments"
    SAVED = "saved", "Imported"
    FAILED = "failed", "Stopped by an unexpected error"


class AssessmentImport(models.Model):
    """An uploaded spreadsheet of assessments: checked, then saved all at once when confirmed.

    The file is kept so that what is saved is exactly what was previewed, and as a record.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessment_imports",
        help_text="Empty for an import from the command line.",
    )
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    refused_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.filename} ({self.get_status_display()})"


# --- Standing levels: each worker's judged levels, kept for the team pages ----------------------
# Judging a team of 200 from their assessments on every request cost the team pages most of
# their time; these tables keep the judgement (`competencies.standings` writes and reads them,
# with `competencies.evidence_rules.judge` as the only source of truth).


class StandingJudgement(models.Model):
    """Whether a worker's kept levels in one framework (`StandingLevel`) are up to date.

    `version` goes up with every write that could change the judgement
    (`standings.mark_stale`); the levels were judged at `judged_version`, under the rules and
    scale whose fingerprint is `rules_key`, as of `judged_on`. They hold until `recheck_on`, the
    day a future-dated assessment starts to count (a refresher running out is worked out from
    `StandingLevel.refresh_due_on` when read).
    """

    # The unique constraint's index, which starts with the worker, serves every lookup: an
    # index on the framework alone would tempt the planner into scanning a framework's rows.
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    framework = models.ForeignKey(
        "curriculum.CompetencyFramework",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    version = models.PositiveIntegerField(default=0)
    judged_version = models.PositiveIntegerField(null=True, blank=True)
    rules_key = models.CharField(max_length=32, blank=True)
    judged_on = models.DateField(null=True, blank=True)
    recheck_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["worker", "framework"], name="standing_judgement_once")
        ]

    def __str__(self) -> str:
        return f"Standing of worker {self.worker_id} in framework {self.framework_id}"


class StandingLevel(models.Model):
    """A worker's judged achievement on one competency, as `evidence_rules.judge` found it.

    Only pairs with a counting assessment have a row. The level counts while the refresher has
    not run out (`refresh_due_on`, or at once when `refresher_missing`); `missing` says what is
    needed for proficiency when below it, `lapse_note` what is needed once the refresher runs out.
    """

    # The unique constraint's index, which starts with the worker, serves every lookup: an
    # index on the framework alone would tempt the planner into scanning a framework's rows.
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    framework = models.ForeignKey(
        "curriculum.CompetencyFramework",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")
    achieved_level = models.PositiveSmallIntegerField()
    achieved_on = models.DateField(null=True, blank=True)
    refresh_due_on = models.DateField(null=True, blank=True)
    refresher_missing = models.BooleanField(default=False)
    missing = models.TextField(blank=True)
    lapse_note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["worker", "competency"], name="standing_level_once")
        ]

    def __str__(self) -> str:
        return f"Worker {self.worker_id} at level {self.achieved_level} in {self.competency_id}"


# Every write that can change a worker's standing marks it stale, whoever makes it (the
# services, the admin, the demo data, tests): one statement a save. Writes in bulk, which send
# no signals, call `standings.mark_stale` themselves.


def _assessment_saved(sender, instance: Assessment, **kwargs) -> None:
    from .standings import mark_stale

    mark_stale([instance.worker_id])


def _about_assessment_saved(sender, instance, **kwargs) -> None:
    from .standings import mark_stale, mark_stale_assessed

    cached = instance._state.fields_cache.get("assessment")
    if cached is not None:
        mark_stale([cached.worker_id])
    else:
        mark_stale_assessed([instance.assessment_id])


for _model, _handler in (
    (Assessment, _assessment_saved),
    (AssessmentConfirmation, _about_assessment_saved),
    (IqaSample, _about_assessment_saved),
):
    models.signals.post_save.connect(_handler, sender=_model, dispatch_uid=f"standing-{_model}")
    models.signals.post_delete.connect(
        _handler, sender=_model, dispatch_uid=f"standing-deleted-{_model}"
    )
