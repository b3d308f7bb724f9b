"""Qualification rules and assessment methods change only through the "Curriculum review"
workflow: a trainer's edit is a draft that applies to nobody until a reviewer approves it."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Revision
from wagtail.test.utils.form_data import querydict_from_html

from certificates import demo as certificates_demo
from certificates import services
from certificates.models import Qualification
from certificates.selectors import qualification_checklist, qualifications_for
from curriculum import services as curriculum_services
from curriculum.models import AssessmentMethod
from tests.factories import UserFactory
from workforce.models import User
from workforce.permissions import CURRICULUM_REVIEWERS_GROUP, TRAINERS_GROUP
from workforce.refusals import Refusal

pytestmark = pytest.mark.django_db

EDIT = "/admin/snippets/certificates/qualification/edit/{pk}/"


@pytest.fixture
def trainer() -> User:
    user = UserFactory(full_name="Tessa Trainer")
    user.groups.add(Group.objects.get(name=TRAINERS_GROUP))
    return user


@pytest.fixture
def reviewer() -> User:
    user = UserFactory(full_name="Rhys Reviewer")
    user.groups.add(Group.objects.get(name=CURRICULUM_REVIEWERS_GROUP))
    return user


def _approve(obj, reviewer) -> None:
    task_state = obj.current_workflow_task_state
    task_state.task.specific.on_action(task_state, user=reviewer, action_name="approve")


def _read(checklist) -> list[tuple[str, bool, str]]:
    return [(item.label, item.met, item.detail) for item in checklist.items]


def _edit_data(client, qualification) -> dict:
    response = client.get(EDIT.format(pk=qualification.pk))
    assert response.status_code == 200
    return querydict_from_html(response.content.decode(), form_id="w-editor-form")


def test_both_models_go_through_curriculum_review(qualification, framework):
    method = AssessmentMethod.objects.get(code="KT")

    assert qualification.get_workflow().name == "Curriculum review"
    assert method.get_workflow().name == "Curriculum review"


def test_trainers_draft_and_only_reviewers_publish(trainer, reviewer):
    for model in ("certificates.{}_qualification", "curriculum.{}_assessmentmethod"):
        assert trainer.has_perm(model.format("change"))
        assert not trainer.has_perm(model.format("publish"))
        assert reviewer.has_perm(model.format("publish"))


def test_qualification_create_publishes_a_first_revision(qualification):
    assert qualification.live
    assert qualification.live_revision is not None
    assert qualification.live_revision == qualification.latest_revision
    assert not qualification.has_unpublished_changes
    content = qualification.live_revision.content
    assert content["all_core_at_level"] == 3
    # The renewal requirements are in the published revision, as eligibility reads them.
    assert len(content["renewal_requirements"]) == 2


def test_a_trainers_qualification_is_a_draft_until_reviewed(framework, trainer):
    made = services.qualification_create(
        actor=trainer,
        code="DRAFT-CERT",
        title="Draft certificate",
        framework=framework,
        issuer_name="Link Worker Academy",
        signatory="Head of Training",
    )

    assert not made.live
    assert made.live_revision is None
    assert made.latest_revision is not None


def test_a_qualification_waiting_for_review_is_neither_judged_nor_issued(
    framework, trainer, eligible_worker, manager
):
    made = services.qualification_create(
        actor=trainer,
        code="DRAFT-CERT",
        title="Draft certificate",
        framework=framework,
        issuer_name="Link Worker Academy",
        signatory="Head of Training",
    )

    assert made not in qualifications_for(framework)
    with pytest.raises(ValidationError) as refused:
        services.certificate_issue(actor=manager, worker=eligible_worker, qualification=made)
    assert refused.value.error_list[0].code == Refusal.QUALIFICATION_UNPUBLISHED
    assert not made.certificates.exists()


def test_a_trainer_relaxing_the_rules_changes_nobody_until_a_reviewer_publishes(
    client, qualification, link_worker, trainer, reviewer
):
    """The hole: a trainer sets the core level to 1 and every minimum to 0."""
    before = _read(qualification_checklist(link_worker, qualification))
    assert not qualification_checklist(link_worker, qualification).eligible
    client.force_login(trainer)
    data = _edit_data(client, qualification)
    data.update(
        all_core_at_level="1",
        min_direct_observations="0",
        min_supervision_sessions_12_months="0",
        min_cpd_points_year="0",
        min_cpd_formal_hours_year="0",
    )
    data["action-submit"] = "Submit to Curriculum review"

    response = client.post(EDIT.format(pk=qualification.pk), data)

    assert response.status_code == 302
    stored = Qualification.objects.get(pk=qualification.pk)
    # Saved as a draft and in review: the published rules, which eligibility reads, are as before.
    assert stored.all_core_at_level == 3
    assert stored.min_direct_observations == 2
    assert stored.has_unpublished_changes
    assert stored.latest_revision.content["all_core_at_level"] == 1
    assert stored.current_workflow_state.status == "in_progress"
    assert _read(qualification_checklist(link_worker, stored)) == before

    _approve(stored, reviewer)

    published = Qualification.objects.get(pk=qualification.pk)
    assert (published.all_core_at_level, published.min_direct_observations) == (1, 0)
    assert published.live_revision == published.latest_revision
    after = _read(qualification_checklist(link_worker, published))
    assert after != before
    assert [met for _, met, _ in after].count(True) > [met for _, met, _ in before].count(True)


def test_a_trainers_method_change_waits_for_review(framework, trainer, reviewer):
    method = AssessmentMethod.objects.get(code="KT")

    curriculum_services.assessment_method_ensure(
        code="KT", name="Quiz", description="Anything goes.", actor=trainer
    )

    method.refresh_from_db()
    assert method.name == "Knowledge test"
    assert method.has_unpublished_changes
    assert method.latest_revision.content["name"] == "Quiz"

    curriculum_services.assessment_method_ensure(
        code="KT", name="Knowledge test (scenarios)", description="80% to pass.", actor=reviewer
    )

    method.refresh_from_db()
    assert method.name == "Knowledge test (scenarios)"
    assert method.live_revision == method.latest_revision


def test_the_demo_methods_and_qualification_are_published(qualification, framework):
    assert not AssessmentMethod.objects.filter(live_revision__isnull=True).exists()
    assert not Qualification.objects.filter(live_revision__isnull=True).exists()


def test_the_migration_publishes_a_first_revision_of_existing_rows(qualification):
    """Qualifications and methods made before review existed get one, as they stand."""
    Revision.objects.filter(object_id=str(qualification.pk)).update(object_id="gone")
    Qualification.objects.filter(pk=qualification.pk).update(
        live_revision=None, latest_revision=None
    )
    executor = MigrationExecutor(connection)
    migration = executor.loader.get_migration(
        "certificates", "0011_qualification_and_method_review"
    )
    state = executor.loader.project_state(("certificates", "0011_qualification_and_method_review"))

    migration.operations[0].code(state.apps, connection.schema_editor())

    qualification.refresh_from_db()
    assert qualification.live_revision is not None
    assert qualification.live_revision.content["code"] == certificates_demo.CORE_CODE
    restored = qualification.live_revision.as_object()
    assert len(restored.renewal_requirements.all()) == 2
    assert restored.all_core_at_level == 3


def test_the_trainers_dashboard_lists_their_qualification_and_method_drafts(
    client, qualification, trainer
):
    method = AssessmentMethod.objects.get(code="KT")
    qualification.min_cpd_points_year = 0
    qualification.save_revision(user=trainer)
    method.name = "Quiz"
    method.save_revision(user=trainer)
    client.force_login(trainer)

    page = client.get("/admin/").content.decode()

    assert "You have 2 drafts not yet submitted for review." in page
    assert EDIT.format(pk=qualification.pk) in page
    assert f"/admin/snippets/curriculum/assessmentmethod/edit/{method.pk}/" in page

    qualification.get_workflow().start(qualification, trainer)
    page = client.get("/admin/").content.decode()

    assert "You have 1 draft not yet submitted for review." in page
    assert "1 of your changes is in review." in page
