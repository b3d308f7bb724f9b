"""PostgreSQL refuses to delete certificates or their checks, or to rewrite what a certificate
recorded: only revoking it (once) and marking it no longer current change a row."""

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
)
# A revocation is written once; a certificate that stopped being current stays so.
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
check_forward, check_backward = triggers_sql("certificates_certificatecheck")


class Migration(migrations.Migration):
    dependencies = [("certificates", "0007_revocation_reason_choices_and_no_counter")]

    operations = [
        postgresql_only(certificate_forward, certificate_backward),
        postgresql_only(check_forward, check_backward),
    ]
