"""Supervision sessions logged as one-to-one become professional supervision; PostgreSQL keeps
confirmations of imported assessments and internal quality assurance samples."""

from django.db import migrations

from workforce.append_only import postgresql_only, triggers_sql

KEPT_TABLES = ("competencies_assessmentconfirmation", "competencies_iqasample")


def _both(tables):
    pairs = [triggers_sql(table) for table in tables]
    return "\n".join(forward for forward, _ in pairs), "\n".join(back for _, back in pairs)


def one_to_one_is_professional(apps, schema_editor):
    sessions = apps.get_model("competencies", "SupervisionSession")
    sessions.objects.filter(kind="one_to_one").update(kind="professional")


def professional_is_one_to_one(apps, schema_editor):
    sessions = apps.get_model("competencies", "SupervisionSession")
    sessions.objects.filter(kind__in=["professional", "day_to_day"]).update(kind="one_to_one")


class Migration(migrations.Migration):
    dependencies = [("competencies", "0004_award_integrity")]

    operations = [
        migrations.RunPython(one_to_one_is_professional, professional_is_one_to_one),
        postgresql_only(*_both(KEPT_TABLES)),
    ]
