"""Qualifications, their rules, and the certificates issued against them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from curriculum.models import AssessmentMethod, Competency, CompetencyFramework, CurriculumVersion
from workforce.append_only import AppendOnlyModel
from workforce.models import Organisation


class Qualification(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, ClusterableModel
):
    """A qualification and its award rules, e.g. the Link Worker Practice Certificate (Core).

    Rules change through drafts and the review workflow; eligibility reads the published row.
    """

    title = models.CharField(max_length=255)
    code = models.CharField(
        max_length=20,
        unique=True,
        # It starts every certificate number and appears in addresses: letters, digits, hyphens.
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9-]*$",
                "Use capital letters, digits and hyphens only, e.g. LWPC-CORE.",
            )
        ],
        help_text="A unique short code of up to 20 capital letters, digits and hyphens, "
        "e.g. LWPC-CORE. Certificate numbers start with it.",
    )
    description = models.TextField(blank=True)
    framework = models.ForeignKey(
        CompetencyFramework, on_delete=models.PROTECT, related_name="qualifications"
    )
    all_core_at_level = models.PositiveSmallIntegerField(
        "every core competency at level",
        default=3,
        help_text="The lowest level each core, non-retired competency of the framework must reach.",
    )
    min_direct_observations = models.PositiveSmallIntegerField(
        "direct observations",
        default=2,
        help_text="How many observations, each by a different assessor.",
    )
    observation_method = models.ForeignKey(
        AssessmentMethod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The method that counts as a direct observation, e.g. DOP.",
    )
    observation_competencies = ParentalManyToManyField(
        Competency,
        blank=True,
        related_name="+",
        verbose_name="competencies observed",
        help_text="The direct observations must be of these competencies, e.g. SPLW-PCP-01.",
    )
    required_method = models.ForeignKey(
        AssessmentMethod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="At least one current assessment by this method, e.g. PD.",
    )
    min_supervision_sessions_12_months = models.PositiveSmallIntegerField(
        "supervision sessions in the last 12 months", default=10
    )
    min_cpd_points_year = models.PositiveSmallIntegerField("CPD points a year", default=20)
    min_cpd_formal_hours_year = models.PositiveSmallIntegerField(
        "formal CPD hours a year", default=10
    )
    validity_months = models.PositiveSmallIntegerField(
        default=36, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    renewal_window_days = models.PositiveSmallIntegerField(
        default=60, help_text="Renewal is due this many days before expiry."
    )
    issuer_name = models.CharField(max_length=255)
    signatory = models.CharField(max_length=255, help_text="Who signs, e.g. Head of Training.")
    renewal_reflective_accounts = models.PositiveSmallIntegerField(
        "reflective accounts for renewal",
        default=2,
        help_text="Accepted reflective accounts submitted since the certificate was issued.",
    )

    search_fields = [index.SearchField("title"), index.SearchField("code")]

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    @property
    def core_rule(self) -> str:
        """The core-competency rule as checklists and refusals name it."""
        return f"Core competencies at level {self.all_core_at_level} or above"

    @property
    def renewal_period(self) -> str:
        """How often the certificate is renewed, in words: "3 years", "year", "18 months"."""
        years, months = divmod(self.validity_months, 12)
        if months or not years:
            return f"{self.validity_months} months"
        return "year" if years == 1 else f"{years} years"

    def clean(self) -> None:
        # A window as long as the validity would make a certificate due for renewal at issue.
        if self.validity_months and self.renewal_window_days >= self.validity_months * 28:
            raise ValidationError(
                {
                    "renewal_window_days": "Renewal must fall due well before the certificate "
                    "expires: make the window shorter than the validity."
                }
            )


class QualificationRequirement(Orderable):
    """A named competency a qualification asks for at a minimum level, beyond the core rule."""

    qualification = ParentalKey(
        Qualification, on_delete=models.CASCADE, related_name="requirements"
    )
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    min_level = models.PositiveSmallIntegerField("minimum level", default=3)

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "competency"], name="qualification_requirement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competency.id_number} at level {self.min_level}"

    @property
    def label(self) -> str:
        """The rule as checklists and refusals name it."""
        competency = self.competency
        return f"{competency.id_number} {competency.short_name} at level {self.min_level} or above"


class RenewalRequirement(Orderable):
    """An assessment a holder needs since issue to renew, e.g. a DOP of PCP-01 or EMP-01."""

    qualification = ParentalKey(
        Qualification, on_delete=models.CASCADE, related_name="renewal_requirements"
    )
    method = models.ForeignKey(AssessmentMethod, on_delete=models.PROTECT, related_name="+")
    competency_codes = models.CharField(
        max_length=255,
        help_text="Any one of these competency codes, separated by commas, e.g. "
        "SPLW-PCP-01, SPLW-EMP-01.",
    )
    description = models.CharField(
        max_length=255, blank=True, help_text="Shown to the holder, e.g. on a barriers case."
    )

    @property
    def codes(self) -> list[str]:
        return [code.strip() for code in self.competency_codes.split(",") if code.strip()]

    @property
    def label(self) -> str:
        """The assessment asked for, as the renewal checklist and the certificate word it."""
        label = f"{self.method.name} of {' or '.join(self.codes)}"
        return f"{label} ({self.description})" if self.description else label

    def clean(self) -> None:
        codes = self.codes
        if not codes:
            raise ValidationError({"competency_codes": "Give at least one competency code."})
        # In the admin the qualification may not be saved yet; its framework is chosen already.
        qualification = getattr(self, "qualification", None)
        framework_id = qualification.framework_id if qualification is not None else None
        if framework_id is None:
            return
        known = set(
            Competency.objects.filter(framework_id=framework_id, id_number__in=codes).values_list(
                "id_number", flat=True
            )
        )
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise ValidationError(
                {"competency_codes": f"Not in the qualification's framework: {', '.join(unknown)}."}
            )

    def __str__(self) -> str:
        return f"{self.method.code} of {' or '.join(self.codes)}"


class AwardSignOff(AppendOnlyModel):
    """An assessor signing off a worker's award, then the worker's named supervisor
    countersigning it: both before a manager may issue the certificate, which records it."""

    changeable_fields = frozenset({"countersigned_by", "countersigned_at"})

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="award_sign_offs"
    )
    qualification = models.ForeignKey(
        Qualification, on_delete=models.PROTECT, related_name="sign_offs"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="award_sign_offs_made"
    )
    signed_at = models.DateTimeField(default=timezone.now)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_countersignatures",
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(holder=models.F("assessor"))
                & ~Q(holder=models.F("countersigned_by"))
                & ~Q(assessor=models.F("countersigned_by")),
                name="award_sign_off_three_people",
            ),
            models.CheckConstraint(
                condition=Q(countersigned_by__isnull=True, countersigned_at__isnull=True)
                | Q(countersigned_by__isnull=False, countersigned_at__isnull=False),
                name="award_sign_off_countersignature_complete",
            ),
        ]
        indexes = [
            # Standing sign-offs (selectors._fresh, the last 90 days) of one qualification: the
            # register reads them for a national manager among 20,000 of every age.
            models.Index(fields=["qualification", "signed_at"], name="award_sign_off_recent"),
        ]

    def __str__(self) -> str:
        return f"Sign-off of {self.qualification.code} for {self.holder}"


class CertificateStatus(models.TextChoices):
    """Where a certificate stands; it follows the dates unless revoked or superseded."""

    VALID = "valid", "Valid"
    RENEWAL_DUE = "renewal_due", "Valid, renewal due"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
    SUPERSEDED = "superseded", "Superseded"

    @property
    def can_renew(self) -> bool:
        """Renewal opens when it falls due and stays open after the certificate lapses."""
        return self in (CertificateStatus.RENEWAL_DUE, CertificateStatus.EXPIRED)

    @property
    def is_valid(self) -> bool:
        """Valid today: a certificate due for renewal is still valid until it expires."""
        return self in (CertificateStatus.VALID, CertificateStatus.RENEWAL_DUE)

    @property
    def stands(self) -> bool:
        """Still the record of an award as issued (if out of date once expired): neither revoked
        nor replaced by its renewal."""
        return self not in (CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED)

    # One property per status, so that templates ask the enum rather than spell its values.
    @property
    def is_renewal_due(self) -> bool:
        return self == CertificateStatus.RENEWAL_DUE

    @property
    def is_expired(self) -> bool:
        return self == CertificateStatus.EXPIRED

    @property
    def is_revoked(self) -> bool:
        return self == CertificateStatus.REVOKED

    @property
    def is_superseded(self) -> bool:
        return self == CertificateStatus.SUPERSEDED

    @property
    def tag_colour(self) -> str:
        """The NHS.UK tag colour showing it; the words say the status, the colour repeats it."""
        return _TAG_COLOURS[self]


_TAG_COLOURS = {
    CertificateStatus.VALID: "green",
    CertificateStatus.RENEWAL_DUE: "yellow",
    CertificateStatus.EXPIRED: "grey",
    CertificateStatus.REVOKED: "red",
    CertificateStatus.SUPERSEDED: "white",
}


class RevocationReason(models.TextChoices):
    """Why a certificate was revoked, in words the public verification page may show.

    The manager's own account of what happened (`Certificate.revocation_details`) stays private:
    it can name people and events that an employer checking a certificate has no right to see.
    """

    ISSUED_IN_ERROR = "issued_in_error", "Issued in error"
    ASSESSMENT_WITHDRAWN = (
        "assessment_withdrawn",
        "An assessment it was based on has been withdrawn",
    )
    REVIEW = "review", "Withdrawn by the issuer after a review"


def certificate_storage():
    """Private storage for issued PDFs (settings.STORAGES["certificates"])."""
    return storages["certificates"]


class Certificate(AppendOnlyModel):
    """An issued certificate: a snapshot and its PDF, never changed or deleted after issue.

    Revocation and renewal add to it; expiry follows the dates.
    """

    # What revoking it, or renewing it (no longer current), records; nothing else changes.
    changeable_fields = frozenset(
        {"revoked_at", "revoked_by", "revocation_reason", "revocation_details", "is_current"}
    )

    number = models.CharField(max_length=32, unique=True)
    verification_code = models.CharField(max_length=64, unique=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    qualification = models.ForeignKey(
        Qualification, on_delete=models.PROTECT, related_name="certificates"
    )
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    framework_version = models.ForeignKey(
        CurriculumVersion, on_delete=models.PROTECT, related_name="certificates"
    )
    # What the certificate says, as it said it on the day of issue.
    holder_name = models.CharField(max_length=255)
    employer_name = models.CharField(max_length=255)
    qualification_title = models.CharField(max_length=255)
    issuer_name = models.CharField(max_length=255)
    issued_on = models.DateField()
    expires_on = models.DateField(help_text="The first day it is no longer valid.")
    renewal_due_on = models.DateField()
    snapshot = models.JSONField(help_text="Competencies, sign-offs and renewal conditions.")
    qualification_revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The published qualification rules it was judged against.",
    )
    award_sign_off = models.OneToOneField(
        AwardSignOff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate",
        help_text="The assessor's sign-off and supervisor's countersignature it rests on.",
    )
    pdf = models.FileField(storage=certificate_storage, upload_to="certificates/", max_length=255)
    pdf_sha256 = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates_issued"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    # False once revoked or superseded; the database keeps one current certificate per holder
    # and qualification, even for two requests at once.
    is_current = models.BooleanField(default=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates_revoked",
    )
    revocation_reason = models.CharField(
        max_length=32, choices=RevocationReason.choices, blank=True
    )
    revocation_details = models.TextField(blank=True, help_text="For managers only.")

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "qualification"],
                condition=Q(is_current=True),
                name="certificate_one_current_per_holder",
            ),
            models.CheckConstraint(
                condition=~Q(holder=models.F("issued_by")), name="certificate_not_self_issued"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True)
                | (~Q(revocation_reason="") & ~Q(revocation_details="") & Q(is_current=False)),
                name="certificate_revocation_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")),
                name="certificate_expires_after_issue",
            ),
        ]
        indexes = [
            # The register's order: its first page of a national manager's 20,000 certificates
            # reads 50 rows in this order instead of sorting them all (870 ms to 1 ms).
            models.Index(
                fields=["holder_name", "-issued_on", "-id"], name="certificate_register_order"
            ),
            # The same order for each stored fact a status filter starts from
            # (selectors.status_condition): revoked, superseded, and current (whose expired,
            # renewal due and valid are dates compared with today, read along the index).
            models.Index(
                fields=["holder_name", "-issued_on", "-id"],
                condition=Q(revoked_at__isnull=False),
                name="certificate_reg_revoked",
            ),
            models.Index(
                fields=["holder_name", "-issued_on", "-id"],
                condition=Q(revoked_at__isnull=True, is_current=False),
                name="certificate_reg_superseded",
            ),
            models.Index(
                fields=["holder_name", "-issued_on", "-id"],
                condition=Q(is_current=True),
                name="certificate_reg_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.qualification_title} for {self.holder_name}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", args=[self.verification_code])

    @property
    def status_today(self) -> CertificateStatus:
        """The status `selectors.with_status` annotated, or today's when it was not."""
        annotated = getattr(self, "status", None)
        return CertificateStatus(annotated) if annotated else self.status_on(timezone.localdate())

    @property
    def valid_until(self) -> datetime.date:
        """The last day it is valid, as printed."""
        return self.expires_on - datetime.timedelta(days=1)

    def status_on(self, day: datetime.date) -> CertificateStatus:
        if self.revoked_at is not None:
            return CertificateStatus.REVOKED
        if not self.is_current:
            return CertificateStatus.SUPERSEDED
        if day >= self.expires_on:
            return CertificateStatus.EXPIRED
        if day >= self.renewal_due_on:
            return CertificateStatus.RENEWAL_DUE
        return CertificateStatus.VALID


class CertificateCheck(AppendOnlyModel):
    """Someone checked a certificate publicly (page, JSON, credential, look-up or PDF).

    One row per check, only ever inserted: concurrent checks of one certificate never wait for
    each other, as they would updating one counter. `count` is more than 1 only on the row that
    carried over the counter this table replaced.
    """

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="checks")
    checked_at = models.DateTimeField(default=timezone.now)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["certificate", "checked_at"])]

    def __str__(self) -> str:
        return f"Check of {self.certificate_id} at {self.checked_at:%Y-%m-%d %H:%M}"


class ReminderKind(models.TextChoices):
    """Which reminder a certificate's holder and managers were sent."""

    RENEWAL_DUE = "renewal_due", "Renewal due"
    LAPSED = "lapsed", "Lapsed"


class CertificateReminder(models.Model):
    """A reminder sent once per certificate and kind, however often the task runs."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    recipients = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "kind"], name="certificate_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder for {self.certificate.number}"


class BulkIssueStatus(models.TextChoices):
    """How far a bulk issue has got."""

    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Issuing"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Stopped by an error"

    @property
    def is_failure(self) -> bool:
        """Stopped by an error: some workers may not have their certificate yet."""
        return self == BulkIssueStatus.FAILED


class BulkIssue(models.Model):
    """A manager's request to issue one qualification to several workers in the background."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    qualification = models.ForeignKey(Qualification, on_delete=models.PROTECT, related_name="+")
    worker_ids = models.JSONField()
    done = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=BulkIssueStatus.choices, default=BulkIssueStatus.QUEUED
    )
    problems = models.JSONField(default=list, help_text="Holder name and reason, per refusal.")
    certificates = models.ManyToManyField(Certificate, blank=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Bulk issue of {self.qualification.code} ({len(self.worker_ids)} people)"

    @property
    def current_status(self) -> BulkIssueStatus:
        return BulkIssueStatus(self.status)

    @property
    def total(self) -> int:
        return len(self.worker_ids)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100
