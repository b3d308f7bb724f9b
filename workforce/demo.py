"""Demo organisations and one sign-in per role, built through the services (idempotent)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.utils import timezone

from . import services
from .models import Membership, Organisation, OrganisationKind, Role, User
from .permissions import CURRICULUM_REVIEWERS_GROUP, TRAINERS_GROUP

DEMO_PASSWORD = "demo-password"  # noqa: S105 - documented demo sign-in, refused in production


# Staff have been in post long enough for three years of records; a new starter joined lately.
IN_POST_SINCE = datetime.date(2022, 9, 1)


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: Role | None = None
    organisation: str | None = None
    group: str | None = None
    days_in_post: int | None = None  # None: in post since IN_POST_SINCE


NORTH_PCN = "Riverside North PCN"
EAST_PCN = "Hillcrest East PCN"
VOLUNTARY = "Community Connect Trust"

ORGANISATIONS = (
    (NORTH_PCN, OrganisationKind.PCN, "U99101"),
    (EAST_PCN, OrganisationKind.PCN, "U99102"),
    (VOLUNTARY, OrganisationKind.VOLUNTARY_SECTOR, ""),
)

PEOPLE = (
    DemoPerson("trainer@example.org", "Tomasz Nowak", group=TRAINERS_GROUP),
    DemoPerson("reviewer@example.org", "Rhiannon Evans", group=CURRICULUM_REVIEWERS_GROUP),
    DemoPerson("assessor@example.org", "Amara Okafor", Role.ASSESSOR, NORTH_PCN),
    DemoPerson(
        "linkworker@example.org",
        "Siân Ŵyn Pritchard",
        Role.LINK_WORKER,
        NORTH_PCN,
        days_in_post=200,
    ),
    DemoPerson("manager@example.org", "Meera Patel", Role.MANAGER, NORTH_PCN),
    DemoPerson("east.manager@example.org", "Eleanor Hughes", Role.MANAGER, EAST_PCN),
    DemoPerson("east.linkworker@example.org", "Nguyễn Thị Hương", Role.LINK_WORKER, EAST_PCN),
    # The east team's assessors and two more link workers with certificate histories.
    DemoPerson("east.assessor@example.org", "Bronwen Davies", Role.ASSESSOR, EAST_PCN),
    DemoPerson("ifeoma.eze@example.org", "Ifeoma Eze", Role.ASSESSOR, EAST_PCN),
    DemoPerson("gurpreet.sandhu@example.org", "Gurpreet Kaur Sandhu", Role.LINK_WORKER, EAST_PCN),
    DemoPerson("daniel.reyes@example.org", "Daniel Reyes", Role.LINK_WORKER, EAST_PCN),
    # More of the north team, at different stages (their records come from competencies.demo).
    DemoPerson("owen.price@example.org", "Owen Price", Role.ASSESSOR, NORTH_PCN),
    DemoPerson(
        "lucja.zolc@example.org", "Łucja Żółć", Role.LINK_WORKER, NORTH_PCN, days_in_post=21
    ),
    DemoPerson("kwame.mensah@example.org", "Kwame Mensah", Role.LINK_WORKER, NORTH_PCN),
    DemoPerson("aisha.khan@example.org", "عائشہ خان", Role.LINK_WORKER, NORTH_PCN),
    DemoPerson("wang.xiuying@example.org", "王秀英", Role.LINK_WORKER, VOLUNTARY),
)

SIGN_IN_EMAILS = {
    "trainer@example.org",
    "reviewer@example.org",
    "assessor@example.org",
    "linkworker@example.org",
    "manager@example.org",
}
SIGN_INS = tuple(person for person in PEOPLE if person.email in SIGN_IN_EMAILS)


def load() -> dict[str, int]:
    """Create what is missing; return how many organisations, people and roles were added."""
    added = {"organisations": 0, "people": 0, "roles": 0}
    organisations = {}
    for name, kind, ods_code in ORGANISATIONS:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation = services.organisation_create(name=name, kind=kind, ods_code=ods_code)
            added["organisations"] += 1
        organisations[name] = organisation

    for person in PEOPLE:
        user = User.objects.filter(email__iexact=person.email).first()
        if user is None:
            user = services.user_create(
                email=person.email, full_name=person.full_name, password=DEMO_PASSWORD
            )
            added["people"] += 1
        if person.group:
            user.groups.add(Group.objects.get(name=person.group))
        if person.role:
            organisation = organisations[person.organisation]
            already = (
                Membership.objects.active_on()
                .filter(user=user, organisation=organisation, role=person.role)
                .exists()
            )
            if not already:
                starts_on = (
                    IN_POST_SINCE
                    if person.days_in_post is None
                    else timezone.localdate() - datetime.timedelta(days=person.days_in_post)
                )
                services.membership_start(
                    user=user, organisation=organisation, role=person.role, starts_on=starts_on
                )
                added["roles"] += 1
    return added
