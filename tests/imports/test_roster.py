"""Roster import: new people invited to set a password, roles started, all or nothing."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.imports.conftest import as_csv, as_xlsx
from workforce import services
from workforce.models import Membership, Role, User

pytestmark = pytest.mark.django_db
HEADERS = ["Name", "Email", "Organisation", "Role"]


def test_a_roster_creates_people_and_roles_and_emails_a_set_password_link(
    client, manager, organisation, django_capture_on_commit_callbacks
):
    data = as_xlsx(
        [
            ["Łucja Żółć", "Lucja.Zolc@Example.org", organisation.name, "Link worker"],
            ["Łucja Żółć", "lucja.zolc@example.org", organisation.ods_code, "assessor"],
        ],
        HEADERS,
    )
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.roster_import(data=data, filename="r.xlsx", actor=manager)

    assert plan.ok, plan.problems()
    person = User.objects.get(email="lucja.zolc@example.org")
    assert person.full_name == "Łucja Żółć"
    assert not person.has_usable_password()
    roles = set(Membership.objects.active_on().filter(user=person).values_list("role", flat=True))
    assert roles == {Role.LINK_WORKER, Role.ASSESSOR}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lucja.zolc@example.org"]
    link = re.search(r"http\S+/accounts/password/reset/(\S+)/(\S+)/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    # The link really lets them set a password.
    page = client.get(link[0], follow=True)
    set_url = page.redirect_chain[-1][0] if page.redirect_chain else link[0]
    done = client.post(
        set_url,
        {"new_password1": "a-long-new-passphrase", "new_password2": "a-long-new-passphrase"},
    )
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a-long-new-passphrase")


def test_existing_people_get_missing_roles_and_renames_only_when_only_here(
    manager, organisation, link_worker, outside_link_worker
):
    data = as_csv(
        [
            [link_worker.full_name + " Jones", link_worker.email, organisation.name, "assessor"],
            ["Someone Else", outside_link_worker.email, organisation.name, "link worker"],
        ],
        HEADERS,
    )
    plan = services.roster_import(data=data, filename="r.csv", actor=manager)
    assert plan.ok, plan.problems()
    link_worker.refresh_from_db()
    assert link_worker.full_name.endswith(" Jones")
    outside_link_worker.refresh_from_db()
    assert outside_link_worker.full_name != "Someone Else"  # also works elsewhere: name kept
    assert (
        Membership.objects.active_on()
        .filter(user=outside_link_worker, organisation=organisation, role=Role.LINK_WORKER)
        .exists()
    )
    assert "they also work for an organisation you do not manage" in str(plan.rows[1]["notes"])


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ["New Person", "new@example.org", "Elsewhere Test PCN", "link worker"],
            "is not one of the organisations you manage",
        ),
        (["New Person", "new@example.org", "Riverside Test PCN", "boss"], "is not a role"),
        (
            ["New Person", "not-an-email", "Riverside Test PCN", "assessor"],
            "is not an email address",
        ),
        (["", "new@example.org", "Riverside Test PCN", "assessor"], "Enter the person's full name"),
    ],
)
def test_a_bad_row_refuses_the_whole_roster(
    manager, organisation, other_organisation, row, message
):
    people = User.objects.count()
    data = as_csv(
        [["Good Person", "good@example.org", organisation.name, "link worker"], row], HEADERS
    )
    plan = services.roster_import(data=data, filename="r.csv", actor=manager)
    assert not plan.ok
    assert any(message in problem for problem in plan.problems()), plan.problems()
    assert User.objects.count() == people
    assert not mail.outbox


def test_the_roster_page_previews_then_confirms(
    client, manager, outside_manager, organisation, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    data = as_csv([["Kofi Boateng", "kofi@example.org", organisation.name, "link worker"]], HEADERS)
    preview = client.post(
        reverse("competencies:roster_import"), {"file": SimpleUploadedFile("r.csv", data)}
    )
    html = preview.content.decode()
    assert "New person, emailed a link to set a password." in html
    assert not User.objects.filter(email="kofi@example.org").exists()
    payload = re.search(r'name="payload" value="([^"]+)"', html)[1]

    client.force_login(outside_manager)  # another manager cannot replay the signed preview
    replay = client.post(reverse("competencies:roster_import"), {"payload": payload}, follow=True)
    assert "could not be verified" in replay.content.decode()
    assert not User.objects.filter(email="kofi@example.org").exists()
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("competencies:roster_import"), {"payload": payload})
    assert User.objects.filter(email="kofi@example.org").exists()
    assert len(mail.outbox) == 1


def test_only_managers_import_rosters(client, assessor):
    client.force_login(assessor)
    assert client.get(reverse("competencies:roster_import")).status_code == 403
