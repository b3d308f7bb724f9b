"""The permission module: each role against each other role, in and out of organisation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import MembershipFactory
from workforce.models import Role
from workforce.permissions import Action, denial_reason, may, require

pytestmark = pytest.mark.django_db

A = Action
# (actor, action, subject, allowed) — actors and subjects are fixtures of tests/conftest.py:
# the plain names belong to one organisation, "outside_" ones to another.
MATRIX = [
    # A link worker reads only their own records and acts on nobody.
    ("link_worker", A.VIEW_RECORDS, "link_worker", True),
    ("link_worker", A.ASSESS, "link_worker", False),
    ("link_worker", A.VIEW_RECORDS, "outside_link_worker", False),
    ("link_worker", A.ASSESS, "outside_link_worker", False),
    ("link_worker", A.ISSUE_CERTIFICATE, "link_worker", False),
    ("outside_link_worker", A.VIEW_RECORDS, "link_worker", False),
    # An assessor assesses, reviews and countersigns for link workers of their organisation only.
    ("assessor", A.VIEW_RECORDS, "link_worker", True),
    ("assessor", A.ASSESS, "link_worker", True),
    ("assessor", A.REVIEW_EVIDENCE, "link_worker", True),
    ("assessor", A.COUNTERSIGN, "link_worker", True),
    ("assessor", A.ISSUE_CERTIFICATE, "link_worker", False),
    ("assessor", A.REVOKE_CERTIFICATE, "link_worker", False),
    ("assessor", A.VIEW_RECORDS, "outside_link_worker", False),
    ("assessor", A.ASSESS, "outside_link_worker", False),
    ("outside_assessor", A.ASSESS, "link_worker", False),
    ("assessor", A.ASSESS, "assessor", False),
    # Another assessor or a manager is not a link worker: nobody assesses them here.
    ("assessor", A.ASSESS, "manager", False),
    # A manager sees and certifies link workers of their organisation, never assesses.
    ("manager", A.VIEW_RECORDS, "link_worker", True),
    ("manager", A.ISSUE_CERTIFICATE, "link_worker", True),
    ("manager", A.REVOKE_CERTIFICATE, "link_worker", True),
    ("manager", A.ASSESS, "link_worker", False),
    ("manager", A.REVIEW_EVIDENCE, "link_worker", False),
    ("manager", A.VIEW_RECORDS, "outside_link_worker", False),
    ("manager", A.ISSUE_CERTIFICATE, "outside_link_worker", False),
    ("outside_manager", A.ISSUE_CERTIFICATE, "link_worker", False),
    ("outside_manager", A.VIEW_RECORDS, "link_worker", False),
    ("manager", A.ISSUE_CERTIFICATE, "manager", False),
    ("manager", A.VIEW_RECORDS, "manager", True),
    # Someone with no role anywhere may only read their own (empty) record.
    ("nobody", A.VIEW_RECORDS, "link_worker", False),
    ("nobody", A.ASSESS, "link_worker", False),
]


@pytest.mark.parametrize(("actor", "action", "subject", "allowed"), MATRIX)
def test_permission_matrix(request, actor, action, subject, allowed):
    actor_user = request.getfixturevalue(actor)
    subject_user = request.getfixturevalue(subject)

    assert may(actor_user, action, subject_user) is allowed
    if allowed:
        require(actor_user, action, subject_user)
    else:
        with pytest.raises(PermissionDenied):
            require(actor_user, action, subject_user)


def test_nobody_acts_on_themselves_even_with_both_roles(organisation):
    person = MembershipFactory(organisation=organisation, role=Role.ASSESSOR).user
    MembershipFactory(user=person, organisation=organisation, role=Role.LINK_WORKER)
    MembershipFactory(user=person, organisation=organisation, role=Role.MANAGER)

    assert denial_reason(person, Action.ASSESS, person) == "Nobody may assess themselves."
    assert not may(person, Action.ISSUE_CERTIFICATE, person)
    assert may(person, Action.VIEW_RECORDS, person)


def test_refusal_names_the_rule(assessor, outside_link_worker):
    reason = denial_reason(assessor, Action.ASSESS, outside_link_worker)

    assert reason.startswith(f"To assess {outside_link_worker}, you must be a assessor")
    assert "organisation where they are a link worker" in reason


def test_membership_dates_bound_the_permission(organisation, link_worker):
    today = timezone.localdate()
    started_last_month = today - datetime.timedelta(days=30)
    left_last_week = today - datetime.timedelta(days=7)
    former_assessor = MembershipFactory(
        organisation=organisation,
        role=Role.ASSESSOR,
        starts_on=started_last_month,
        ends_on=left_last_week,
    ).user

    assert may(former_assessor, Action.ASSESS, link_worker, on=left_last_week)
    assert not may(
        former_assessor, Action.ASSESS, link_worker, on=started_last_month - datetime.timedelta(1)
    )
    assert not may(former_assessor, Action.ASSESS, link_worker)


def test_a_worker_who_left_is_out_of_scope(organisation, assessor):
    leaver = MembershipFactory(
        organisation=organisation,
        role=Role.LINK_WORKER,
        starts_on=timezone.localdate() - datetime.timedelta(days=100),
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
    ).user

    assert not may(assessor, Action.ASSESS, leaver)


def test_inactive_accounts_may_do_nothing(assessor, link_worker):
    assessor.is_active = False
    assessor.save()

    assert not may(assessor, Action.VIEW_RECORDS, link_worker)


def test_permission_check_costs_a_fixed_number_of_queries(
    django_assert_num_queries, assessor, link_worker
):
    with django_assert_num_queries(1):
        assert may(assessor, Action.ASSESS, link_worker)
