"""Review before publishing, and versions that keep what a competency said when assessed."""

import pytest

from curriculum.models import Competency, CurriculumVersion, ModulePage
from curriculum.selectors import competency_as_of, competency_versions, page_versions

pytestmark = pytest.mark.django_db


def _approve(obj, reviewer):
    task_state = obj.current_workflow_task_state
    task_state.task.specific.on_action(task_state, user=reviewer, action_name="approve")


def test_pages_and_the_framework_go_through_curriculum_review(demo_curriculum, framework):
    module = ModulePage.objects.get(code="ROL")

    assert module.get_workflow().name == "Curriculum review"
    assert demo_curriculum.get_workflow().name == "Curriculum review"
    assert framework.get_workflow().name == "Curriculum review"


def test_trainers_cannot_publish_alone_but_reviewers_can(demo_curriculum, trainer, reviewer):
    module = ModulePage.objects.get(code="ROL")

    assert module.permissions_for_user(trainer).can_edit()
    assert not module.permissions_for_user(trainer).can_publish()
    assert module.permissions_for_user(reviewer).can_publish()
    assert trainer.has_perm("curriculum.change_competencyframework")
    assert not trainer.has_perm("curriculum.publish_competencyframework")
    assert reviewer.has_perm("curriculum.publish_competencyframework")


def test_a_trainers_module_change_is_live_only_after_approval(
    client, demo_curriculum, trainer, reviewer
):
    module = ModulePage.objects.get(code="ROL")
    published = len(page_versions(module))  # the demo's editions
    module.summary = "A clearer summary of the link worker's role."
    revision = module.save_revision(user=trainer)
    module.get_workflow().start(module, trainer)

    assert "A clearer summary" not in client.get("/curriculum/rol/").content.decode()
    task = module.current_workflow_task.specific
    assert task.get_actions(module, trainer) == []
    assert "approve" in [name for name, *_ in task.get_actions(module, reviewer)]

    _approve(ModulePage.objects.get(pk=module.pk), reviewer)

    assert "A clearer summary" in client.get("/curriculum/rol/").content.decode()
    versions = page_versions(module)
    assert [version.number for version in versions] == list(range(1, published + 2))
    assert versions[-1].changed == ("Summary",)
    # The old version is still there to read.
    first_revision = module.revisions.order_by("created_at").first()
    assert versions[0].content["summary"] == first_revision.content["summary"]
    assert versions[0].content["summary"] != revision.content["summary"]
    history = client.get("/curriculum/rol/history/").content.decode()
    assert "Summary" in history
    assert "First published" in history


def test_publishing_the_framework_records_a_new_version_and_keeps_the_old_text(
    client, demo_curriculum, framework, trainer, reviewer
):
    competency = Competency.objects.get(id_number="SPLW-ROL-01")
    old_title = competency.short_name
    published = framework.versions.count()  # the demo's editions
    draft = framework.latest_revision.as_object()
    edited = next(c for c in draft.competencies.all() if c.id_number == "SPLW-ROL-01")
    edited.short_name = "Explains what a link worker does, and what the role is not"
    draft.save_revision(user=trainer)
    framework.get_workflow().start(framework, trainer)

    assert CurriculumVersion.objects.filter(framework=framework).count() == published
    _approve(type(framework).objects.get(pk=framework.pk), reviewer)

    versions = list(framework.versions.order_by("number"))
    assert [version.number for version in versions] == list(range(1, published + 2))
    competency.refresh_from_db()
    assert competency.short_name.startswith("Explains what a link worker does")
    assert competency_as_of(version=versions[-2], competency_id=competency.pk)["short_name"] == (
        old_title
    )
    changes = [v.changed for v in competency_versions(competency)]
    assert changes[0] == ("First published",)
    assert changes[-1] == ("Title",)
    page = client.get("/curriculum/competencies/SPLW-ROL-01/").content.decode()
    assert old_title in page
    assert f"The current framework version is {published + 1}" in page


def test_a_competency_unchanged_in_a_new_version_shows_no_new_history(framework, reviewer):
    published = framework.versions.count()  # the demo's editions
    revision = framework.save_revision(user=reviewer)
    revision.publish(user=reviewer)

    assert framework.versions.count() == published + 1
    unchanged = Competency.objects.get(id_number="SPLW-SAF-01")
    assert [v.number for v in competency_versions(unchanged)] == [1]
