"""Demo organisations and one sign-in per role, built through the services (idempotent)."""

from dataclasses import dataclass

from django.contrib.auth.models import Group

from . import services
from .models import Membership, Organisation, OrganisationKind, Role, User
from .permissions import CURRICULUM_REVIEWERS_GROUP, TRAINERS_GROUP

DEMO_PASSWORD = "demo-password"  # noqa: S105 - documented demo sign-in, refused in production


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: Role | None = None
    organisation: str | None = None
    group: str | None = None


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
    DemoPerson("linkworker@example.org", "Siân Ŵyn Pritchard", Role.LINK_WORKER, NORTH_PCN),
    DemoPerson("manager@example.org", "Meera Patel", Role.MANAGER, NORTH_PCN),
    DemoPerson("east.manager@example.org", "Eleanor Hughes", Role.MANAGER, EAST_PCN),
    DemoPerson("east.linkworker@example.org", "Nguyễn Thị Hương", Role.LINK_WORKER, EAST_PCN),
)

SIGN_INS = tuple(person for person in PEOPLE if not person.email.startswith("east."))


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
                services.membership_start(user=user, organisation=organisation, role=person.role)
                added["roles"] += 1
    return added
