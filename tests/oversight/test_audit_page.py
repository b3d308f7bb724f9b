"""The manager's audit log: only their people's entries, filtered, paged, fixed query count."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.html import escape
from wagtail.log_actions import log

from certificates.models import Qualification
from tests.factories import MembershipFactory, UserFactory
from workforce import services as workforce_services
from workforce.models import Role
from workforce.permissions import TRAINERS_GROUP

pytestmark = pytest.mark.django_db

URL = "/team/audit/"


def _rows(response, manager) -> list:
    """The rows shown, less the manager's own sign-in that the test client's sign-in wrote."""
    return [
        row
        for row in response.context["rows"]
        if not (row.action == "Sign in" and row.about == str(manager))
    ]


def _rename(person, name, *, by=None, days_ago=0):
    """An entry about `person`'s account, written `days_ago` days ago."""
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return log(person, "workforce.user.rename", user=by, data={"to": name}, timestamp=when)


# --- Access -----------------------------------------------------------------------------------


def test_the_page_needs_a_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.parametrize("person", ["link_worker", "assessor", "nobody"])
def test_the_page_is_for_managers_only(client, request, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(URL).status_code == 403


def test_the_team_pages_link_to_it(client, manager):
    client.force_login(manager)

    content = client.get("/team/").content.decode()

    assert f'href="{URL}"' in content
    assert 'aria-current="page"><strong>Audit log' in client.get(URL).content.decode()


# --- What a manager sees ----------------------------------------------------------------------


def test_a_manager_sees_their_peoples_entries_and_their_own_and_nobody_elses(
    client,
    manager,
    link_worker,
    organisation,
    other_organisation,
    outside_link_worker,
    outside_manager,
):
    _rename(link_worker, "In scope", by=manager)
    log(organisation, "workforce.roster.import", user=outside_manager, data={"rows": 4})
    workforce_services.export_record(
        actor=manager, report="certificate-register", file_format="csv", rows=7
    )
    # Outside the rule: another organisation's worker and organisation, that organisation's
    # manager's own export, and something one of the manager's people did to someone else.
    _rename(outside_link_worker, "Outside worker")
    log(other_organisation, "workforce.roster.import", user=outside_manager)
    workforce_services.export_record(
        actor=outside_manager, report="assessment-history", file_format="xlsx", rows=99
    )
    log(outside_link_worker, "workforce.user.create", user=link_worker)
    client.force_login(manager)

    response = client.get(URL)
    content = response.content.decode()

    assert response.status_code == 200
    assert [row.action for row in _rows(response, manager)] == [
        "Export report",
        "Import roster",
        "Rename person",
    ]
    assert escape(link_worker.full_name) in content
    assert "Riverside Test PCN" in content
    assert "Rows: 7" in content
    assert "Report: certificate-register" in content
    assert escape(outside_link_worker.full_name) not in content
    assert "Elsewhere Test PCN" not in content
    assert "Rows: 99" not in content


def test_people_who_left_take_their_entries_with_them(client, manager, link_worker):
    _rename(link_worker, "Was here")
    membership = link_worker.memberships.get()
    membership.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    membership.save()
    client.force_login(manager)

    assert _rows(client.get(URL), manager) == []


def test_only_whitelisted_data_is_shown(client, manager, link_worker):
    log(
        link_worker,
        "workforce.signin.success",
        user=link_worker,
        data={
            "ip_address": "203.0.113.9",
            "path": "/accounts/login/",
            "details": "The manager's own account of a revocation",
            "filename": "secret-roster.xlsx",
            "how": "changed",
        },
    )
    client.force_login(manager)

    content = client.get(URL).content.decode()

    assert "How: changed" in content
    for private in ("203.0.113.9", "/accounts/login/", "own account", "secret-roster"):
        assert private not in content


# --- Filters and pages ------------------------------------------------------------------------


def test_filters_by_action_person_and_dates(client, manager, link_worker, organisation):
    other = MembershipFactory(organisation=organisation, role=Role.LINK_WORKER).user
    _rename(link_worker, "Today")
    _rename(other, "Ten days ago", days_ago=10)
    log(link_worker, "workforce.signin.success", user=link_worker)
    client.force_login(manager)

    def shown(query: str) -> list[tuple[str, str]]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200
        return [(row.action, row.about) for row in _rows(response, manager)]

    today = timezone.localdate()
    assert shown("action=workforce.user.rename") == [
        ("Rename person", str(link_worker)),
        ("Rename person", str(other)),
    ]
    assert shown(f"person={other.pk}") == [("Rename person", str(other))]
    assert shown(f"since={today - datetime.timedelta(days=1)}") == [
        ("Sign in", str(link_worker)),
        ("Rename person", str(link_worker)),
    ]
    assert shown(f"until={today - datetime.timedelta(days=5)}") == [("Rename person", str(other))]
    assert shown(f"action=workforce.signin.success&person={other.pk}") == []
    assert (
        "No entry matches these filters."
        in client.get(f"{URL}?person={other.pk}&action=workforce.signin.success").content.decode()
    )


def test_the_action_filter_offers_registered_actions_by_label(client, manager):
    client.force_login(manager)

    choices = dict(client.get(URL).context["form"].fields["action"].choices)

    assert choices["workforce.export"] == "Export report"
    assert choices["certificates.certificate.download"] == "Download certificate"
    assert choices["competencies.evidence.download"] == "Download evidence"
    assert "wagtail.publish" not in choices  # page actions are the trainers' business


def test_another_organisations_person_cannot_be_asked_for(
    client, manager, link_worker, outside_link_worker
):
    _rename(link_worker, "Mine")
    _rename(outside_link_worker, "Not mine")
    client.force_login(manager)

    response = client.get(f"{URL}?person={outside_link_worker.pk}")

    # Not a valid choice: the filter is ignored, and the outside entry stays hidden.
    assert [row.about for row in _rows(response, manager)] == [str(link_worker)]
    assert "Choose one of the link workers you manage" in response.content.decode()


def test_entries_are_paged_newest_first(client, manager, link_worker):
    client.force_login(manager)  # its sign-in is the 30th entry
    for days_ago in range(1, 30):
        _rename(link_worker, f"Name {days_ago}", days_ago=days_ago)

    first = client.get(URL)
    second = client.get(f"{URL}?page=2")

    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 5
    stamps = [row.timestamp for row in first.context["rows"] + second.context["rows"]]
    assert stamps == sorted(stamps, reverse=True)
    assert "Showing 1 to 25 of 30 entries." in first.content.decode()
    assert "?page=2" in first.content.decode()


# Sign-in session and user, the role check, the navigation's roles and the user's two kinds of
# permissions, the person filter's choices (counted, then read), the count and the page of
# entries.
AUDIT_QUERIES = 10


def test_the_page_takes_the_same_queries_for_any_log_size(
    client, manager, organisation, django_assert_num_queries
):
    def grow(size: int) -> None:
        for _ in range(size):
            worker = MembershipFactory(organisation=organisation, role=Role.LINK_WORKER).user
            _rename(worker, "Renamed", by=manager)
            log(worker, "workforce.signin.success", user=worker, data={"how": "password"})

    client.force_login(manager)
    grow(2)
    client.get(URL)  # what Django and Wagtail cache per process (content types)

    with django_assert_num_queries(AUDIT_QUERIES):
        assert len(client.get(URL).context["rows"]) == 5  # and the manager's sign-in
    grow(20)
    with django_assert_num_queries(AUDIT_QUERIES):
        assert len(client.get(URL).context["rows"]) == 25


# --- Administrators: Wagtail's site history ---------------------------------------------------


def test_a_superuser_filters_the_site_history_by_action(client, manager, link_worker):
    workforce_services.export_record(
        actor=manager, report="certificate-register", file_format="csv", rows=3
    )
    _rename(link_worker, "Someone else")
    client.force_login(UserFactory(is_superuser=True))

    everything = client.get("/admin/reports/site-history/")
    exports = client.get("/admin/reports/site-history/?action=workforce.export")

    assert everything.status_code == 200
    assert "Person renamed" in everything.content.decode()
    assert exports.status_code == 200
    assert "Report exported" in exports.content.decode()
    assert "Person renamed" not in exports.content.decode()


def test_a_trainer_filters_the_site_history_by_action(client, framework):
    trainer = UserFactory()
    trainer.groups.add(Group.objects.get(name=TRAINERS_GROUP))
    qualification = Qualification.objects.create(
        framework=framework, code="AUDIT-1", title="Audited qualification"
    )
    log(qualification, "wagtail.edit", user=trainer)
    log(qualification, "certificates.qualification.create", user=trainer)
    client.force_login(trainer)

    edits = client.get("/admin/reports/site-history/?action=wagtail.edit")
    creates = client.get("/admin/reports/site-history/?action=certificates.qualification.create")

    assert edits.status_code == 200
    assert "Audited qualification" in edits.content.decode()
    assert "Qualification created" not in edits.content.decode()
    assert "Qualification created" in creates.content.decode()
