"""Qualification rules and assessment methods go through the "Curriculum review" workflow.

Trainers draft changes and submit them; only curriculum reviewers publish. Each existing
qualification and method gets a first published revision of what it holds now, so eligibility
and certificates can name the published rules they were judged against.
"""

from django.db import migrations
from django.utils import timezone
from modelcluster.models import (
    get_all_child_m2m_relations,
    get_all_child_relations,
    get_serializable_data_for_fields,
)

WORKFLOW_NAME = "Curriculum review"
TRAINERS = "Trainers"
REVIEWERS = "Curriculum reviewers"
MODELS = [("certificates", "qualification"), ("curriculum", "assessmentmethod")]
ACTIONS = {
    TRAINERS: ["add", "change", "lock"],
    REVIEWERS: ["add", "change", "lock", "unlock", "publish"],
}


def _content(obj) -> dict:
    """What Wagtail's own save_revision stores: the fields, child rows and many-to-many ids."""
    data = get_serializable_data_for_fields(obj)
    for relation in get_all_child_relations(obj):
        children = getattr(obj, relation.get_accessor_name()).all()
        data[relation.get_accessor_name()] = [
            get_serializable_data_for_fields(child) for child in children
        ]
    for field in get_all_child_m2m_relations(obj):
        data[field.name] = [related.pk for related in getattr(obj, field.name).all()]
    return data


def _label(obj) -> str:
    # Historical models have no __str__: the models' own, as the admin shows them.
    if hasattr(obj, "title"):
        return f"{obj.title} ({obj.code})"
    return f"{obj.code} – {obj.name}"


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    Revision = apps.get_model("wagtailcore", "Revision")

    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    now = timezone.now()
    for app_label, model_name in MODELS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
        if workflow is not None:
            WorkflowContentType.objects.update_or_create(
                content_type=content_type, defaults={"workflow": workflow}
            )
        for group in Group.objects.filter(name__in=ACTIONS):
            for action in ACTIONS[group.name]:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model_name}",
                    defaults={"name": f"Can {action} {model_name}"},
                )
                group.permissions.add(permission)
        model = apps.get_model(app_label, model_name)
        for obj in model.objects.filter(live_revision__isnull=True):
            revision = Revision.objects.create(
                content_type=content_type,
                base_content_type=content_type,
                object_id=str(obj.pk),
                created_at=now,
                object_str=_label(obj)[:255],
                content=_content(obj),
            )
            model.objects.filter(pk=obj.pk).update(
                live=True,
                has_unpublished_changes=False,
                latest_revision=revision,
                live_revision=revision,
                first_published_at=now,
                last_published_at=now,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0010_kept_sign_offs"),
        ("curriculum", "0008_default_method_caps"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
