"""Trainers author qualification rules in the Wagtail admin."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from certificates import demo as certificates_demo
from certificates import services
from certificates.models import Qualification, RenewalRequirement
from curriculum.models import AssessmentMethod
from tests.factories import UserFactory
from workforce.permissions import TRAINERS_GROUP

pytestmark = pytest.mark.django_db


def test_a_trainer_sees_and_edits_the_qualification_rules(client, demo_curriculum):
    certificates_demo.load_qualification()
    trainer = UserFactory()
    trainer.groups.add(Group.objects.get(name=TRAINERS_GROUP))
    client.force_login(trainer)
    qualification = Qualification.objects.get(code="LWPC-CORE")

    listing = client.get("/admin/snippets/certificates/qualification/")
    edit = client.get(f"/admin/snippets/certificates/qualification/edit/{qualification.pk}/")

    assert listing.status_code == 200
    assert "Link Worker Practice Certificate (Core)" in listing.content.decode()
    assert edit.status_code == 200
    assert 'name="min_direct_observations"' in edit.content.decode()


def test_people_without_admin_access_cannot_open_them(client, link_worker):
    client.force_login(link_worker)

    response = client.get("/admin/snippets/certificates/qualification/")

    # Wagtail sends people without admin access to its sign-in page.
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_renewal_codes_are_checked_against_the_framework_before_the_qualification_is_saved(
    framework,
):
    # As the admin's inline form builds it: the qualification is not saved yet.
    unsaved = Qualification(framework=framework, code="NEW", title="New")
    dop = AssessmentMethod.objects.get(code="DOP")
    wrong = RenewalRequirement(
        qualification=unsaved, method=dop, competency_codes="SPLW-PCP-01, SPLW-NOPE-99"
    )
    right = RenewalRequirement(qualification=unsaved, method=dop, competency_codes="SPLW-PCP-01")

    with pytest.raises(ValidationError, match="SPLW-NOPE-99"):
        wrong.clean()
    right.clean()
    assert right.codes == ["SPLW-PCP-01"]


def test_a_qualification_with_certificates_is_not_deleted_and_the_admin_says_why(
    client, manager, eligible_worker, qualification
):
    services.certificate_issue(actor=manager, worker=eligible_worker, qualification=qualification)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    url = f"/admin/snippets/certificates/qualification/delete/{qualification.pk}/"

    response = client.post(url, follow=True)

    assert response.status_code == 200
    assert Qualification.objects.filter(pk=qualification.pk).exists()
    # Its certificates keep it (and the award sign-offs they rest on).
    assert re.search(
        f"“{re.escape(str(qualification))}” is still used by [a-z ,-]*certificates[a-z ,-]*, so "
        "it was not deleted.",
        response.content.decode(),
    )


def test_an_unused_assessment_method_can_still_be_deleted(client):
    method = AssessmentMethod.objects.create(code="ZZ", name="Not used anywhere")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.post(f"/admin/snippets/curriculum/assessmentmethod/delete/{method.pk}/")

    assert response.status_code == 302
    assert not AssessmentMethod.objects.filter(pk=method.pk).exists()
