"""Admin forms are declared on the viewsets; page models keep their content_panels (Wagtail reads
those from the page class), and a child's panels sit in its parent's InlinePanel."""

import pytest
from django.apps import apps
from wagtail.models import Page

from certificates import demo as certificates_demo
from certificates.models import Qualification
from curriculum.models import ModulePage
from workforce.models import User

OUR_APPS = {"workforce", "curriculum", "competencies", "certificates", "oversight", "imports"}


def test_no_model_but_a_page_declares_admin_panels():
    declaring = [
        model.__name__
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
        and not issubclass(model, Page)
        and ({"panels", "edit_handler"} & set(vars(model)))
    ]

    assert declaring == []


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("admin@example.org", "test-password"))
    return client


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_framework_form_has_its_scale_and_competencies_with_method_checkboxes(
    admin_client, framework
):
    html = _page(
        admin_client, f"/admin/snippets/curriculum/competencyframework/edit/{framework.pk}/"
    )

    assert "Rating scale" in html
    assert 'name="scale_levels-0-is_proficient"' in html
    assert "Domains and competencies" in html
    assert 'name="competencies-0-needed_before_unsupervised_work"' in html
    # Accepted methods are ticked from a list, not picked from a multiple select.
    assert 'type="checkbox" name="competencies-0-accepted_methods"' in html


def test_the_assessment_method_form_has_its_fields(admin_client, db):
    html = _page(admin_client, "/admin/snippets/curriculum/assessmentmethod/add/")

    for field in ("code", "name", "description"):
        assert f'name="{field}"' in html


def test_the_qualification_form_has_its_rules_and_both_kinds_of_requirement(
    admin_client, framework
):
    certificates_demo.load_qualification()
    qualification = Qualification.objects.get(code=certificates_demo.CORE_CODE)

    html = _page(
        admin_client, f"/admin/snippets/certificates/qualification/edit/{qualification.pk}/"
    )

    for heading in ("Competence", "Further competencies", "Supervision and CPD", "Renewal"):
        assert heading in html
    assert 'name="requirements-__prefix__-min_level"' in html
    assert 'name="renewal_requirements-0-competency_codes"' in html
    assert 'name="renewal_requirements-0-description"' in html


def test_a_module_page_form_links_its_competencies(admin_client, demo_curriculum):
    module = ModulePage.objects.order_by("path").first()

    html = _page(admin_client, f"/admin/pages/{module.pk}/edit/")

    assert "Competencies it develops" in html
    assert 'name="module_competencies-0-competency"' in html


def test_the_framework_form_authors_evidence_rules_refreshers_and_method_caps(
    admin_client, framework
):
    html = _page(
        admin_client, f"/admin/snippets/curriculum/competencyframework/edit/{framework.pk}/"
    )

    assert 'type="checkbox" name="competencies-0-required_methods"' in html
    assert "all of these methods" in html.lower()
    assert "any of these methods" in html.lower()
    assert 'name="competencies-0-refresh_months"' in html
    assert 'name="competencies-0-refresh_method"' in html
    assert "Method caps" in html
    assert 'name="method_caps-0-max_level"' in html


# Qualification rules and assessment methods under review: every admin page of both opens,
# for the trainer who drafts and the reviewer who approves.


@pytest.fixture
def curriculum_people(db):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory
    from workforce.permissions import CURRICULUM_REVIEWERS_GROUP, TRAINERS_GROUP

    people = {}
    for key, group in (("trainer", TRAINERS_GROUP), ("reviewer", CURRICULUM_REVIEWERS_GROUP)):
        people[key] = UserFactory()
        people[key].groups.add(Group.objects.get(name=group))
    return people


def _reviewed_objects(trainer):
    """The Core qualification and the KT method, each with a trainer's draft in review."""
    from curriculum.models import AssessmentMethod

    certificates_demo.load_qualification()
    qualification = Qualification.objects.get(code=certificates_demo.CORE_CODE)
    method = AssessmentMethod.objects.get(code="KT")
    qualification.min_cpd_points_year = 0
    method.name = "Quiz"
    for obj in (qualification, method):
        obj.save_revision(user=trainer)
        obj.get_workflow().start(obj, trainer)
    return [
        ("certificates", "qualification", Qualification.objects.get(pk=qualification.pk)),
        ("curriculum", "assessmentmethod", AssessmentMethod.objects.get(pk=method.pk)),
    ]


def test_every_admin_page_of_reviewed_qualifications_and_methods_opens(
    client, framework, curriculum_people
):
    from django.urls import reverse

    trainer, reviewer = curriculum_people["trainer"], curriculum_people["reviewer"]
    reviewed = _reviewed_objects(trainer)
    for app, model, obj in reviewed:
        ns = f"wagtailsnippets_{app}_{model}"
        state = obj.current_workflow_state
        task_state = obj.current_workflow_task_state
        client.force_login(trainer)
        trainer_edit = _page(client, reverse(f"{ns}:edit", args=[obj.pk]))
        # In review: the trainer may not publish, only the reviewer approves.
        assert "Curriculum reviewer approval" in trainer_edit
        assert 'name="action-publish"' not in trainer_edit
        client.force_login(reviewer)
        listing = _page(client, reverse(f"{ns}:list"))
        assert "In Moderation" in listing or "in moderation" in listing.lower()
        for url in (
            reverse(f"{ns}:add"),
            reverse(f"{ns}:edit", args=[obj.pk]),
            reverse(f"{ns}:history", args=[obj.pk]),
            reverse(f"{ns}:history_results", args=[obj.pk]),
            reverse(f"{ns}:usage", args=[obj.pk]),
            reverse(f"{ns}:workflow_history", args=[obj.pk]),
            reverse(f"{ns}:workflow_history_detail", args=[obj.pk, state.pk]),
            reverse(f"{ns}:revisions_compare", args=[obj.pk, "live", "latest"]),
            reverse(f"{ns}:collect_workflow_action_data", args=[obj.pk, "approve", task_state.pk]),
        ):
            _page(client, url)

        approved = client.post(
            reverse(f"{ns}:workflow_action", args=[obj.pk, "approve", task_state.pk]),
            {"comment": "Agreed."},
        )

        assert approved.status_code == 302
        assert approved.url == reverse(f"{ns}:edit", args=[obj.pk])
        obj.refresh_from_db()
        assert obj.live_revision == obj.latest_revision
        assert not obj.has_unpublished_changes
    assert Qualification.objects.get(code=certificates_demo.CORE_CODE).min_cpd_points_year == 0
