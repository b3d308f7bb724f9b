from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0006_carry_over_counts_and_reasons'),
    ]

    operations = [
        migrations.AlterField(
            model_name='certificate',
            name='revocation_reason',
            field=models.CharField(blank=True, choices=[('issued_in_error', 'Issued in error'), ('assessment_withdrawn', 'An assessment it was based on has been withdrawn'), ('review', 'Withdrawn by the issuer after a review')], max_length=32),
        ),
        migrations.AddConstraint(
            model_name='certificate',
            constraint=models.CheckConstraint(condition=models.Q(('revoked_at__isnull', True), models.Q(models.Q(('revocation_reason', ''), _negated=True), models.Q(('revocation_details', ''), _negated=True), ('is_current', False)), _connector='OR'), name='certificate_revocation_has_reason'),
        ),
        migrations.RemoveField(
            model_name='certificate',
            name='verification_count',
        ),
        migrations.AddIndex(
            model_name='certificatecheck',
            index=models.Index(fields=['certificate', 'checked_at'], name='certificate_certifi_66bcae_idx'),
        ),
    ]
