"""Users, the organisations they work for, and their roles there."""

import datetime

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from .append_only import AppendOnlyModel


class Role(models.TextChoices):
    """What a person does in an organisation."""

    LINK_WORKER = "link_worker", "Link worker"
    ASSESSOR = "assessor", "Assessor"
    MANAGER = "manager", "Manager"
    IQA = "iqa", "Internal quality assurer"


class OrganisationKind(models.TextChoices):
    """The kinds of employer link workers work for."""

    PCN = "pcn", "Primary care network"
    GP_PRACTICE = "gp_practice", "GP practice"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary-sector employer"


class UserManager(BaseUserManager["User"]):
    """Email is the sign-in name; it is matched without regard to case."""

    use_in_migrations = True

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email__iexact=username)

    def _create(self, email: str, password: str | None, **fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractUser):
    """A person who signs in with their email address."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(
        max_length=200,
        help_text="The name exactly as it should appear on certificates, in any script.",
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    created_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who created the account (empty for administrators' and older accounts).",
    )

    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ", 1)[0] if self.full_name else self.email


class Organisation(models.Model):
    """An employer of link workers: a PCN, a GP practice or a voluntary-sector organisation."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    ods_code = models.CharField(
        "ODS code",
        max_length=10,
        blank=True,
        help_text="The NHS Organisation Data Service code, if it has one (e.g. U12345 for a PCN).",
    )
    iqa_sample_percent = models.PositiveSmallIntegerField(
        "IQA sample (%)",
        default=10,
        validators=[MaxValueValidator(100)],
        help_text="The share of each assessor's assessments internal quality assurance checks.",
    )
    iqa_first_assessments = models.PositiveSmallIntegerField(
        "IQA: each assessor's first",
        default=5,
        help_text="How many of each new assessor's first assessments are all checked.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"],
                condition=~models.Q(ods_code=""),
                name="organisation_ods_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active_on(self, day: datetime.date | None = None) -> "MembershipQuerySet":
        day = day or timezone.localdate()
        return self.filter(starts_on__lte=day).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day)
        )


class Membership(models.Model):
    """A person's role in an organisation, from a start date to an optional end date."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)
    supervisor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervisees",
        help_text="A link worker's named supervisor here, who countersigns their awards.",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "user__full_name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role", "starts_on"],
                name="membership_unique_start",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(supervisor__isnull=True)
                | (models.Q(role=Role.LINK_WORKER) & ~models.Q(supervisor=models.F("user"))),
                name="membership_supervisor_of_link_worker_only",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"


# Roles that let a person vouch for others: granted by an administrator, or requested by one
# manager of the organisation and approved by another, never by a roster.
GRANTED_ROLES = (Role.ASSESSOR, Role.IQA, Role.MANAGER)


class GrantOutcome(models.TextChoices):
    """What a second manager decided about a role grant request."""

    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class RoleGrantRequest(AppendOnlyModel):
    """A manager asking for someone in their organisation to be given an assessor, IQA or
    manager role; kept, and decided by a different manager of the same organisation."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_requests")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="role_requests"
    )
    role = models.CharField(
        max_length=32, choices=[(role.value, role.label) for role in GRANTED_ROLES]
    )
    reason = models.TextField()
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[role.value for role in GRANTED_ROLES]),
                name="role_request_granted_roles_only",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} at {self.organisation} for {self.user}"


class RoleGrantDecision(AppendOnlyModel):
    """A second manager's approval or refusal of a role grant request; kept."""

    request = models.OneToOneField(
        RoleGrantRequest, on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(max_length=16, choices=GrantOutcome.choices)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    membership = models.OneToOneField(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grant_decision",
        help_text="The role started by an approval.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome=GrantOutcome.APPROVED) | ~models.Q(reason=""),
                name="role_request_refusal_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} by {self.decided_by}"
