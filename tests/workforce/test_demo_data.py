"""load_demo_data: one sign-in per role, idempotent, refused under production settings."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from wagtail.models import Site

from certificates import pdf
from workforce.models import Membership, Organisation, OrganisationKind, Role, User

pytestmark = pytest.mark.django_db

SIGN_INS = {
    "trainer@example.org": None,
    "reviewer@example.org": None,
    "assessor@example.org": Role.ASSESSOR,
    "linkworker@example.org": Role.LINK_WORKER,
    "manager@example.org": Role.MANAGER,
}


def _snapshot():
    return (
        sorted(Organisation.objects.values_list("name", "kind", "ods_code")),
        sorted(User.objects.values_list("email", "full_name", "password")),
        sorted(Membership.objects.values_list("user__email", "organisation__name", "role")),
        sorted(User.groups.through.objects.values_list("user__email", "group__name")),
    )


def test_demo_data_creates_every_demo_sign_in():
    call_command("load_demo_data", stdout=None)

    for email, role in SIGN_INS.items():
        # django-axes counts sign-ins per request, so authenticate() must be given one.
        user = authenticate(HttpRequest(), username=email, password="demo-password")
        assert user is not None, email
        if role:
            assert user.memberships.filter(role=role).exists()
        else:
            assert user.has_perm("wagtailadmin.access_admin")
    kinds = list(Organisation.objects.values_list("kind", flat=True))
    assert kinds.count(OrganisationKind.PCN) == 2
    assert kinds.count(OrganisationKind.VOLUNTARY_SECTOR) == 1
    assert Site.objects.get(is_default_site=True).root_page.specific_class.__name__ == "HomePage"


def test_demo_data_is_idempotent(capsys):
    call_command("load_demo_data")
    first = _snapshot()
    call_command("load_demo_data")

    assert _snapshot() == first
    assert "added 0 organisations, 0 people, 0 roles" in capsys.readouterr().out


def test_demo_data_is_refused_under_production_settings(settings):
    settings.DEMO_DATA_ALLOWED = False

    with pytest.raises(CommandError, match="refused under production settings"):
        call_command("load_demo_data")
    assert not User.objects.exists()


def test_demo_data_says_which_font_package_to_install_before_building_anything(monkeypatch):
    monkeypatch.setitem(pdf.CERTIFICATE_FONTS, "Noto Sans Tengwar Test", "fonts-noto-tengwar-test")

    with pytest.raises(CommandError, match="apt-get install fonts-noto-tengwar-test"):
        call_command("load_demo_data")
    assert not User.objects.exists()
