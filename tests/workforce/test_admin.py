"""The Wagtail admin for people, organisations and memberships."""

import pytest

from workforce.models import Membership, Organisation, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(
        User.objects.create_superuser(email="admin@example.org", full_name="Admin", password="x")
    )
    return client


def test_people_are_created_with_one_full_name(admin_client):
    form = admin_client.get("/admin/users/new/")
    assert form.status_code == 200
    assert 'name="full_name"' in form.content.decode()
    assert 'name="first_name"' not in form.content.decode()

    response = admin_client.post(
        "/admin/users/new/",
        {
            "email": "new.worker@example.org",
            "full_name": "王秀英",
            "password1": "a-long-password-42",
            "password2": "a-long-password-42",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(email="new.worker@example.org").full_name == "王秀英"
    assert admin_client.get("/admin/users/").status_code == 200


def test_organisations_are_created_through_the_service(admin_client):
    response = admin_client.post(
        "/admin/organisations/new/", {"name": "Valley PCN", "kind": "pcn", "ods_code": "u1"}
    )

    assert response.status_code == 302
    assert Organisation.objects.get(name="Valley PCN").ods_code == "U1"


def test_an_overlapping_membership_is_refused_with_a_message(
    admin_client, organisation, link_worker
):
    response = admin_client.post(
        "/admin/memberships/new/",
        {
            "user": link_worker.pk,
            "organisation": organisation.pk,
            "role": Role.LINK_WORKER,
            "starts_on": "2026-01-05",
        },
    )

    assert response.status_code == 200
    assert "already a link worker" in response.content.decode()
    assert Membership.objects.filter(user=link_worker).count() == 1


def test_memberships_are_ended_not_deleted(admin_client, organisation, link_worker):
    membership = link_worker.memberships.get()

    edit = admin_client.get(f"/admin/memberships/edit/{membership.pk}/")
    assert edit.status_code == 200
    assert 'name="role"' not in edit.content.decode()
    admin_client.post(f"/admin/memberships/edit/{membership.pk}/", {"ends_on": "2030-01-31"})
    delete = admin_client.post(f"/admin/memberships/delete/{membership.pk}/")

    membership.refresh_from_db()
    assert str(membership.ends_on) == "2030-01-31"
    # Wagtail answers a forbidden admin action by sending the user back to the dashboard.
    assert (delete.status_code, delete.url) == (302, "/admin/")
    assert Membership.objects.filter(pk=membership.pk).exists()
