"""Demo organisations and one sign-in per role, built through the services (idempotent)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .models import Membership, Organisation, OrganisationKind, Role, User
from .permissions import CURRICULUM_REVIEWERS_GROUP, TRAINERS_GROUP
from .two_factor import APP_DEVICE_NAME

DEMO_PASSWORD = "demo-password"  # noqa: S105 - documented demo sign-in, refused in production
# The demo's admin users (trainer, reviewer) sign in with a second factor like everyone with
# admin access. Their authenticator key is published, as the password is: RFC 6238's own test
# key, "12345678901234567890", which an app takes as GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"  # hex, as django-otp stores it
DEMO_TOTP_SECRET = "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"  # noqa: S105 - published, demo only


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
            TOTPDevice.objects.get_or_create(
                user=user,
                confirmed=True,
                defaults={"name": APP_DEVICE_NAME, "key": DEMO_TOTP_KEY},
            )
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


class NoDemoCode(Exception):
    """The person has no authenticator with the published demo key."""


def demo_otp_code(email: str) -> str:
    """The code a demo admin user's authenticator app shows now (demo key only).

    A code is accepted once: if this time step's code was used already (two sign-ins within
    30 seconds), the next step's code is given, which the server accepts too.
    """
    device = TOTPDevice.objects.filter(
        user__email__iexact=email, confirmed=True, key=DEMO_TOTP_KEY
    ).first()
    if device is None:
        raise NoDemoCode(f"{email} has no authenticator app with the published demo key.")
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    counter = max(now, device.last_t + 1)
    if counter > now + device.tolerance:
        raise NoDemoCode("The last two codes were used already: wait 30 seconds.")
    return f"{hotp(device.bin_key, counter, device.digits):0{device.digits}d}"
