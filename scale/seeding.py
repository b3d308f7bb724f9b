"""A national-size synthetic database for benchmarks: `manage.py seed_scale` and `make bench`.

What it builds (defaults in `Sizes`): 10,000 link workers in 500 organisations, each
organisation with its assessors (one of them each worker's named supervisor), managers and an
internal quality assurer; the demo curriculum and framework (through `curriculum.demo`, as
`load_demo_data` does); 1,000,000 assessments over three years by methods each competency's
evidence rule accepts, levels rising with time in post, by assessors of the worker's own
organisation; evidence (reflective accounts and witness statements, reviewed) behind some of
them, a few corrections, internal quality assurance samples (a few put on hold); monthly
supervision and CPD; and 20,000 certificates of the demo
framework's qualifications in every status: valid, renewal due, expired, revoked (with reasons)
and superseded by a renewal. Beside the demo's Core certificate (36 months) the seed publishes an
annual one (`ANNUAL_CODE`, 12 months), so that three years hold expiries and renewals.

Interface for `make bench` (keep these names):

- `Sizes`, `SMALL_SIZES` (1/100 of the defaults), `seed(sizes, *, random_seed=17, progress=None)
  -> SeedSummary` (counts and seconds per phase), `is_seeded(sizes) -> bool`, `seeded_sizes()`.
- `SEED_PASSWORD`: every seeded account's password (one hash, computed once). Nobody seeded can
  open the Wagtail admin, so nobody needs a second factor: email and password sign everyone in.
- `BIG_ORGANISATION` (200 link workers at the default size) and `SMALL_ORGANISATION` (2), with
  their managers `BIG_MANAGER_EMAIL` and `SMALL_MANAGER_EMAIL`; `NATIONAL_MANAGER_EMAIL`, a
  manager in every organisation, so that the certificate register
  (`certificates.selectors.certificates_visible_to`) shows them every certificate;
  `TYPICAL_WORKER_EMAIL`, a link worker of the big organisation with the average number of
  assessments (100 at the default size) and certificates; `ASSESSOR_EMAIL`, an assessor of the big
  organisation (the typical worker's named supervisor).
- `verification_codes(status, limit=10)`: codes of seeded certificates in a status (e.g.
  `CertificateStatus.VALID`, `CertificateStatus.REVOKED`) for the public verification page.

Rules kept, as the services keep them: nobody assesses, signs off, countersigns or certifies
themselves; assessors, supervisors and issuers hold their role in the worker's organisation from
before the first record; each award is signed off by an assessor and countersigned by the worker's
named supervisor (a different assessor) before a manager issues it; one current certificate per
holder and qualification; revocations carry a public reason and the manager's details; kept rows
are only inserted (the PostgreSQL triggers see nothing but INSERTs). A sample of certificates is
rendered by the real renderer; the rest store that PDF with a line naming their own number added
after its end, so that every stored file is different and matches its certificate's SHA-256.

The seed writes in one transaction: a database is either seeded in full or not at all. It
refuses a database holding anything but its own data (people outside `SEED_EMAIL_DOMAIN`,
organisations not named by it) and, unless forced, production settings.
"""

import base64
import bisect
import datetime
import functools
import hashlib
import hmac
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from certificates import demo as certificates_demo
from certificates import selectors as certificate_selectors
from certificates import services as certificate_services
from certificates.models import (
    AwardSignOff,
    Certificate,
    CertificateCheck,
    CertificateStatus,
    Qualification,
    RevocationReason,
)
from certificates.pdf import check_fonts_installed, render_certificate
from competencies.models import (
    Assessment,
    CPDEntry,
    Evidence,
    EvidenceKind,
    EvidenceOutcome,
    EvidenceReview,
    IqaDecision,
    IqaSample,
    SupervisionKind,
    SupervisionSession,
)
from competencies.standings import mark_all_stale
from curriculum import demo as curriculum_demo
from curriculum.models import AssessmentMethod, Competency, CompetencyFramework, CurriculumVersion
from workforce.models import Membership, Organisation, OrganisationKind, Role, User

from .seeding_write import Progress, Table, highest_id, reset_sequences

SEED_EMAIL_DOMAIN = "seed.example.net"
SEED_PASSWORD = "seed-password"  # noqa: S105 - synthetic benchmark accounts, refused in production
SEED_ORGANISATION_PREFIX = "Seed "

BIG_ORGANISATION = "Seed Large PCN"
SMALL_ORGANISATION = "Seed Small GP Practice"
BIG_MANAGER_EMAIL = f"big.manager@{SEED_EMAIL_DOMAIN}"
SMALL_MANAGER_EMAIL = f"small.manager@{SEED_EMAIL_DOMAIN}"
NATIONAL_MANAGER_EMAIL = f"national.manager@{SEED_EMAIL_DOMAIN}"
TYPICAL_WORKER_EMAIL = f"typical.worker@{SEED_EMAIL_DOMAIN}"
ASSESSOR_EMAIL = f"assessor@{SEED_EMAIL_DOMAIN}"

BIG_ORGANISATION_WORKERS = 200
SMALL_ORGANISATION_WORKERS = 2

CORE_CODE = certificates_demo.CORE_CODE
ANNUAL_CODE = "LWPC-SAFE"
# How many certificates the real renderer draws; the rest share the first one's PDF.
RENDERED_SAMPLE = 12
# Staff were in post this long before the seeded years began.
STAFF_IN_POST_DAYS = 400


class SeedRefused(Exception):
    """The database may not be seeded as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Sizes:
    """How big a seeded database is; the defaults are a national deployment's."""

    workers: int = 10_000
    organisations: int = 500
    assessments: int = 1_000_000
    certificates: int = 20_000
    years: int = 3

    def __post_init__(self):
        if self.organisations < 2:
            raise ValueError("Seed at least 2 organisations (a big and a small one).")
        if self.workers < self.organisations + SMALL_ORGANISATION_WORKERS:
            raise ValueError(
                f"Seed at least {self.organisations + SMALL_ORGANISATION_WORKERS} link workers "
                f"for {self.organisations} organisations: every organisation has some."
            )
        if self.years < 3:
            raise ValueError("Seed at least 3 years: certificates in every status need them.")
        if self.certificates < 7:
            raise ValueError("Seed at least 7 certificates: they show every status.")
        if self.assessments < 1:
            raise ValueError("Seed at least one assessment.")

    def describe(self) -> str:
        return (
            f"{self.workers:,} link workers in {self.organisations:,} organisations, "
            f"{self.assessments:,} assessments and {self.certificates:,} certificates over "
            f"{self.years} years"
        )


SMALL_SIZES = Sizes(workers=100, organisations=5, assessments=10_000, certificates=200)


@dataclass
class SeedSummary:
    """What a seed wrote (rows per table), how long each phase took, or that it reused one."""

    sizes: Sizes
    reused: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    write_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


# --- What is in the database -----------------------------------------------------------------


def _seed_users():
    return User.objects.filter(email__endswith=f"@{SEED_EMAIL_DOMAIN}")


def non_seed_data() -> list[str]:
    """What the database holds that the seed did not make (empty when it holds only seed data
    and what every database holds: the curriculum and the qualifications)."""
    found = []
    if people := User.objects.exclude(email__endswith=f"@{SEED_EMAIL_DOMAIN}").count():
        found.append(f"{people} people outside {SEED_EMAIL_DOMAIN}")
    if organisations := Organisation.objects.exclude(
        name__startswith=SEED_ORGANISATION_PREFIX
    ).count():
        found.append(f"{organisations} organisations not made by the seed")
    return found


def seeded_sizes() -> Sizes | None:
    """The sizes of the seed this database holds, or None when it holds none."""
    national = _seed_users().filter(email=NATIONAL_MANAGER_EMAIL).first()
    if national is None:
        return None
    first = (
        Membership.objects.filter(user=national)
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
        .first()
    )
    # The national manager's account is made on the day of the seed, their posts start
    # STAFF_IN_POST_DAYS before its first year: that gives the years seeded.
    seeded_on = timezone.localdate(national.date_joined)
    years = round(((seeded_on - first).days - STAFF_IN_POST_DAYS) / 365) if first else 0
    try:
        return Sizes(
            workers=Membership.objects.filter(
                role=Role.LINK_WORKER, user__email__endswith=f"@{SEED_EMAIL_DOMAIN}"
            )
            .values("user")
            .distinct()
            .count(),
            organisations=Organisation.objects.filter(
                name__startswith=SEED_ORGANISATION_PREFIX
            ).count(),
            assessments=Assessment.objects.count(),
            certificates=Certificate.objects.count(),
            years=years,
        )
    except ValueError:
        return None


def vacuum_analyze() -> None:
    """On PostgreSQL, VACUUM (ANALYZE) the database, as autovacuum keeps a live one: fresh
    statistics, and no dead rows (a seed's, or those a benchmark wrote and rolled back) for an
    index-only scan to read past. Autovacuum would get there minutes later, or never where it is
    switched off. VACUUM cannot run in a transaction (a test's, say): there only ANALYZE."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


def is_seeded(sizes: Sizes) -> bool:
    """Whether the database holds exactly a seed of these sizes (and nothing else)."""
    return not non_seed_data() and seeded_sizes() == sizes


def verification_codes(status: CertificateStatus | str, limit: int = 10) -> list[str]:
    """Verification codes of seeded certificates in `status` today, oldest number first."""
    return list(
        certificate_selectors.with_status(
            Certificate.objects.filter(holder__email__endswith=f"@{SEED_EMAIL_DOMAIN}")
        )
        .filter(status=status)
        .order_by("pk")
        .values_list("verification_code", flat=True)[:limit]
    )


# --- Names -----------------------------------------------------------------------------------

_FIRST_NAMES = (  # noqa: SIM905 - a list of names reads best as words
    "Aisha Amara Anna Ben Bronwen Chen Chloe Daniel Dafydd Deepa Eleanor Emeka Fatima Gareth "
    "Grace Gurpreet Hannah Hassan Ifeoma Imran Jack James Jasmine Kwame Leah Lucja Mahmoud "
    "Maria Meera Mohammed Nadia Niamh Oliver Owen Priya Rhiannon Rosa Sam Sarah Siobhan "
    "Sophie Tariq Thomas Tomasz Wei Yusuf Zainab Zofia Ravi Huong"
).split()
_SURNAMES = (  # noqa: SIM905 - a list of names reads best as words
    "Ahmed Ali Begum Brown Chowdhury Clarke Davies Edwards Evans Green Hughes Hussain Jones "
    "Kaur Khan Kowalski Lewis Mensah Morgan Nguyen Nowak Okafor Okonkwo Patel Price Pritchard "
    "Reyes Roberts Sandhu Shah Singh Smith Taylor Thomas Walker Wang Williams Wilson Wright "
    "Zhang Murphy O'Brien Byrne Campbell Mistry Adeyemi Rahman Jenkins Żółć"
).split()


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_SURNAMES)}"


_ORGANISATION_KINDS = (
    (OrganisationKind.PCN, "PCN"),
    (OrganisationKind.GP_PRACTICE, "GP Practice"),
    (OrganisationKind.VOLUNTARY_SECTOR, "Community Trust"),
)
_CPD_ACTIVITIES = (
    ("Safeguarding adults level 2 e-learning", True),
    ("Motivational interviewing workshop", True),
    ("Local voluntary-sector network meeting", False),
    ("Reading: health inequalities briefing", False),
    ("Mental health first aid course", True),
    ("Shadowing a community connector", False),
    ("Webinar: personalised care and support planning", True),
    ("Peer learning set", False),
)
_REFLECTIONS = (
    "Talked through a person who keeps cancelling; agreed to try a home visit first.",
    "Reviewed my caseload: three people ready to end our sessions well.",
    "Discussed a safeguarding concern and the referral I made the same day.",
    "Looked at how I handle requests for an interpreter; booked one for next week.",
    "Planned how to hand a walking group over to its volunteers.",
)
_HOLD_REASONS = (
    "The notes do not show the level recorded: please re-assess with the case in front of you.",
    "The evidence named is for a different competency.",
)
_CPD_HOURS = tuple(Decimal(hours) for hours in ("1.00", "1.50", "2.00", "3.00", "3.50", "6.00"))
_CORRECTION_REASONS = (
    "Recorded against the wrong competency code at first; the level is as observed.",
    "Level corrected after the assessor re-read the case notes.",
    "The date was entered wrongly; this is the session's date.",
)
_REVOCATION_REASONS = tuple(RevocationReason)
_REVOCATION_DETAILS = {
    RevocationReason.ISSUED_IN_ERROR: "Issued to the wrong person after a mix-up in the register.",
    RevocationReason.ASSESSMENT_WITHDRAWN: "A direct observation it relied on was withdrawn "
    "after the assessor's own review.",
    RevocationReason.REVIEW: "Withdrawn after a review of the award found a missing "
    "countersignature.",
}


def _verification_code(random_seed: int, number: str) -> str:
    """Deterministic for a seed and a SECRET_KEY, and unguessable without the key: 192 bits,
    the length `certificate_issue` gives."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"seed:{random_seed}:{number}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


@functools.lru_cache(maxsize=50_000)
def _noon(day: datetime.date, hour: int = 12) -> datetime.datetime:
    """That hour of that day, local time (cached: a million rows share a few thousand)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# --- The framework as the seed reads it ------------------------------------------------------


@dataclass
class _Rule:
    """A competency's evidence rule in the terms `competencies.evidence_rules` judges it."""

    pk: int
    code: str
    title: str
    core: bool
    all_of: tuple[int, ...]
    any_of: tuple[int, ...]

    @functools.cached_property
    def methods(self) -> tuple[int, ...]:
        return self.all_of + tuple(m for m in self.any_of if m not in self.all_of)


class _Framework:
    """The demo framework, its methods, caps and rules, read once."""

    def __init__(self):
        framework = CompetencyFramework.objects.get(id_number=certificates_demo.FRAMEWORK_ID)
        self.framework = framework
        self.version = CurriculumVersion.objects.filter(framework=framework).latest()
        self.methods = {m.pk: m for m in AssessmentMethod.objects.all()}
        self.by_code = {m.code: m.pk for m in self.methods.values()}
        self.caps = {cap.method_id: cap.max_level for cap in framework.method_caps.all()}
        self.levels = {level.value: level.name for level in framework.scale_levels.all()}
        self.top = max(self.levels)
        self.rules = [
            _Rule(
                pk=c.pk,
                code=c.id_number,
                title=c.short_name,
                core=c.is_core,
                all_of=tuple(m.pk for m in c.required_methods.all()),
                any_of=tuple(m.pk for m in c.accepted_methods.all()),
            )
            for c in Competency.objects.assessable()
            .filter(framework=framework)
            .prefetch_related("required_methods", "accepted_methods")
            .order_by("sort_order", "pk")
        ]
        self.by_pk = {rule.pk: rule for rule in self.rules}
        self.by_competency_code = {rule.code: rule for rule in self.rules}

    def cap(self, method_id: int) -> int:
        return self.caps.get(method_id, self.top)

    def achieved(self, rule: _Rule, shown: dict) -> tuple[int, list]:
        """The level `rule` is met at from the latest assessment by each method
        (`shown[method] = (level, day, assessor)`), and the assessments used.

        A method supports level L when assessed at L or more, or up to its cap when capped
        below L; it shows L on its own when assessed at L or more and not capped below it."""
        top = self.top
        reach = {}  # method: (the highest level it supports, the highest it shows)
        for method, got in shown.items():
            cap = self.caps.get(method, top)
            reach[method] = (top if got[0] >= cap else got[0], min(got[0], cap))
        for level in range(top, 0, -1):
            if any(reach.get(method, (0, 0))[0] < level for method in rule.all_of):
                continue
            used = list(rule.all_of)
            if rule.any_of:
                option = next((m for m in rule.any_of if reach.get(m, (0, 0))[0] >= level), None)
                if option is None:
                    continue
                used.append(option)
            elif not used:  # neither list: any method alone
                option = next((m for m, got in reach.items() if got[1] >= level), None)
                if option is None:
                    continue
                used.append(option)
            if any(reach[method][1] >= level for method in used):
                return level, [(method, shown[method]) for method in used]
        return 0, []


# --- The plan: who works where, and what each worker's certificates are ------------------------


@dataclass
class _Chain:
    """One qualification's certificates for one worker, oldest first: (issued days ago,
    revoked days ago or None)."""

    code: str
    issues: list[tuple[int, int | None]]


@dataclass
class _Worker:
    index: int
    pk: int
    email: str
    name: str
    organisation: int  # index
    joined: datetime.date
    supervisor: int = 0  # user pk
    assessments: int = 0
    chains: list[_Chain] = field(default_factory=list)

    @property
    def certificates(self) -> int:
        return sum(len(chain.issues) for chain in self.chains)


@dataclass
class _Organisation:
    index: int
    pk: int
    name: str
    kind: str
    workers: list[int] = field(default_factory=list)  # worker indexes
    assessors: list[int] = field(default_factory=list)  # user pks
    managers: list[int] = field(default_factory=list)
    iqa: int = 0


def _between(rng: random.Random, low: int, high: int) -> int:
    return rng.randint(low, max(low, high))


# Certificate chains by how many certificates they hold. Each is a function of the rng and the
# days of history there are; days are "days ago".
def _core_valid(rng, span):
    return [_Chain(CORE_CODE, [(_between(rng, 60, min(1000, span - 200)), None)])]


def _core_revoked(rng, span):
    issued = _between(rng, 100, min(900, span - 200))
    return [_Chain(CORE_CODE, [(issued, _between(rng, 1, issued - 10))])]


def _core_revoked_reissued(rng, span):
    issued = _between(rng, 400, min(1000, span - 200))
    revoked = issued - _between(rng, 30, 150)
    return [_Chain(CORE_CODE, [(issued, revoked), (_between(rng, 10, revoked - 30), None)])]


def _annual(rng, span, renewals: int, last_low: int, last_high: int):
    """An annual certificate renewed `renewals` times when due, the last one issued
    last_low..last_high days ago."""
    last = _between(rng, last_low, last_high)
    issues = [last]
    for _ in range(renewals):
        issues.insert(0, issues[0] + _between(rng, 310, 340))
    return [_Chain(ANNUAL_CODE, [(days, None) for days in issues])]


def _annual_valid(rng, span):
    return _annual(rng, span, 0, 20, 290)


def _annual_due(rng, span):
    return _annual(rng, span, 0, 312, 358)


def _annual_expired(rng, span):
    return _annual(rng, span, 0, 380, min(900, span - 200))


def _annual_renewed(rng, span):
    return _annual(rng, span, 1, 5, 340)


def _annual_renewed_twice(rng, span):
    return _annual(rng, span, 2, 5, 300)


_CORE = {1: (_core_valid, _core_valid, _core_revoked), 2: (_core_revoked_reissued,)}
_ANNUAL = {
    1: (_annual_valid, _annual_valid, _annual_due, _annual_expired),
    2: (_annual_renewed,),
    3: (_annual_renewed_twice,),
}
# Ways to hold k certificates: (core chain size, annual chain size).
_SPLITS = {
    1: ((1, 0), (0, 1)),
    2: ((1, 1), (2, 0), (0, 2)),
    3: ((1, 2), (2, 1), (0, 3)),
    4: ((1, 3), (2, 2)),
    5: ((2, 3),),
}
MAX_CERTIFICATES_PER_WORKER = 5


def _chains(rng: random.Random, k: int, span: int) -> list[_Chain]:
    core, annual = rng.choice(_SPLITS[k]) if k else (0, 0)
    chains = []
    if core:
        chains += rng.choice(_CORE[core])(rng, span)
    if annual:
        chains += rng.choice(_ANNUAL[annual])(rng, span)
    return chains


def _spread(total: int, weights: list[float], floors: list[int]) -> list[int]:
    """`total` split in proportion to `weights`, each at least its floor (largest remainder)."""
    spare = total - sum(floors)
    weight = sum(weights) or 1.0
    shares = [spare * w / weight for w in weights]
    counts = [floor + int(share) for floor, share in zip(floors, shares, strict=True)]
    order = sorted(range(len(shares)), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class _Plan:
    """Everything decided before a row is written: organisations, people, posts, how many
    assessments and which certificates each worker has. Deterministic for a random seed."""

    def __init__(
        self, sizes: Sizes, random_seed: int, today: datetime.date, ids: dict, qualifying: int
    ):
        rng = random.Random(f"{random_seed}:plan")  # noqa: S311 - synthetic data, not secrets
        self.sizes = sizes
        self.today = today
        self.qualifying = qualifying
        self.start = today - datetime.timedelta(days=365 * sizes.years)
        self.staff_since = self.start - datetime.timedelta(days=STAFF_IN_POST_DAYS)
        span = (today - self.start).days
        # Month starts from a year before the seeded years (supervision and CPD run monthly).
        first_month = (self.start - datetime.timedelta(days=365 + 31)).replace(day=1)
        self.months = []
        while first_month < today:
            self.months.append(first_month)
            first_month += relativedelta(months=1)
        user_ids = iter(range(ids["user"], ids["user"] + 10**9))
        organisation_ids = iter(range(ids["organisation"], ids["organisation"] + 10**9))

        # Organisations and how many link workers each has.
        n = sizes.organisations
        small = SMALL_ORGANISATION_WORKERS
        big = min(
            BIG_ORGANISATION_WORKERS,
            max(1, (sizes.workers - small) // 2),
            sizes.workers - small - (n - 2),
        )
        rest = sizes.workers - big - small
        weights = [rng.lognormvariate(0, 0.5) for _ in range(n - 2)]
        per_org = [big, small] + (_spread(rest, weights, [1] * (n - 2)) if n > 2 else [])
        self.organisations = []
        for index in range(n):
            kind, word = _ORGANISATION_KINDS[index % len(_ORGANISATION_KINDS)]
            name = (
                BIG_ORGANISATION
                if index == 0
                else SMALL_ORGANISATION
                if index == 1
                else f"{SEED_ORGANISATION_PREFIX}{word} {index + 1:04d}"
            )
            if index < 2:
                kind = OrganisationKind.PCN if index == 0 else OrganisationKind.GP_PRACTICE
            self.organisations.append(_Organisation(index, next(organisation_ids), name, kind))

        # Staff: assessors (at least two: one supervises, another signs off), managers, an IQA.
        self.staff: list[tuple[int, str, str, int, str]] = []  # pk, email, name, org, role
        for organisation, workers in zip(self.organisations, per_org, strict=True):
            for k in range(max(2, math.ceil(workers / 12))):
                email = (
                    ASSESSOR_EMAIL
                    if organisation.index == 0 and k == 0
                    else f"assessor.{organisation.index + 1:04d}.{k + 1}@{SEED_EMAIL_DOMAIN}"
                )
                pk = next(user_ids)
                organisation.assessors.append(pk)
                self.staff.append((pk, email, _name(rng), organisation.index, Role.ASSESSOR))
            for k in range(2):
                email = f"manager.{organisation.index + 1:04d}.{k + 1}@{SEED_EMAIL_DOMAIN}"
                if k == 0 and organisation.index in (0, 1):
                    email = BIG_MANAGER_EMAIL if organisation.index == 0 else SMALL_MANAGER_EMAIL
                pk = next(user_ids)
                organisation.managers.append(pk)
                self.staff.append((pk, email, _name(rng), organisation.index, Role.MANAGER))
            organisation.iqa = next(user_ids)
            self.staff.append(
                (
                    organisation.iqa,
                    f"iqa.{organisation.index + 1:04d}@{SEED_EMAIL_DOMAIN}",
                    _name(rng),
                    organisation.index,
                    Role.IQA,
                )
            )
        self.national_manager = next(user_ids)

        # Link workers: most in post before the seeded years, the rest joining during them.
        self.workers: list[_Worker] = []
        for organisation, count in zip(self.organisations, per_org, strict=True):
            for _ in range(count):
                index = len(self.workers)
                from_start = rng.random() < 0.75
                joined = (
                    self.start - datetime.timedelta(days=_between(rng, 30, 360))
                    if from_start
                    else self.start + datetime.timedelta(days=_between(rng, 0, span - 60))
                )
                worker = _Worker(
                    index=index,
                    pk=next(user_ids),
                    email=f"linkworker.{index + 1:05d}@{SEED_EMAIL_DOMAIN}",
                    name=_name(rng),
                    organisation=organisation.index,
                    joined=joined,
                    supervisor=organisation.assessors[index % len(organisation.assessors)],
                )
                organisation.workers.append(index)
                self.workers.append(worker)
        # The typical worker: in post from the start, in the big organisation, supervised by
        # ASSESSOR_EMAIL.
        typical = self.workers[self.organisations[0].workers[0]]
        typical.email = TYPICAL_WORKER_EMAIL
        typical.joined = self.start - datetime.timedelta(days=200)
        typical.supervisor = self.organisations[0].assessors[0]
        self.typical = typical

        self._plan_certificates(rng, span)
        self._plan_assessments(rng)

    def _plan_certificates(self, rng: random.Random, span: int) -> None:
        """Certificates go to workers in post before the seeded years began: each gets 0 to 5,
        around the average the sizes ask for, the first few fixed so every status appears."""
        eligible = [w for w in self.workers if w.joined <= self.start]
        if self.sizes.certificates > MAX_CERTIFICATES_PER_WORKER * len(eligible):
            raise SeedRefused(
                f"{self.sizes.certificates:,} certificates are too many for the "
                f"{len(eligible):,} link workers in post for all {self.sizes.years} years (at "
                f"most {MAX_CERTIFICATES_PER_WORKER} each): seed more workers."
            )
        rest = [w for w in eligible if w is not self.typical]
        rng.shuffle(rest)
        order = [self.typical, *rest]
        fixed = [
            (self.typical, [_core_valid(rng, span), _annual_renewed(rng, span)]),
            (None, [_core_revoked_reissued(rng, span), _annual_due(rng, span)]),
            (None, [_annual_expired(rng, span)]),
        ]
        target = self.sizes.certificates
        mean = target / len(order)
        wanted = [
            min(MAX_CERTIFICATES_PER_WORKER, max(0, round(rng.gauss(mean, 1.0)))) for _ in order
        ]
        for position, (_, chains) in enumerate(fixed[: len(order)]):
            wanted[position] = sum(len(chain.issues) for group in chains for chain in group)
        # Bring the total to exactly `target`, never touching the fixed ones.
        adjustable = list(range(len(fixed), len(order)))
        while (difference := target - sum(wanted)) != 0:
            step = 1 if difference > 0 else -1
            candidates = [
                i for i in adjustable if 0 <= wanted[i] + step <= MAX_CERTIFICATES_PER_WORKER
            ]
            if not candidates:
                # Too few to share out: take from the fixed chains, last first.
                raise SeedRefused(
                    f"{target:,} certificates cannot be spread over {len(order):,} link workers."
                )
            for i in rng.sample(candidates, min(len(candidates), abs(difference))):
                wanted[i] += step
        for position, worker in enumerate(order):
            if position < len(fixed):
                worker.chains = [chain for group in fixed[position][1] for chain in group]
            else:
                worker.chains = _chains(rng, wanted[position], span)

    def _plan_assessments(self, rng: random.Random) -> None:
        """Each worker's count: the assessments their certificates rest on, then the rest in
        proportion to their time in post; the typical worker gets the average."""
        total = self.sizes.assessments
        floors = [self.qualifying if w.chains else 0 for w in self.workers]
        average = round(total / len(self.workers))
        floors[self.typical.index] = max(floors[self.typical.index], average)
        if sum(floors) > total:
            raise SeedRefused(
                f"{total:,} assessments are too few: the certificates alone rest on "
                f"{sum(floors):,}. Seed more assessments or fewer certificates."
            )
        weights = [
            (self.today - max(w.joined, self.start)).days * rng.lognormvariate(0, 0.35)
            for w in self.workers
        ]
        weights[self.typical.index] = 0.0  # exactly the floor
        for worker, count in zip(self.workers, _spread(total, weights, floors), strict=True):
            worker.assessments = count


def _qualifying(framework: _Framework) -> list[tuple[int, int, int]]:
    """(competency, method, level) for a record meeting the Core certificate at level 3: each
    core competency's "all of" methods and one "any of" method; two direct observations of
    SPLW-PCP-01 (two assessors); a professional discussion (SPLW-COM-02 takes it with witness
    testimony)."""
    wanted = []
    for rule in framework.rules:
        if not rule.core:
            continue
        methods = list(rule.all_of) + ([rule.any_of[0]] if rule.any_of else [])
        for method in methods:
            wanted.append((rule.pk, method, min(3, framework.cap(method))))
    pcp = framework.by_competency_code["SPLW-PCP-01"].pk
    dop = framework.by_code["DOP"]
    wanted += [(pcp, dop, 3)]  # the second observation, by another assessor
    com = framework.by_competency_code["SPLW-COM-02"]
    wanted += [(com.pk, method, 3) for method in com.methods]
    return wanted


# --- Writing ---------------------------------------------------------------------------------


class _Writer:
    """The tables the seed writes, with their next keys, and the records phase's generators."""

    def __init__(self, random_seed: int):
        self.random_seed = random_seed
        self.organisation = Table(Organisation)
        self.user = Table(User)
        self.membership = Table(Membership)
        self.assessment = Table(Assessment)
        self.evidence = Table(Evidence)
        self.evidence_competency = Table(Evidence.competencies.through)
        self.assessment_evidence = Table(Assessment.evidence.through)
        self.review = Table(EvidenceReview)
        self.sample = Table(IqaSample)
        self.supervision = Table(SupervisionSession)
        self.cpd = Table(CPDEntry)
        self.sign_off = Table(AwardSignOff)
        self.certificate = Table(Certificate, flush_rows=2_000)
        self.check = Table(CertificateCheck)
        for table in self.tables:
            table.start_ids_after(highest_id(table.model))

    @property
    def tables(self) -> list[Table]:
        return [value for value in vars(self).values() if isinstance(value, Table)]

    def flush(self) -> None:
        for table in self.tables:
            table.flush()


def _people(plan: _Plan, writer: _Writer, password: str) -> None:
    # The national manager's account is made today (seeded_sizes reads the years from it).
    now = timezone.now()
    staff_joined = _noon(plan.staff_since, 9)
    for organisation in plan.organisations:
        writer.organisation.add(
            id=organisation.pk,
            name=organisation.name,
            kind=organisation.kind,
            ods_code=f"S{organisation.index + 1:05d}" if organisation.kind == "pcn" else "",
        )

    def user(pk: int, email: str, name: str, joined: datetime.datetime) -> None:
        writer.user.add(
            id=pk,
            password=password,
            email=email,
            full_name=name,
            date_joined=joined,
            is_active=True,
        )

    def post(pk: int, organisation: _Organisation, role: str, since, supervisor=None) -> None:
        writer.membership.add(
            id=writer.membership.new_id(),
            user_id=pk,
            organisation_id=organisation.pk,
            role=role,
            starts_on=since,
            supervisor_id=supervisor,
        )

    for pk, email, name, index, role in plan.staff:
        user(pk, email, name, staff_joined)
        post(pk, plan.organisations[index], role, plan.staff_since)
    user(plan.national_manager, NATIONAL_MANAGER_EMAIL, "Nadia National-Manager", now)
    for organisation in plan.organisations:
        post(plan.national_manager, organisation, Role.MANAGER, plan.staff_since)
    for worker in plan.workers:
        user(worker.pk, worker.email, worker.name, _noon(worker.joined, 9))
        post(
            worker.pk,
            plan.organisations[worker.organisation],
            Role.LINK_WORKER,
            worker.joined,
            supervisor=worker.supervisor,
        )


@dataclass(slots=True)
class _Made:
    """One assessment as the worker's records phase keeps it in memory."""

    day: datetime.date
    competency: int
    method: int
    level: int
    assessor: int
    qualifying: bool = False
    pk: int = 0
    supersedes: int | None = None
    sampled: str = ""  # an internal quality assurer's decision, if sampled


class _Records:
    """Writes one worker's assessments, evidence, supervision, CPD and certificates."""

    def __init__(
        self,
        plan: _Plan,
        writer: _Writer,
        framework: _Framework,
        qualifications: dict[str, Qualification],
        names: dict[int, str],
        rendered: int,
    ):
        self.plan = plan
        self.sample = rendered
        self.writer = writer
        self.framework = framework
        self.qualifications = qualifications
        self.names = names
        self.qualifying = _qualifying(framework)
        self.conditions = {
            code: certificate_selectors.renewal_conditions(q) for code, q in qualifications.items()
        }
        self.numbers: set[str] = set()
        self.rendered: list[bytes] = []
        self.storage = Certificate._meta.get_field("pdf").storage
        self.files: list[str] = []

    # Assessments

    def assessments(self, worker: _Worker, rng: random.Random) -> list[_Made]:
        plan, framework = self.plan, self.framework
        organisation = plan.organisations[worker.organisation]
        assessors = organisation.assessors
        made: list[_Made] = []
        first_issue = max(
            (issued for chain in worker.chains for issued, _ in chain.issues), default=None
        )
        if first_issue is not None:
            issue_day = plan.today - datetime.timedelta(days=first_issue)
            observers = rng.sample(assessors, 2)
            observed = 0
            for competency, method, level in self.qualifying:
                is_observation = method == framework.by_code["DOP"] and (
                    competency == framework.by_competency_code["SPLW-PCP-01"].pk
                )
                assessor = observers[observed % 2] if is_observation else rng.choice(assessors)
                observed += is_observation
                made.append(
                    _Made(
                        day=issue_day - datetime.timedelta(days=_between(rng, 5, 75)),
                        competency=competency,
                        method=method,
                        level=level,
                        assessor=assessor,
                        qualifying=True,
                    )
                )
        first = max(worker.joined, plan.start) + datetime.timedelta(days=14)
        days = max(1, (plan.today - first).days)
        rules, n_rules, uniform = framework.rules, len(framework.rules), rng.random
        for _ in range(worker.assessments - len(made)):
            offset = int(uniform() * days)
            rule = rules[int(uniform() * n_rules)]
            methods = rule.methods
            method = methods[int(uniform() * len(methods))]
            # Levels rise with time in post, with some spread; capped methods show less.
            progress = offset / days
            level = int(1 + 3.2 * progress + rng.gauss(0, 0.7))
            level = max(1, min(framework.top, level, framework.cap(method)))
            made.append(
                _Made(
                    day=first + datetime.timedelta(days=offset),
                    competency=rule.pk,
                    method=method,
                    level=level,
                    assessor=assessors[int(uniform() * len(assessors))],
                )
            )
        made.sort(key=lambda a: (a.day, a.competency, a.method))
        table = self.writer.assessment
        last_of: dict[tuple[int, int], _Made] = {}
        superseded: set[int] = set()
        for assessment in made:
            assessment.pk = table.new_id()
            key = (assessment.competency, assessment.method)
            earlier = last_of.get(key)
            # About one in two hundred corrects the one before it.
            if (
                earlier is not None
                and not assessment.qualifying
                and not earlier.qualifying
                and earlier.pk not in superseded
                and rng.random() < 0.005
            ):
                assessment.supersedes = earlier.pk
                superseded.add(earlier.pk)
            last_of[key] = assessment
        # Internal quality assurance samples about one in fifty of the rest, agreeing with most
        # and putting a few on hold; never the records a certificate rests on, never a
        # corrected one.
        for assessment in made:
            if (
                not assessment.qualifying
                and assessment.pk not in superseded
                and assessment.day < plan.today - datetime.timedelta(days=3)
                and rng.random() < 0.02
            ):
                agreed = rng.random() < 0.95
                assessment.sampled = IqaDecision.AGREED if agreed else IqaDecision.NOT_AGREED
        return made

    def write_assessments(self, worker: _Worker, made: list[_Made], rng: random.Random) -> None:
        writer, version = self.writer, self.framework.version.pk
        for assessment in made:
            writer.assessment.add(
                id=assessment.pk,
                worker_id=worker.pk,
                competency_id=assessment.competency,
                framework_version_id=version,
                level=assessment.level,
                method_id=assessment.method,
                assessed_on=assessment.day,
                assessor_id=assessment.assessor,
                notes="",
                supersedes_id=assessment.supersedes,
                correction_reason=rng.choice(_CORRECTION_REASONS) if assessment.supersedes else "",
                recorded_at=_noon(assessment.day, 15),
                recorded_by_id=assessment.assessor,
                needs_confirmation=False,
            )
            if assessment.sampled:
                self._sample(worker, assessment, rng)
            code = self.framework.methods[assessment.method].code
            if code in ("RFA", "WT") and rng.random() < 0.3:
                self._evidence(worker, assessment, code, rng)

    def _sample(self, worker: _Worker, assessment: _Made, rng) -> None:
        plan = self.plan
        days_since = (plan.today - assessment.day).days
        self.writer.sample.add(
            id=self.writer.sample.new_id(),
            assessment_id=assessment.pk,
            quality_assurer_id=plan.organisations[worker.organisation].iqa,
            decision=assessment.sampled,
            reason="" if assessment.sampled == IqaDecision.AGREED else rng.choice(_HOLD_REASONS),
            sampled_at=_noon(
                assessment.day + datetime.timedelta(days=_between(rng, 1, min(30, days_since - 1))),
                11,
            ),
        )

    def _evidence(self, worker: _Worker, assessment: _Made, code: str, rng) -> None:
        writer = self.writer
        pk = writer.evidence.new_id()
        rule = self.framework.by_pk[assessment.competency]
        kind = EvidenceKind.REFLECTIVE_ACCOUNT if code == "RFA" else EvidenceKind.WITNESS_STATEMENT
        writer.evidence.add(
            id=pk,
            worker_id=worker.pk,
            kind=kind,
            title=f"{rule.title[:150]}: {assessment.day:%B %Y}",
            text=rng.choice(_REFLECTIONS),
            submitted_at=_noon(assessment.day - datetime.timedelta(days=2), 10),
        )
        writer.evidence_competency.add(
            id=writer.evidence_competency.new_id(),
            evidence_id=pk,
            competency_id=assessment.competency,
        )
        writer.review.add(
            id=writer.review.new_id(),
            evidence_id=pk,
            reviewer_id=assessment.assessor,
            outcome=EvidenceOutcome.ACCEPTED,
            feedback="",
            reviewed_at=_noon(assessment.day, 14),
        )
        writer.assessment_evidence.add(
            id=writer.assessment_evidence.new_id(), assessment_id=assessment.pk, evidence_id=pk
        )

    def pending_evidence(self, worker: _Worker, rng: random.Random) -> None:
        """Some workers have a reflective account waiting for review (assessors' queues)."""
        if rng.random() >= 0.3:
            return
        writer = self.writer
        pk = writer.evidence.new_id()
        rule = rng.choice(self.framework.rules)
        writer.evidence.add(
            id=pk,
            worker_id=worker.pk,
            kind=EvidenceKind.REFLECTIVE_ACCOUNT,
            title=f"Reflection: {rule.title[:150]}",
            text=rng.choice(_REFLECTIONS),
            submitted_at=_noon(self.plan.today - datetime.timedelta(days=_between(rng, 1, 30))),
        )
        writer.evidence_competency.add(
            id=writer.evidence_competency.new_id(), evidence_id=pk, competency_id=rule.pk
        )

    # Supervision and CPD

    def supervision_and_cpd(self, worker: _Worker, rng: random.Random) -> None:
        plan, writer = self.plan, self.writer
        since = max(worker.joined, plan.start - datetime.timedelta(days=365))
        months = plan.months[bisect.bisect_left(plan.months, since.replace(day=1)) :]
        kinds = (
            [SupervisionKind.PROFESSIONAL] * 14
            + [SupervisionKind.DAY_TO_DAY] * 3
            + [SupervisionKind.GROUP] * 2
            + [SupervisionKind.PEER]
        )
        for month in months:
            held = month + datetime.timedelta(days=rng.randrange(27))
            if since <= held < plan.today:
                recent = (plan.today - held).days < 14
                writer.supervision.add(
                    id=writer.supervision.new_id(),
                    worker_id=worker.pk,
                    supervisor_id=worker.supervisor,
                    held_on=held,
                    kind=rng.choice(kinds),
                    reflections=rng.choice(_REFLECTIONS),
                    agreed_actions="",
                    recorded_at=_noon(held, 16),
                    confirmed_at=None if recent else _noon(held + datetime.timedelta(days=2)),
                )
            # About one CPD activity a month, formal or not, a point an hour.
            done = month + datetime.timedelta(days=rng.randrange(27))
            if since <= done < plan.today:
                activity, formal = rng.choice(_CPD_ACTIVITIES)
                hours = rng.choice(_CPD_HOURS)
                writer.cpd.add(
                    id=writer.cpd.new_id(),
                    worker_id=worker.pk,
                    done_on=done,
                    activity=activity,
                    hours=hours,
                    is_formal=formal,
                    points=hours,
                    reflection="",
                    evidence_id=None,
                    recorded_at=_noon(done, 18),
                )

    # Certificates

    def certificates(self, worker: _Worker, made: list[_Made], rng: random.Random) -> None:
        plan = self.plan
        organisation = plan.organisations[worker.organisation]
        days = [a.day for a in made]
        for chain in worker.chains:
            qualification = self.qualifications[chain.code]
            previous: int | None = None
            for position, (issued_ago, revoked_ago) in enumerate(chain.issues):
                issued_on = plan.today - datetime.timedelta(days=issued_ago)
                is_last = position == len(chain.issues) - 1
                # Standing assessments up to the day, latest by each method.
                standing = made[: bisect.bisect_right(days, issued_on)]
                certificate = self._certificate(
                    worker,
                    organisation,
                    qualification,
                    issued_on,
                    standing,
                    rng,
                    supersedes=previous
                    if position and chain.issues[position - 1][1] is None
                    else None,
                    current=is_last and revoked_ago is None,
                    revoked_on=None
                    if revoked_ago is None
                    else plan.today - datetime.timedelta(days=revoked_ago),
                )
                previous = certificate

    def _snapshot(self, qualification, standing: list[_Made], sign_off: dict) -> dict:
        framework, names = self.framework, self.names
        superseded = {a.supersedes for a in standing if a.supersedes}
        shown: dict[int, dict[int, tuple]] = defaultdict(dict)
        for a in standing:
            if a.pk not in superseded and a.sampled != IqaDecision.NOT_AGREED:
                shown[a.competency][a.method] = (a.level, a.day, a.assessor)
        rows = []
        for rule in framework.rules:
            level, used = framework.achieved(rule, shown.get(rule.pk, {}))
            if not level:
                continue
            rows.append(
                {
                    "code": rule.code,
                    "title": rule.title,
                    "core": rule.core,
                    "level": level,
                    "level_name": framework.levels.get(level, ""),
                    "assessed_on": max(got[1] for _, got in used).isoformat(),
                    "method": " + ".join(framework.methods[m].name for m, _ in used),
                    "assessor": ", ".join(dict.fromkeys(names[got[2]] for _, got in used)),
                }
            )
        signoffs = []
        if qualification.required_method_id:
            discussions = [
                a
                for a in standing
                if a.method == qualification.required_method_id
                and a.pk not in superseded
                and a.sampled != IqaDecision.NOT_AGREED
            ]
            if discussions:
                latest = discussions[-1]
                signoffs.append(
                    {
                        "role": f"Assessor, {framework.methods[latest.method].name.lower()}",
                        "name": names[latest.assessor],
                        "date": latest.day.isoformat(),
                    }
                )
        signoffs += [
            {
                "kind": "sign_off",
                "role": "Signed off by",
                "name": names[sign_off["assessor"]],
                "date": sign_off["signed_on"].isoformat(),
            },
            {
                "kind": "countersignature",
                "role": "Countersigned by",
                "name": names[sign_off["supervisor"]],
                "as": "named supervisor",
                "date": sign_off["countersigned_on"].isoformat(),
            },
            {"role": f"for {qualification.issuer_name}", "name": qualification.signatory},
        ]
        return {
            "competencies": rows,
            "signoffs": signoffs,
            "curriculum": f"{framework.framework.short_name}, version {framework.version.number}",
            "renewal_conditions": self.conditions[qualification.code],
            "qualification_description": qualification.description,
        }

    def _number(self, qualification: Qualification, day: datetime.date, rng) -> str:
        alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # as certificate numbers are made
        while True:
            number = f"{qualification.code}-{day.year}-{''.join(rng.choices(alphabet, k=6))}"
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def _certificate(
        self,
        worker: _Worker,
        organisation: _Organisation,
        qualification: Qualification,
        issued_on: datetime.date,
        standing: list[_Made],
        rng: random.Random,
        *,
        supersedes: int | None,
        current: bool,
        revoked_on: datetime.date | None,
    ) -> int:
        writer = self.writer
        # Signed off by an assessor who is not the named supervisor, countersigned by the
        # supervisor, issued by one of the organisation's managers: three people, none the worker.
        others = [pk for pk in organisation.assessors if pk != worker.supervisor]
        sign_off = {
            "assessor": rng.choice(others),
            "supervisor": worker.supervisor,
            "signed_on": issued_on - datetime.timedelta(days=2),
            "countersigned_on": issued_on - datetime.timedelta(days=1),
        }
        sign_off_id = writer.sign_off.new_id()
        writer.sign_off.add(
            id=sign_off_id,
            holder_id=worker.pk,
            qualification_id=qualification.pk,
            assessor_id=sign_off["assessor"],
            signed_at=_noon(sign_off["signed_on"]),
            countersigned_by_id=sign_off["supervisor"],
            countersigned_at=_noon(sign_off["countersigned_on"]),
        )
        number = self._number(qualification, issued_on, rng)
        expires_on = issued_on + relativedelta(months=qualification.validity_months)
        pk = writer.certificate.new_id()
        fields = {
            "id": pk,
            "number": number,
            "verification_code": _verification_code(self.writer.random_seed, number),
            "holder_id": worker.pk,
            "qualification_id": qualification.pk,
            "employer_id": organisation.pk,
            "framework_version_id": self.framework.version.pk,
            "holder_name": worker.name,
            "employer_name": organisation.name,
            "qualification_title": qualification.title,
            "issuer_name": qualification.issuer_name,
            "issued_on": issued_on,
            "expires_on": expires_on,
            "renewal_due_on": expires_on
            - datetime.timedelta(days=qualification.renewal_window_days),
            "snapshot": self._snapshot(qualification, standing, sign_off),
        }
        content = self._pdf(fields, qualification)
        name = self.storage.save(f"certificates/{number}.pdf", ContentFile(content))
        self.files.append(name)
        if revoked_on is not None:
            reason = rng.choice(_REVOCATION_REASONS)
            fields.update(
                revoked_at=_noon(revoked_on, 11),
                revoked_by_id=rng.choice(organisation.managers),
                revocation_reason=reason,
                revocation_details=_REVOCATION_DETAILS[reason],
            )
        writer.certificate.add(
            **fields,
            qualification_revision_id=qualification.live_revision_id,
            award_sign_off_id=sign_off_id,
            pdf=name,
            pdf_sha256=hashlib.sha256(content).hexdigest(),
            issued_by_id=rng.choice(organisation.managers),
            issued_at=_noon(issued_on, 13),
            supersedes_id=supersedes,
            is_current=current,
        )
        # Some certificates have been checked by employers.
        if rng.random() < 0.1:
            for _ in range(rng.randint(1, 3)):
                checked = issued_on + datetime.timedelta(
                    days=rng.randrange(max(1, (self.plan.today - issued_on).days))
                )
                writer.check.add(
                    id=writer.check.new_id(),
                    certificate_id=pk,
                    checked_at=_noon(checked, 10),
                    count=1,
                )
        return pk

    def _pdf(self, fields: dict, qualification: Qualification) -> bytes:
        """The real renderer's PDF for the first few; the first one's with a line of its own
        after the end for the rest (readers ignore what follows %%EOF), so each file differs."""
        if len(self.rendered) < max(1, self.sample):
            certificate = Certificate(**fields, qualification=qualification)
            content = render_certificate(certificate_services._pdf_context(certificate)).content
            self.rendered.append(content)
            return content
        return self.rendered[0] + f"\n% seed copy for {fields['number']}\n".encode()


# --- The seed --------------------------------------------------------------------------------


def _curriculum() -> dict[str, Qualification]:
    """The demo curriculum and framework, the demo's Core qualification, and the seed's annual
    one; each made only when missing."""
    curriculum_demo.load()
    core, _ = certificates_demo.load_qualification()
    annual = Qualification.objects.filter(code=ANNUAL_CODE).first()
    if annual is None:
        annual = certificate_services.qualification_create(
            code=ANNUAL_CODE,
            title="Link Worker Safe Practice Certificate (Annual)",
            description="Every core competency at level 2 or above, with a year of supervision "
            "and CPD; renewed every year.",
            framework=core.framework,
            all_core_at_level=2,
            min_direct_observations=0,
            min_supervision_sessions_12_months=10,
            min_cpd_points_year=20,
            min_cpd_formal_hours_year=10,
            validity_months=12,
            renewal_window_days=60,
            issuer_name="Link Worker Academy",
            signatory="Head of Training",
            renewal_reflective_accounts=0,
        )
    return {CORE_CODE: core, ANNUAL_CODE: annual}


def _check_allowed(sizes: Sizes, force: bool) -> None:
    if not settings.DEMO_DATA_ALLOWED and not force:
        raise SeedRefused(
            "Seeding is refused under production settings: it creates sign-ins with a published "
            "password. Use a benchmark database (or force it, knowing this)."
        )
    if found := non_seed_data():
        raise SeedRefused(
            "This database holds data the seed did not make ("
            + "; ".join(found)
            + "): seed an empty database (migrated) instead."
        )
    if (existing := seeded_sizes()) is not None and existing != sizes:
        raise SeedRefused(
            f"This database holds a seed of other sizes ({existing.describe()}): start over "
            "with --replace."
        )


def seed(
    sizes: Sizes,
    *,
    random_seed: int = 17,
    progress: Progress | None = None,
    force: bool = False,
    rendered: int = RENDERED_SAMPLE,
) -> SeedSummary:
    """Fill the database to `sizes`, or do nothing when it holds that seed already.

    `progress(phase, done, total)` is called as rows are made; `rendered` certificates (at
    least one) are drawn by the real renderer; `force` seeds under production settings.
    """
    if is_seeded(sizes):
        return SeedSummary(sizes=sizes, reused=True)
    _check_allowed(sizes, force)
    check_fonts_installed()
    report = progress or (lambda phase, done, total: None)
    summary = SeedSummary(sizes=sizes)
    files: list[str] = []
    started = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal started
        now = time.perf_counter()
        summary.seconds[phase] = summary.seconds.get(phase, 0.0) + now - started
        started = now

    try:
        with transaction.atomic():
            report("curriculum", 0, 1)
            qualifications = _curriculum()
            framework = _Framework()
            report("curriculum", 1, 1)
            lap("curriculum")

            writer = _Writer(random_seed)
            today = timezone.localdate()
            plan = _Plan(
                sizes,
                random_seed,
                today,
                {"user": writer.user.next_id, "organisation": writer.organisation.next_id},
                qualifying=len(_qualifying(framework)),
            )
            people = len(plan.staff) + 1 + len(plan.workers)
            report("people", 0, people)
            _people(plan, writer, make_password(SEED_PASSWORD))
            writer.flush()
            report("people", people, people)
            lap("people")

            names = {pk: name for pk, _, name, _, _ in plan.staff}
            names.update({worker.pk: worker.name for worker in plan.workers})
            records = _Records(plan, writer, framework, qualifications, names, rendered)
            files = records.files
            done = 0
            report("records", 0, sizes.assessments)
            for worker in plan.workers:
                rng = random.Random(f"{random_seed}:worker:{worker.index}")  # noqa: S311
                made = records.assessments(worker, rng)
                records.write_assessments(worker, made, rng)
                records.pending_evidence(worker, rng)
                records.supervision_and_cpd(worker, rng)
                records.certificates(worker, made, rng)
                done += len(made)
                report("records", done, sizes.assessments)
            writer.flush()
            lap("records")

            report("finish", 0, 1)
            reset_sequences(writer.tables)
            # Written by COPY, without signals: no kept standing level may outlive them (the
            # tables start empty, so the first read of each team judges it and keeps it).
            mark_all_stale()
            counts = {
                "assessments": Assessment.objects.count(),
                "certificates": Certificate.objects.count(),
            }
            if counts["assessments"] != sizes.assessments or (
                counts["certificates"] != sizes.certificates
            ):
                raise SeedRefused(f"The seed wrote {counts}, not the sizes asked: a bug.")
            lap("finish")
    except BaseException:
        # The rows are rolled back; take the PDFs written for them too.
        storage = Certificate._meta.get_field("pdf").storage
        for name in files:
            storage.delete(name)
        raise
    # Fresh statistics, so that the planner knows the tables' sizes when benchmarks start.
    vacuum_analyze()
    report("finish", 1, 1)
    lap("finish")
    summary.counts = {table.name: table.written for table in writer.tables}
    summary.write_seconds = {table.name: round(table.seconds, 2) for table in writer.tables}
    return summary
