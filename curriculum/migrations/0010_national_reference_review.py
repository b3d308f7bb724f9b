"""National framework references go through the "Curriculum review" workflow, like methods.

Trainers add and change references as drafts and submit them; curriculum reviewers publish.
"""

from django.db import migrations

WORKFLOW_NAME = "Curriculum review"
MODEL = "nationalreference"
ACTIONS = {
    "Trainers": ["add", "change", "lock"],
    "Curriculum reviewers": ["add", "change", "lock", "unlock", "publish"],
}


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")

    content_type, _ = ContentType.objects.get_or_create(app_label="curriculum", model=MODEL)
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is not None:
        WorkflowContentType.objects.update_or_create(
            content_type=content_type, defaults={"workflow": workflow}
        )
    for group in Group.objects.filter(name__in=ACTIONS):
        for action in ACTIONS[group.name]:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{MODEL}",
                defaults={"name": f"Can {action} {MODEL}"},
            )
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("curriculum", "0009_national_references_and_descriptors"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
