"""The scope rule as a queryset agrees with the predicate, for everyone, every action, any day."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from workforce.models import Role
from workforce.permissions import (
    Action,
    ScopeSnapshot,
    actors_for,
    may,
    organisations_for,
    shared_organisations,
    subjects_of,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)
LONG_AGO = TODAY - datetime.timedelta(days=900)


@pytest.fixture
def world() -> dict:
    """Two organisations with current, former (ended yesterday) and future (start tomorrow)
    members of every role, someone in both, a deactivated account and a trainer."""
    north, south = OrganisationFactory(name="North"), OrganisationFactory(name="South")
    people = {}

    def member(name, *memberships, **user_fields):
        user = people.get(name) or UserFactory(full_name=name, **user_fields)
        for organisation, role, starts_on, ends_on in memberships:
            MembershipFactory(
                user=user,
                organisation=organisation,
                role=role,
                starts_on=starts_on,
                ends_on=ends_on,
            )
        people[name] = user

    for role in (Role.LINK_WORKER, Role.ASSESSOR, Role.MANAGER):
        member(f"current North {role.label}", (north, role, LONG_AGO, None))
        member(f"former North {role.label}", (north, role, LONG_AGO, YESTERDAY))
        member(f"future North {role.label}", (north, role, TOMORROW, None))
        member(f"current South {role.label}", (south, role, LONG_AGO, None))
    member("worker in both", (north, Role.LINK_WORKER, LONG_AGO, None))
    member("worker in both", (south, Role.LINK_WORKER, LONG_AGO, None))
    member("north assessor and south worker", (north, Role.ASSESSOR, LONG_AGO, None))
    member("north assessor and south worker", (south, Role.LINK_WORKER, LONG_AGO, None))
    member("north manager and worker", (north, Role.MANAGER, LONG_AGO, None))
    member("north manager and worker", (north, Role.LINK_WORKER, LONG_AGO, None))
    member("deactivated north manager", (north, Role.MANAGER, LONG_AGO, None), is_active=False)
    member("deactivated north worker", (north, Role.LINK_WORKER, LONG_AGO, None), is_active=False)
    member("trainer")
    # Accounts made by people who could otherwise assess or certify them (issue 13, item 6).
    recruit = (north, Role.LINK_WORKER, LONG_AGO, None)
    member("recruit of the north assessor", recruit, created_by=people["current North Assessor"])
    member("recruit of the north manager", recruit, created_by=people["current North Manager"])
    member(
        "recruit of the north manager long ago",
        recruit,
        created_by=people["current North Manager"],
        date_joined=timezone.now() - datetime.timedelta(days=400),
    )
    return people


def test_may_is_true_exactly_for_the_subjects_of_the_rule(world):
    everyone = list(world.values())
    # Every action today; on the days either side, one action for each set of roles (the dates
    # are the same rule whichever roles it asks for), to keep the test quick.
    cases = [(action, TODAY) for action in Action] + [
        (action, day)
        for action in (Action.VIEW_RECORDS, Action.ASSESS, Action.MANAGE)
        for day in (YESTERDAY, TOMORROW)
    ]
    for action, day in cases:
        allowed = {
            (actor, subject)
            for actor in everyone
            for subject in everyone
            if may(actor, action, subject, on=day)
        }
        snapshot = ScopeSnapshot(action, actors=everyone, subjects=everyone)
        assert {
            (actor, subject)
            for actor in everyone
            for subject in everyone
            if snapshot.allows(actor, subject, day)
        } == allowed, (action, day)
        for person in everyone:
            assert set(subjects_of(person, action, on=day)) == {
                subject for actor, subject in allowed if actor == person
            }, (person, action, day)
            assert set(actors_for(person, action, on=day)) == {
                actor for actor, subject in allowed if subject == person
            }, (person, action, day)


def test_the_world_exercises_every_kind_of_answer(world):
    """The property above is only worth something if the world has yeses and noes of each kind."""
    manager, worker = world["current North Manager"], world["current North Link worker"]
    recruits = {
        world["recruit of the north assessor"],
        world["recruit of the north manager"],
        world["recruit of the north manager long ago"],
    }
    assert set(subjects_of(manager, Action.MANAGE)) == {
        worker,
        world["worker in both"],
        world["north manager and worker"],
        world["deactivated north worker"],
        *recruits,
    }
    assert world["former North Link worker"] in subjects_of(manager, Action.MANAGE, on=YESTERDAY)
    assert world["future North Link worker"] in subjects_of(manager, Action.MANAGE, on=TOMORROW)
    assert not subjects_of(world["former North Manager"], Action.MANAGE).exists()
    assert set(subjects_of(world["north assessor and south worker"], Action.ASSESS)) == {
        worker,
        world["worker in both"],
        world["north manager and worker"],
        world["deactivated north worker"],
        *recruits,
    }
    # Whoever created an account in the last 12 months neither assesses nor certifies it.
    north_assessor = world["current North Assessor"]
    assert world["recruit of the north assessor"] not in subjects_of(north_assessor, Action.ASSESS)
    assert world["recruit of the north assessor"] in subjects_of(
        north_assessor, Action.VIEW_RECORDS
    )
    assert world["recruit of the north manager"] not in subjects_of(
        manager, Action.ISSUE_CERTIFICATE
    )
    assert world["recruit of the north manager long ago"] in subjects_of(
        manager, Action.ISSUE_CERTIFICATE
    )
    assert world["north manager and worker"] not in subjects_of(
        world["north manager and worker"], Action.ISSUE_CERTIFICATE
    )
    assert list(subjects_of(worker, Action.VIEW_RECORDS)) == [worker]
    assert not subjects_of(world["deactivated north manager"], Action.MANAGE).exists()
    assert not subjects_of(AnonymousUser(), Action.VIEW_RECORDS).exists()
    assert world["deactivated north manager"] not in actors_for(worker, Action.MANAGE)
    assert [o.name for o in organisations_for(world["worker in both"], Action.MANAGE)] == []
    assert [
        o.name for o in shared_organisations(manager, Action.MANAGE, world["worker in both"])
    ] == ["North"]
