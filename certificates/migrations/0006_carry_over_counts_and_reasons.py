# Data only, in a migration of its own: on PostgreSQL a table cannot be altered in the same
# transaction as rows that still have constraint checks pending.

from django.db import migrations


def carry_over_counts(apps, schema_editor):
    """Each certificate's old counter becomes one check row carrying its count."""
    Certificate = apps.get_model("certificates", "Certificate")
    CertificateCheck = apps.get_model("certificates", "CertificateCheck")
    CertificateCheck.objects.bulk_create(
        CertificateCheck(certificate_id=pk, count=count)
        for pk, count in Certificate.objects.filter(verification_count__gt=0).values_list(
            "pk", "verification_count"
        )
    )


def move_reasons_to_details(apps, schema_editor):
    """What managers wrote becomes the private details; the public sees a neutral reason."""
    Certificate = apps.get_model("certificates", "Certificate")
    for certificate in Certificate.objects.filter(revoked_at__isnull=False):
        certificate.revocation_details = certificate.revocation_reason
        certificate.revocation_reason = "review"
        certificate.save(update_fields=["revocation_details", "revocation_reason"])


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0005_checks_and_public_revocation_reasons'),
    ]

    operations = [
        migrations.RunPython(carry_over_counts, migrations.RunPython.noop),
        migrations.RunPython(move_reasons_to_details, migrations.RunPython.noop),
    ]
