"""PostgreSQL refuses to delete audit log entries or rewrite what they recorded.

Wagtail still marks an entry when its object is deleted (`deleted`) and may relabel it; nothing
else about an entry changes.
"""

from django.db import migrations

from workforce.append_only import postgresql_only, triggers_sql

LOG_KEPT_COLUMNS = (
    "content_type_id",
    "object_id",
    "action",
    "data",
    "timestamp",
    "uuid",
    "user_id",
    "revision_id",
)


class Migration(migrations.Migration):
    dependencies = [
        ("workforce", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        postgresql_only(
            *triggers_sql("wagtailcore_modellogentry", kept_columns=LOG_KEPT_COLUMNS)
        )
    ]
