"""Workforce services: validation, history kept, audit log written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from workforce import services
from workforce.models import Membership, OrganisationKind, Role, User

pytestmark = pytest.mark.django_db


def test_user_create_normalises_email_and_refuses_duplicates_ignoring_case():
    user = services.user_create(email="Siân.Pritchard@Example.org", full_name=" Siân Ŵyn ")

    assert user.email == "siân.pritchard@example.org"
    assert user.full_name == "Siân Ŵyn"
    assert not user.has_usable_password()
    with pytest.raises(ValidationError, match="already exists"):
        services.user_create(email="SIÂN.PRITCHARD@example.org", full_name="Someone Else")
    assert User.objects.count() == 1


def test_user_create_needs_a_name():
    with pytest.raises(ValidationError, match="full name"):
        services.user_create(email="a@example.org", full_name="   ")


def test_sign_in_email_ignores_case(client):
    services.user_create(email="worker@example.org", full_name="Łucja Żółć", password="pw-12345!")

    # django-axes counts sign-ins per request, so authenticate() must be given one.
    assert client.login(request=HttpRequest(), username="WORKER@Example.org", password="pw-12345!")


def test_organisation_create_validates_and_logs(manager):
    organisation = services.organisation_create(
        name="Valley PCN", kind=OrganisationKind.PCN, ods_code="u55501", actor=manager
    )

    assert organisation.ods_code == "U55501"
    entry = ModelLogEntry.objects.get(action="workforce.organisation.create")
    assert entry.object_id == str(organisation.pk)
    assert entry.user_id == manager.pk
    with pytest.raises(ValidationError):
        services.organisation_create(name="Valley PCN", kind=OrganisationKind.PCN)
    with pytest.raises(ValidationError):
        services.organisation_create(name="Other", kind="hospital")


def test_membership_start_refuses_an_overlapping_role(organisation, link_worker):
    with pytest.raises(ValidationError, match="already a link worker"):
        services.membership_start(
            user=link_worker, organisation=organisation, role=Role.LINK_WORKER
        )


def test_membership_end_keeps_the_record(organisation):
    user = services.user_create(email="leaver@example.org", full_name="Leaver")
    started = timezone.localdate() - datetime.timedelta(days=10)
    membership = services.membership_start(
        user=user, organisation=organisation, role=Role.ASSESSOR, starts_on=started
    )

    with pytest.raises(ValidationError, match="cannot end before it starts"):
        services.membership_end(membership=membership, ends_on=started - datetime.timedelta(days=1))
    services.membership_end(membership=membership)

    membership.refresh_from_db()
    assert membership.ends_on == timezone.localdate()
    # The end date is the last day of the role.
    assert Membership.objects.active_on().filter(user=user).count() == 1
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert Membership.objects.active_on(tomorrow).filter(user=user).count() == 0
    assert Membership.objects.filter(user=user).count() == 1
    assert list(
        ModelLogEntry.objects.for_instance(membership)
        .order_by("timestamp")
        .values_list("action", flat=True)
    ) == ["workforce.membership.start", "workforce.membership.end"]
