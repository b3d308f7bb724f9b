"""Signed credentials and the status lists that can revoke them."""

from django.db import models

from certificates.models import Certificate
from workforce.append_only import AppendOnlyModel

# The W3C Bitstring Status List's minimum length (16 KB of bits), so that one entry hides among
# many: fewer certificates than this still get a list this long.
STATUS_LIST_LENGTH = 131_072


class StatusPurpose(models.TextChoices):
    """What a status list's set bit means."""

    REVOCATION = "revocation", "Revocation"


class StatusList(models.Model):
    """A Bitstring Status List: each signed credential holds one index in one list."""

    purpose = models.CharField(
        max_length=16, choices=StatusPurpose.choices, default=StatusPurpose.REVOCATION
    )
    length = models.PositiveIntegerField(default=STATUS_LIST_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Status list {self.pk} ({self.get_purpose_display().lower()})"


class SignedCredential(AppendOnlyModel):
    """A certificate's Open Badges credential as signed at issue, served as it was signed."""

    certificate = models.OneToOneField(
        Certificate, on_delete=models.PROTECT, related_name="signed_credential"
    )
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="entries")
    status_index = models.PositiveIntegerField()
    document = models.JSONField(help_text="The signed credential, proof included.")
    verification_method = models.CharField(max_length=255, help_text="The key that signed it.")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="signed_credential_status_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Signed credential of {self.certificate_id}"
