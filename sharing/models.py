"""Share links: a holder shows one certificate, or their whole record, to someone without an
account, for a while, at the level of detail they chose; and when each link was opened."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from certificates.models import Certificate
from workforce.append_only import AppendOnlyModel


class ShareDetail(models.TextChoices):
    """How much a share link shows."""

    STATUS = "status", "Status only"
    LEVELS = "levels", "With competency levels"

    @property
    def shows_levels(self) -> bool:
        return self == ShareDetail.LEVELS


class ShareStatus(models.TextChoices):
    """Whether a share link still opens."""

    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"

    @property
    def is_active(self) -> bool:
        return self == ShareStatus.ACTIVE

    @property
    def tag_colour(self) -> str:
        """The NHS.UK tag colour showing it; the words say the status, the colour repeats it."""
        return _TAG_COLOURS[self]


_TAG_COLOURS = {
    ShareStatus.ACTIVE: "green",
    ShareStatus.EXPIRED: "grey",
    ShareStatus.REVOKED: "red",
}


class ShareLink(AppendOnlyModel):
    """A holder's link to one certificate (or, without one, their whole record), kept after it
    is revoked or expires so that its openings stay explained."""

    # Revoking is the one change; the label, detail and expiry are what the holder agreed to.
    changeable_fields = frozenset({"revoked_at"})

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="share_links"
    )
    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="share_links",
        help_text="Empty for a link to the holder's whole record.",
    )
    label = models.CharField(max_length=100)
    detail = models.CharField(max_length=16, choices=ShareDetail.choices)
    # Random; the address carries it signed with SECRET_KEY (see sharing/tokens.py).
    key = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="share_link_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"Share link “{self.label}” of {self.holder}"

    @property
    def shares_whole_record(self) -> bool:
        return self.certificate_id is None

    @property
    def current_detail(self) -> ShareDetail:
        return ShareDetail(self.detail)

    def status_at(self, moment: datetime.datetime) -> ShareStatus:
        if self.revoked_at is not None:
            return ShareStatus.REVOKED
        if moment >= self.expires_at:
            return ShareStatus.EXPIRED
        return ShareStatus.ACTIVE

    @property
    def status_now(self) -> ShareStatus:
        return self.status_at(timezone.now())


class ShareLinkOpening(AppendOnlyModel):
    """Someone opened a share link: when, and nothing about who (no address, no browser)."""

    link = models.ForeignKey(ShareLink, on_delete=models.PROTECT, related_name="openings")
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["link", "opened_at"])]

    def __str__(self) -> str:
        return f"Opening of share link {self.link_id} at {self.opened_at:%Y-%m-%d %H:%M}"
