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
