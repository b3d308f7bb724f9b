"""PostgreSQL refuses to delete or rewrite a signed credential: it is served as it was signed,
for life, and its status list entry is what a revocation changes."""

from django.db import migrations

from workforce.append_only import postgresql_only, triggers_sql

forward, backward = triggers_sql("credentials_signedcredential")


class Migration(migrations.Migration):
    dependencies = [("credentials", "0001_initial")]

    operations = [postgresql_only(forward, backward)]
