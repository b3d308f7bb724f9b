"""Trainers and curriculum reviewers maintain the qualification rules in the Wagtail admin."""

from django.db import migrations

GROUPS = ["Trainers", "Curriculum reviewers"]
MODEL = "qualification"
ACTIONS = ["add", "change"]


def grant_permissions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    content_type, _ = ContentType.objects.get_or_create(app_label="certificates", model=MODEL)
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_{MODEL}",
            defaults={"name": f"Can {action} {MODEL}"},
        )[0]
        for action in ACTIONS
    ]
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("curriculum", "0004_curriculum_review_workflow"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
