"""Signing in lands each role on its own page; role pages are permission-checked."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils.html import escape
from django.views.defaults import server_error

from tests.factories import MembershipFactory
from workforce.permissions import TRAINERS_GROUP

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("person", "landing"),
    [
        ("link_worker", "/progress/"),
        ("assessor", "/caseload/"),
        ("manager", "/team/"),
        ("nobody", "/welcome/"),
    ],
)
def test_home_sends_each_role_to_its_page(client, request, person, landing):
    client.force_login(request.getfixturevalue(person))

    response = client.get("/home/")

    assert response.status_code == 302
    assert response.url == landing
    assert client.get(landing).status_code == 200


def test_trainers_land_in_the_wagtail_admin(client, nobody):
    nobody.groups.add(Group.objects.get(name=TRAINERS_GROUP))
    client.force_login(nobody)

    assert client.get("/home/").url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_sign_in_form_lands_on_the_role_page(client, manager):
    response = client.post(
        "/accounts/login/", {"username": manager.email, "password": "test-password"}
    )

    assert response.status_code == 302
    assert client.get(response.url).url == "/team/"


def test_wrong_password_gets_a_clear_message(client, manager):
    response = client.post("/accounts/login/", {"username": manager.email, "password": "wrong"})

    assert response.status_code == 200
    assert "The email address or password is not right" in response.content.decode()


@pytest.mark.parametrize("path", ["/progress/", "/caseload/", "/team/", "/home/"])
def test_role_pages_need_a_sign_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("person", "path"),
    [
        ("link_worker", "/team/"),
        ("link_worker", "/caseload/"),
        ("assessor", "/team/"),
        ("assessor", "/progress/"),
        ("manager", "/progress/"),
        ("manager", "/caseload/"),
        ("nobody", "/team/"),
    ],
)
def test_role_pages_refuse_other_roles_with_a_styled_403(client, request, person, path):
    client.force_login(request.getfixturevalue(person))

    response = client.get(path)

    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()


def test_team_page_lists_only_the_managers_organisation(
    client, manager, link_worker, outside_link_worker
):
    client.force_login(manager)

    content = client.get("/team/").content.decode()

    assert link_worker.email in content
    assert outside_link_worker.email not in content


def test_caseload_lists_only_the_assessors_organisation(
    client, assessor, link_worker, outside_link_worker
):
    client.force_login(assessor)

    content = client.get("/caseload/").content.decode()

    assert escape(link_worker.full_name) in content
    assert escape(outside_link_worker.full_name) not in content


def test_unknown_page_is_a_styled_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_server_error_page_is_styled(client, settings):
    settings.DEBUG = False

    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_password_reset_sends_a_working_link(client, link_worker, settings):
    settings.SITE_BASE_URL = "https://academy.example.org"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "forged.example"]
    response = client.post(
        "/accounts/password/reset/",
        {"email": link_worker.email.upper()},
        HTTP_HOST="forged.example",  # the link must not come from the Host header
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [link_worker.email]
    link = next(line for line in message.body.splitlines() if "/accounts/password/reset/" in line)
    assert link.startswith("https://academy.example.org/accounts/password/reset/")
    form_page = client.get(link.removeprefix("https://academy.example.org"), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-password-42", "new_password2": "a-new-long-password-42"},
    )
    assert done.status_code == 302
    # django-axes counts sign-ins per request, so authenticate() must be given one.
    assert client.login(
        request=HttpRequest(), username=link_worker.email, password="a-new-long-password-42"
    )


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert mail.outbox == []


def test_navigation_shows_the_role_pages(client, manager):
    client.force_login(manager)

    content = client.get("/team/").content.decode()

    assert 'href="/team/" aria-current="page"' in content
    assert "/progress/" not in content


def test_names_with_apostrophes_show_on_the_team_page(client, manager, organisation):
    worker = MembershipFactory(organisation=organisation, user__full_name="Siobhán O'Neill").user
    client.force_login(manager)

    content = client.get("/team/").content.decode()

    assert "Siobhán O&#x27;Neill" in content
    assert worker.email in content
