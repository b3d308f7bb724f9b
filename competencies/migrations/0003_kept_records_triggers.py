"""PostgreSQL refuses to delete or rewrite assessments, evidence, reviews and countersignatures."""

from django.db import migrations

from workforce.append_only import postgresql_only, triggers_sql

KEPT_TABLES = (
    "competencies_assessment",
    "competencies_evidence",
    "competencies_evidencereview",
    "competencies_countersignature",
)


def _both(tables):
    pairs = [triggers_sql(table) for table in tables]
    return "\n".join(forward for forward, _ in pairs), "\n".join(back for _, back in pairs)


class Migration(migrations.Migration):
    dependencies = [("competencies", "0002_assessment_import")]

    operations = [postgresql_only(*_both(KEPT_TABLES))]
