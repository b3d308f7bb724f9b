"""Role grants (issue 13, item 6): a roster makes link workers only; assessor, IQA and manager
roles come from an administrator or from two different managers; and whoever creates an account
may not assess, countersign or certify its holder for 12 months.

Written from the bad motive's side: a manager who wants a certificate they can vouch for alone.
"""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import ModelLogEntry

from tests.factories import MembershipFactory, UserFactory
from tests.imports.conftest import as_csv
from workforce import roster, services
from workforce.models import Membership, Role, RoleGrantDecision, RoleGrantRequest, User
from workforce.permissions import Action, ScopeSnapshot, denial_reason, may, subjects_of
from workforce.refusals import Refusal

pytestmark = pytest.mark.django_db
HEADERS = ["Name", "Email", "Organisation", "Role"]
FRIEND = ["Friend Of Mine", "friend@example.org"]


@pytest.fixture
def second_manager(organisation):
    return MembershipFactory(organisation=organisation, role=Role.MANAGER).user


@pytest.fixture
def manager_and_assessor(manager, organisation):
    """A manager who is also an assessor of the organisation: could assess, if allowed."""
    MembershipFactory(user=manager, organisation=organisation, role=Role.ASSESSOR)
    return manager


def _roster(manager, rows):
    return services.roster_import(data=as_csv(rows, HEADERS), filename="roster.csv", actor=manager)


def _is(user, role, organisation) -> bool:
    return (
        Membership.objects.active_on()
        .filter(user=user, organisation=organisation, role=role)
        .exists()
    )


# --- The roster makes link workers only ----------------------------------------------------------


@pytest.mark.parametrize("role", ["assessor", "Manager", "Internal quality assurer", "iqa"])
def test_a_roster_row_asking_for_a_vouching_role_is_refused_with_the_way_to_ask(
    manager, organisation, role
):
    plan = _roster(
        manager,
        [
            ["New Link Worker", "new.worker@example.org", organisation.name, "link worker"],
            ["Friend Of Mine", "friend@example.org", organisation.name, role],
        ],
    )

    assert not plan.ok
    (problem,) = plan.problems()
    assert problem.startswith("Row 3: A roster adds link workers only, not the ")
    assert "Role requests, where another manager must approve it" in problem
    # All or nothing: not even the good row was saved.
    assert not User.objects.filter(email__in=["new.worker@example.org", "friend@example.org"])


def test_a_manager_makes_an_account_by_roster_it_is_a_link_worker_they_may_not_assess_or_certify(
    manager_and_assessor, organisation, second_manager
):
    manager = manager_and_assessor
    plan = _roster(
        manager, [["Friend Of Mine", "friend@example.org", organisation.name, "link worker"]]
    )
    assert plan.ok, plan.problems()
    friend = User.objects.get(email="friend@example.org")
    assert friend.created_by == manager
    assert {m.role for m in Membership.objects.filter(user=friend)} == {Role.LINK_WORKER}

    # The creator may manage and read, but not assess, countersign or certify, for 12 months;
    # the predicate, the queryset and the in-memory snapshot say the same.
    for action in (Action.ASSESS, Action.COUNTERSIGN, Action.ISSUE_CERTIFICATE):
        reason = denial_reason(manager, action, friend)
        assert reason is not None
        assert "You created Friend Of Mine's account on" in reason
        assert f"someone else must {action} them" in reason
        assert friend not in subjects_of(manager, action)
        assert not ScopeSnapshot(action, actors=[manager], subjects=[friend]).allows(
            manager, friend, timezone.localdate()
        )
    assert may(manager, Action.MANAGE, friend)
    assert may(manager, Action.VIEW_RECORDS, friend)
    # Anyone else of the organisation in the role may.
    assert may(second_manager, Action.ISSUE_CERTIFICATE, friend)


def test_the_creator_bar_lasts_twelve_months(manager_and_assessor, organisation):
    manager = manager_and_assessor
    friend = MembershipFactory(organisation=organisation, user=UserFactory(created_by=manager)).user
    today = timezone.localdate()
    assert not may(manager, Action.ASSESS, friend)

    friend.date_joined = timezone.now() - datetime.timedelta(days=366)
    friend.save(update_fields=["date_joined"])
    assert may(manager, Action.ASSESS, friend)
    # Judged on the day in question: an assessment dated back to within 12 months of the
    # account's creation is still barred.
    assert not may(manager, Action.ASSESS, friend, on=today - datetime.timedelta(days=30))


def test_a_manager_cannot_make_an_account_an_assessor_on_their_own(
    manager, organisation, second_manager
):
    plan = _roster(
        manager, [["Friend Of Mine", "friend@example.org", organisation.name, "link worker"]]
    )
    assert plan.ok
    friend = User.objects.get(email="friend@example.org")

    # Not directly (the service the admin and the roster use refuses managers)…
    with pytest.raises(PermissionDenied, match="granted by an administrator"):
        services.membership_start(
            user=friend, organisation=organisation, role=Role.ASSESSOR, actor=manager
        )
    # …nor by asking and approving their own request.
    grant_request = services.role_grant_request(
        user=friend,
        organisation=organisation,
        role=Role.ASSESSOR,
        reason="Trust me.",
        actor=manager,
    )
    with pytest.raises(PermissionDenied, match="Nobody approves their own request"):
        services.role_grant_approve(grant_request=grant_request, actor=manager)
    # Nor does the link worker asked about (only managers decide).
    with pytest.raises(PermissionDenied, match="Only managers of"):
        services.role_grant_approve(grant_request=grant_request, actor=friend)
    assert not _is(friend, Role.ASSESSOR, organisation)
    assert not RoleGrantDecision.objects.exists()

    # A second manager of the organisation approves: the role starts, audited.
    decision = services.role_grant_approve(grant_request=grant_request, actor=second_manager)
    assert _is(friend, Role.ASSESSOR, organisation)
    assert decision.membership.role == Role.ASSESSOR
    assert decision.decided_by == second_manager
    entry = ModelLogEntry.objects.get(action="workforce.role.approve")
    assert entry.user == second_manager
    assert entry.data["requested_by"] == manager.pk
    start = ModelLogEntry.objects.get(action="workforce.membership.start", data__role="assessor")
    assert start.user == second_manager
    assert start.data["role_request"] == grant_request.pk
    with pytest.raises(ValidationError) as decided:
        services.role_grant_refuse(grant_request=grant_request, actor=second_manager, reason="No")
    assert decided.value.error_list[0].code == Refusal.GRANT_DECIDED


def test_the_creator_of_an_account_does_not_approve_its_roles(
    manager, organisation, second_manager
):
    """The creator asks nothing; another manager asks; the creator may still not approve."""
    friend = MembershipFactory(organisation=organisation, user=UserFactory(created_by=manager)).user
    grant_request = services.role_grant_request(
        user=friend,
        organisation=organisation,
        role=Role.MANAGER,
        reason="Runs the team.",
        actor=second_manager,
    )
    with pytest.raises(PermissionDenied, match="You created"):
        services.role_grant_approve(grant_request=grant_request, actor=manager)


def test_nobody_decides_a_request_about_themselves(manager, organisation, second_manager):
    grant_request = services.role_grant_request(
        user=second_manager, organisation=organisation, role=Role.IQA, reason="IQA.", actor=manager
    )
    with pytest.raises(PermissionDenied, match="their own roles"):
        services.role_grant_approve(grant_request=grant_request, actor=second_manager)
    services.role_grant_refuse(grant_request=grant_request, actor=manager, reason="Withdrawn.")


def test_a_manager_of_another_organisation_decides_nothing(
    manager, organisation, link_worker, outside_manager
):
    grant_request = services.role_grant_request(
        user=link_worker, organisation=organisation, role=Role.IQA, reason="IQA.", actor=manager
    )
    with pytest.raises(PermissionDenied, match="Only managers of"):
        services.role_grant_approve(grant_request=grant_request, actor=outside_manager)
    with pytest.raises(PermissionDenied, match="Only managers of"):
        services.role_grant_request(
            user=link_worker,
            organisation=organisation,
            role=Role.IQA,
            reason="IQA.",
            actor=outside_manager,
        )


def _refusal(run) -> str:
    with pytest.raises(ValidationError) as refused:
        run()
    return refused.value.error_list[0].code


def test_a_request_is_refused_for_a_rule_it_breaks(
    manager, organisation, link_worker, assessor, outside_link_worker, second_manager
):
    def ask(user=link_worker, role=Role.ASSESSOR, reason="Qualified."):
        return lambda: services.role_grant_request(
            user=user, organisation=organisation, role=role, reason=reason, actor=manager
        )

    assert _refusal(ask(role=Role.LINK_WORKER)) == Refusal.ROLE_NOT_GRANTABLE
    assert _refusal(ask(reason="  ")) == Refusal.REASON
    assert _refusal(ask(user=outside_link_worker)) == Refusal.GRANT_PERSON
    assert _refusal(ask(user=assessor)) == Refusal.ALREADY_MEMBER
    grant_request = ask()()
    assert _refusal(ask()) == Refusal.GRANT_WAITING
    assert (
        _refusal(
            lambda: services.role_grant_refuse(
                grant_request=grant_request, actor=second_manager, reason=" "
            )
        )
        == Refusal.REASON
    )
    services.role_grant_refuse(
        grant_request=grant_request, actor=second_manager, reason="Not trained yet."
    )
    assert not _is(link_worker, Role.ASSESSOR, organisation)
    assert ModelLogEntry.objects.filter(action="workforce.role.refuse").get().user == (
        second_manager
    )
    ask()()  # refused requests do not block a new one
    assert RoleGrantRequest.objects.count() == 2


def test_an_administrator_grants_roles_directly(organisation, link_worker):
    administrator = User.objects.create_superuser(email="root@example.org", full_name="Root")
    membership = services.membership_start(
        user=link_worker, organisation=organisation, role=Role.ASSESSOR, actor=administrator
    )
    assert membership.role == Role.ASSESSOR
    # The command line (no actor) is an administrator too.
    services.membership_start(user=link_worker, organisation=organisation, role=Role.IQA)
    assert _is(link_worker, Role.IQA, organisation)


# --- The manager's page --------------------------------------------------------------------------


def test_managers_ask_and_a_second_manager_approves_through_the_pages(
    client, manager, second_manager, organisation, link_worker
):
    client.force_login(manager)
    team = client.get(reverse("oversight:team"))
    assert reverse("workforce:role_grants") in team.content.decode()
    page = client.get(reverse("workforce:role_grants"))
    assert page.status_code == 200
    refused = client.post(
        reverse("workforce:role_grants"),
        {"user": link_worker.pk, "organisation": organisation.pk, "role": "assessor", "reason": ""},
    )
    assert escape(f"Say why {link_worker} needs the assessor role.") in refused.content.decode()
    done = client.post(
        reverse("workforce:role_grants"),
        {
            "user": link_worker.pk,
            "organisation": organisation.pk,
            "role": "assessor",
            "reason": "Completed the assessor course.",
        },
        follow=True,
    )
    assert "Another manager of" in done.content.decode()
    grant_request = RoleGrantRequest.objects.get()
    decide = reverse("workforce:role_grant_decide", args=[grant_request.pk])
    # The one who asked may withdraw, not approve.
    own = client.get(decide).content.decode()
    assert "Withdraw the request" in own
    assert 'value="approve"' not in own
    client.post(decide, {"do": "approve"})
    assert not _is(link_worker, Role.ASSESSOR, organisation)

    client.force_login(second_manager)
    listing = client.get(reverse("workforce:role_grants")).content.decode()
    assert "Completed the assessor course." in listing
    assert 'value="approve"' in client.get(decide).content.decode()
    approved = client.post(decide, {"do": "approve"}, follow=True)
    assert approved.status_code == 200
    assert _is(link_worker, Role.ASSESSOR, organisation)
    assert client.get(decide).status_code == 404  # decided: no longer waiting


def test_the_role_requests_page_is_for_managers(client, assessor):
    client.force_login(assessor)
    assert client.get(reverse("workforce:role_grants")).status_code == 403


def test_the_roster_check_names_the_role_request_page():
    assert "Role requests" in roster.granted_elsewhere(Role.ASSESSOR)


def test_an_administrator_grants_a_role_at_the_command_line(organisation, link_worker):
    out = io.StringIO()
    call_command(
        "grant_role", link_worker.email.upper(), organisation.ods_code, "assessor", stdout=out
    )
    assert f"{link_worker} now holds the assessor role at {organisation}" in out.getvalue()
    assert _is(link_worker, Role.ASSESSOR, organisation)
    entry = ModelLogEntry.objects.get(action="workforce.membership.start", data__role="assessor")
    assert entry.user is None
    with pytest.raises(CommandError, match="already a assessor"):
        call_command("grant_role", link_worker.email, organisation.name, "assessor")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("grant_role", link_worker.email, organisation.name, "link_worker")
