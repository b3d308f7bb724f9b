"""Trainers author qualification rules in the Wagtail admin."""

import pytest
from django.contrib.auth.models import Group

from certificates import demo as certificates_demo
from certificates.models import Qualification
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
