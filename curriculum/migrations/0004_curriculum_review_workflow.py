"""The "Curriculum review" workflow and the framework permissions of trainers and reviewers.

A trainer's change to a curriculum page, a module or a framework goes to the Curriculum reviewers
group for approval; only reviewers may publish.
"""

from django.db import migrations

TRAINERS = "Trainers"
REVIEWERS = "Curriculum reviewers"
WORKFLOW_NAME = "Curriculum review"
SNIPPET_PERMISSIONS = {
    TRAINERS: [
        ("competencyframework", ["add", "change", "lock"]),
        ("assessmentmethod", ["add", "change"]),
    ],
    REVIEWERS: [
        ("competencyframework", ["add", "change", "lock", "unlock", "publish"]),
        ("assessmentmethod", ["add", "change"]),
    ],
}


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    reviewers = Group.objects.get(name=REVIEWERS)
    trainers = Group.objects.get(name=TRAINERS)
    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.create(
        name="Curriculum reviewer approval", content_type=task_type, active=True
    )
    task.groups.set([reviewers])
    workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)

    # The whole public site sits under the home page: every page change goes through review.
    for home in Page.objects.filter(depth=2):
        WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    framework_type, _ = ContentType.objects.get_or_create(
        app_label="curriculum", model="competencyframework"
    )
    WorkflowContentType.objects.update_or_create(
        content_type=framework_type, defaults={"workflow": workflow}
    )

    for group in (trainers, reviewers):
        for model, actions in SNIPPET_PERMISSIONS[group.name]:
            content_type, _ = ContentType.objects.get_or_create(app_label="curriculum", model=model)
            for action in actions:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {model}"},
                )
                group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("curriculum", "0003_framework_and_curriculum_pages"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_workflow, migrations.RunPython.noop)]
