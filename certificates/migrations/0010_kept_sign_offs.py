"""PostgreSQL keeps what a certificate records, now with the qualification revision and the
sign-off it rests on, and keeps award sign-offs: only a missing countersignature may be added."""

from django.db import migrations

from workforce.append_only import postgresql_only, triggers_sql


CERTIFICATE_KEPT_COLUMNS = (
    "number",
    "verification_code",
    "holder_id",
    "qualification_id",
    "employer_id",
    "framework_version_id",
    "holder_name",
    "employer_name",
    "qualification_title",
    "issuer_name",
    "issued_on",
    "expires_on",
    "renewal_due_on",
    "snapshot",
    "pdf",
    "pdf_sha256",
    "issued_by_id",
    "issued_at",
    "supersedes_id",
    "qualification_revision_id",
    "award_sign_off_id",
)
CERTIFICATE_ALSO_REFUSED = (
    "(OLD.revoked_at IS NOT NULL AND ("
    "NEW.revoked_at IS DISTINCT FROM OLD.revoked_at"
    " OR NEW.revoked_by_id IS DISTINCT FROM OLD.revoked_by_id"
    " OR NEW.revocation_reason IS DISTINCT FROM OLD.revocation_reason"
    " OR NEW.revocation_details IS DISTINCT FROM OLD.revocation_details))"
    " OR (NEW.is_current AND NOT OLD.is_current)"
)
certificate_forward, certificate_backward = triggers_sql(
    "certificates_certificate",
    kept_columns=CERTIFICATE_KEPT_COLUMNS,
    when_also=CERTIFICATE_ALSO_REFUSED,
)
sign_off_forward, sign_off_backward = triggers_sql(
    "certificates_awardsignoff",
    kept_columns=("holder_id", "qualification_id", "assessor_id", "signed_at"),
    # A countersignature is written once.
    when_also="OLD.countersigned_at IS NOT NULL AND ("
    "NEW.countersigned_at IS DISTINCT FROM OLD.countersigned_at"
    " OR NEW.countersigned_by_id IS DISTINCT FROM OLD.countersigned_by_id)",
)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0009_award_integrity")]

    operations = [
        # Recreated with the two new columns kept (the trigger names are the same).
        postgresql_only(certificate_backward + certificate_forward, certificate_backward),
        postgresql_only(sign_off_forward, sign_off_backward),
    ]
