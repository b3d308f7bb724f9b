"""Roster import: new people invited to set a password, roles started, all or nothing."""

import datetime
import re
import secrets
import smtplib
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends import locmem
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import ModelLogEntry

from tests.factories import MembershipFactory, UserFactory
from tests.imports.conftest import as_csv, as_xlsx, truncated_xlsx
from workforce import roster, services
from workforce.models import Membership, Role, User

pytestmark = pytest.mark.django_db
HEADERS = ["Name", "Email", "Organisation", "Role"]


def test_a_roster_creates_people_and_roles_and_emails_a_set_password_link(
    client, manager, organisation, django_capture_on_commit_callbacks
):
    data = as_xlsx(
        [
            ["Łucja Żółć", "Lucja.Zolc@Example.org", organisation.ods_code, "Link worker"],
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
    assert roles == {Role.LINK_WORKER}
    assert person.created_by == manager  # so the manager may not assess or certify them
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


def test_people_in_post_here_get_missing_roles_and_renames_only_when_only_ever_here(
    manager, organisation, other_organisation, link_worker, assessor
):
    MembershipFactory(user=assessor, organisation=other_organisation, role=Role.ASSESSOR)
    assessor_name = assessor.full_name
    data = as_csv(
        [
            [link_worker.full_name + " Jones", link_worker.email, organisation.name, "link worker"],
            ["Someone Else", assessor.email.upper(), organisation.name, "link worker"],
        ],
        HEADERS,
    )
    plan = services.roster_import(data=data, filename="r.csv", actor=manager)
    assert plan.ok, plan.problems()
    link_worker.refresh_from_db()
    assert link_worker.full_name.endswith(" Jones")
    assert not plan.rows[0]["start"]  # already a link worker here
    assessor.refresh_from_db()
    assert assessor.full_name == assessor_name  # also works elsewhere: name kept
    assert (
        Membership.objects.active_on()
        .filter(user=assessor, organisation=organisation, role=Role.LINK_WORKER)
        .exists()
    )
    assert "they also work, or have worked, for an organisation you do not manage" in str(
        plan.rows[1]["notes"]
    )


def _superuser(**_):
    return User.objects.create_superuser(email="root@example.org", full_name="Stored Root")


def _employed_elsewhere(other_organisation, **_):
    return MembershipFactory(
        organisation=other_organisation,
        role=Role.LINK_WORKER,
        user=UserFactory(full_name="Stored Elsewhere"),
    ).user


def _former_worker(organisation, **_):
    membership = MembershipFactory(
        organisation=organisation,
        role=Role.LINK_WORKER,
        user=UserFactory(full_name="Stored Former"),
    )
    membership.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    membership.save()
    return membership.user


def _no_role_anywhere(**_):
    return UserFactory(full_name="Stored Nobody")


def _staff_in_post_here(organisation, **_):
    user = MembershipFactory(
        organisation=organisation,
        role=Role.LINK_WORKER,
        user=UserFactory(full_name="Stored Staff", is_staff=True),
    ).user
    return user


def _admin_group_member_in_post_here(organisation, **_):
    user = MembershipFactory(
        organisation=organisation,
        role=Role.LINK_WORKER,
        user=UserFactory(full_name="Stored Editor"),
    ).user
    user.groups.add(Group.objects.get_or_create(name="Editors")[0])
    return user


@pytest.mark.parametrize(
    "make",
    [
        _superuser,
        _employed_elsewhere,
        _former_worker,
        _no_role_anywhere,
        _staff_in_post_here,
        _admin_group_member_in_post_here,
    ],
)
def test_accounts_that_are_not_the_managers_to_change_are_refused_and_untouched(
    client, manager, organisation, other_organisation, make
):
    person = make(organisation=organisation, other_organisation=other_organisation)
    stored_name = person.full_name
    memberships = set(Membership.objects.filter(user=person).values_list())
    logged = ModelLogEntry.objects.count()
    data = as_csv(
        [
            ["Good Person", "good@example.org", organisation.name, "link worker"],
            ["Taken Over", person.email.upper(), organisation.name, "link worker"],
        ],
        HEADERS,
    )

    plan = services.roster_import(data=data, filename="r.csv", actor=manager)

    message = (
        f"{person.email} already has an account with another organisation or none; ask an "
        "administrator to add them."
    )
    assert not plan.ok
    assert plan.problems() == [f"Row 3: {message}"]
    assert not plan.rows[1]["start"]
    assert not plan.rows[1]["rename"]
    assert stored_name not in str(plan.rows)  # the stored name is not shown
    person.refresh_from_db()
    assert person.full_name == stored_name
    assert set(Membership.objects.filter(user=person).values_list()) == memberships
    assert not User.objects.filter(email="good@example.org").exists()
    assert ModelLogEntry.objects.count() == logged
    assert not mail.outbox

    client.force_login(manager)
    page = client.post(
        reverse("imports:roster_import"), {"file": SimpleUploadedFile("r.csv", data)}
    )
    html = page.content.decode()
    assert escape(message) in html
    assert escape(stored_name) not in html
    assert 'name="payload"' not in html


class OneAddressFails(locmem.EmailBackend):
    """Delivers like the test backend, except to one address, which always fails."""

    def send_messages(self, messages):
        for message in messages:
            if "broken@example.org" in message.to:
                raise smtplib.SMTPRecipientsRefused({"broken@example.org": (550, b"No")})
        return super().send_messages(messages)


# Committed for real, so the emails go out when the import is saved, before the page answers.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_failed_email_does_not_stop_the_others_or_the_import(
    client, manager, organisation, settings, caplog
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.OneAddressFails"}}
    data = as_csv(
        [
            ["Ama Mensah", "ama@example.org", organisation.name, "link worker"],
            ["Broken Mailbox", "broken@example.org", organisation.name, "link worker"],
            ["Bea Jones", "bea@example.org", organisation.name, "link worker"],
        ],
        HEADERS,
    )
    client.force_login(manager)
    preview = client.post(
        reverse("imports:roster_import"), {"file": SimpleUploadedFile("r.csv", data)}
    )
    payload = re.search(r'name="payload" value="([^"]+)"', preview.content.decode())[1]
    done = client.post(reverse("imports:roster_import"), {"payload": payload}, follow=True)

    assert done.status_code == 200
    assert (
        User.objects.filter(
            email__in=["ama@example.org", "broken@example.org", "bea@example.org"]
        ).count()
        == 3
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["ama@example.org", "bea@example.org"]
    assert "could not be sent to broken@example.org" in done.content.decode()
    assert "Could not email broken@example.org" in caplog.text


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ["New Person", "new@example.org", "Elsewhere Test PCN", "link worker"],
            "is not one of the organisations you manage",
        ),
        (["New Person", "new@example.org", "Riverside Test PCN", "boss"], "is not a role"),
        (
            ["New Person", "not-an-email", "Riverside Test PCN", "link worker"],
            "is not an email address",
        ),
        (
            ["", "new@example.org", "Riverside Test PCN", "link worker"],
            "Enter the person's full name",
        ),
        (
            ["N" * 201, "new@example.org", "Riverside Test PCN", "link worker"],
            "The name is 201 characters long; a name can be at most 200 (name column).",
        ),
        (
            ["New Person", "n" * 243 + "@example.org", "Riverside Test PCN", "link worker"],
            "The email address is 255 characters long; an email address can be at most 254 "
            "(email column).",
        ),
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
        reverse("imports:roster_import"), {"file": SimpleUploadedFile("r.csv", data)}
    )
    html = preview.content.decode()
    assert "New person, emailed a link to set a password." in html
    assert not User.objects.filter(email="kofi@example.org").exists()
    payload = re.search(r'name="payload" value="([^"]+)"', html)[1]

    client.force_login(outside_manager)  # another manager cannot replay the signed preview
    replay = client.post(reverse("imports:roster_import"), {"payload": payload}, follow=True)
    assert "could not be verified" in replay.content.decode()
    assert not User.objects.filter(email="kofi@example.org").exists()
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:roster_import"), {"payload": payload})
    assert User.objects.filter(email="kofi@example.org").exists()
    assert len(mail.outbox) == 1


def test_only_managers_import_rosters(client, assessor):
    client.force_login(assessor)
    assert client.get(reverse("imports:roster_import")).status_code == 403


def preview(client, data: bytes, name: str = "r.csv"):
    return client.post(reverse("imports:roster_import"), {"file": SimpleUploadedFile(name, data)})


def payload_of(page) -> str:
    return re.search(r'name="payload" value="([^"]+)"', page.content.decode())[1]


def test_a_damaged_roster_workbook_is_refused_with_a_clear_message(client, manager, organisation):
    client.force_login(manager)
    rows = [
        [f"Person {n}", f"p{n}@example.org", organisation.name, "link worker"] for n in range(40)
    ]
    people = User.objects.count()

    page = preview(client, truncated_xlsx(as_xlsx(rows, HEADERS)), "roster.xlsx")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Nothing was imported: the roster has problems" in html
    assert "The XLSX file is damaged or not a spreadsheet: save it again from Excel" in html
    assert 'name="payload"' not in html
    assert User.objects.count() == people


@pytest.mark.parametrize("race", ["person added meanwhile", "role started meanwhile"])
def test_a_change_between_the_check_and_the_save_is_explained_and_saves_nothing(
    client, manager, organisation, monkeypatch, django_capture_on_commit_callbacks, race
):
    """Another request changes someone in the roster while it is being saved (the check passed):
    the services refuse (ValidationError), and the page says so rather than a 500."""
    in_post = MembershipFactory(organisation=organisation, role=Role.ASSESSOR).user
    client.force_login(manager)
    data = as_csv(
        [
            ["Kofi Boateng", "kofi@example.org", organisation.name, "link worker"],
            ["Ama Mensah", "ama@example.org", organisation.name, "link worker"],
            [in_post.full_name, in_post.email, organisation.name, "link worker"],
        ],
        HEADERS,
    )
    payload = payload_of(preview(client, data))
    check = roster.check_roster

    def check_then_race(**kwargs):
        plan = check(**kwargs)
        if race == "person added meanwhile":
            UserFactory(email="ama@example.org")
        else:
            MembershipFactory(user=in_post, organisation=organisation, role=Role.LINK_WORKER)
        return plan

    monkeypatch.setattr(roster, "check_roster", check_then_race)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("imports:roster_import"), {"payload": payload}, follow=True)

    assert page.status_code == 200
    html = page.content.decode()
    assert escape("Nothing was imported: someone changed these people's accounts") in html
    expected = (
        "Someone with the email address ama@example.org already exists."
        if race == "person added meanwhile"
        else f"is already a link worker at {organisation}"
    )
    assert escape(expected) in html
    assert not User.objects.filter(email="kofi@example.org").exists()  # rolled back
    assert not mail.outbox


def test_a_roster_over_the_size_limit_is_refused_at_upload(client, manager, organisation):
    client.force_login(manager)
    row = ["Person", "person@example.org", organisation.name, "link worker"]
    data = as_csv([row] * (roster.MAX_BYTES // 50), HEADERS)
    assert len(data) > roster.MAX_BYTES
    people = User.objects.count()

    page = preview(client, data)

    html = page.content.decode()
    assert "more than the limit of 1.0\xa0MB (about 10,000 people)" in html
    assert "Split it into smaller files" in html
    assert User.objects.count() == people
    plan = roster.check_roster(data=data, filename="r.csv", actor=manager)  # the service too
    assert not plan.ok
    assert "more than the limit" in plan.file_errors[0]


def test_a_roster_at_the_size_limit_fits_in_the_confirmation_form(
    client, manager, organisation, settings
):
    """The roster rides in the signed form to its confirmation: at the limit, made of text that
    hardly compresses, it still fits under DATA_UPLOAD_MAX_MEMORY_SIZE."""
    client.force_login(manager)
    rows, size = [], 40
    while size < roster.MAX_BYTES - 200:
        token = secrets.token_urlsafe(24)
        rows.append([f"N{token}", f"{token.lower()}@example.org", organisation.name, "link worker"])
        size += len(",".join(rows[-1])) + 2
    data = as_csv(rows, HEADERS)
    assert roster.MAX_BYTES - 1000 < len(data) <= roster.MAX_BYTES

    page = preview(client, data)

    form = urlencode({"csrfmiddlewaretoken": "x" * 64, "payload": payload_of(page)})
    assert len(form) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE * 0.8


def test_a_roster_too_large_for_the_form_says_so_rather_than_failing_on_confirm(
    client, manager, organisation, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(manager)
    data = as_csv([["Kofi Boateng", "kofi@example.org", organisation.name, "link worker"]], HEADERS)

    page = preview(client, data)

    html = page.content.decode()
    assert "The roster is too large to confirm in one go." in html
    assert 'name="payload"' not in html
