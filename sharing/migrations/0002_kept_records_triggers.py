"""PostgreSQL refuses to delete share links or their openings, or to rewrite what a link was
made with: only revoking it (once) changes a row."""

from django.db import migrations

from workforce.append_only import postgresql_only, triggers_sql

link_forward, link_backward = triggers_sql(
    "sharing_sharelink",
    kept_columns=(
        "holder_id",
        "certificate_id",
        "label",
        "detail",
        "key",
        "created_at",
        "expires_at",
    ),
    when_also="OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at",
)
opening_forward, opening_backward = triggers_sql("sharing_sharelinkopening")


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]

    operations = [
        postgresql_only(link_forward, link_backward),
        postgresql_only(opening_forward, opening_backward),
    ]
