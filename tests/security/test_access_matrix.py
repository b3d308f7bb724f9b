"""The generated access matrix: every URL by every actor by GET and POST, against a table.

Every pattern the URL resolver knows (our pages, the Wagtail admin, its snippets and viewsets,
the public site) is filled with objects belonging to a current link worker of organisation A
(the target) and asked by each actor of tests/security/access_world.py. Each answer is sorted
into an outcome (reached, sent to sign in, 403, 404) and compared with RULES below; a pattern
no rule covers fails the suite. POSTs are made with CSRF checks on: without a token every one
must be refused by the CSRF check, and with a valid token the answer must be the same access
answer as GET's. Pages shown to someone outside the target's scope must not name the target.
"""

import fnmatch
import logging
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponseForbidden
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import URLResolver, get_resolver, path
from django.urls.resolvers import RegexPattern
from wagtail.models import Revision, Task, Workflow

from competencies import selectors as competencies_selectors
from competencies.models import Assessment
from curriculum.models import NationalReference
from sharing.tokens import token_for
from tests.security import access_world
from tests.security.access_world import ACTORS, ADMIN_ACTORS, MARKER
from tests.security.matrix import (
    Outcome,
    Route,
    Rule,
    outcome_of,
    routes,
    rule_for,
    unmatched,
    url_for,
)

pytestmark = pytest.mark.django_db

REACHED, NOT_ALLOWED, LOGIN, FORBIDDEN, HIDDEN = (
    Outcome.REACHED,
    Outcome.NOT_ALLOWED,
    Outcome.LOGIN,
    Outcome.FORBIDDEN,
    Outcome.HIDDEN,
)

# --- Who is who, today ---------------------------------------------------------------------

EVERYONE = frozenset(ACTORS)
SIGNED_IN = EVERYONE - {"anonymous"}
LINK_WORKERS = frozenset({"worker", "worker_b"})
ASSESSORS = frozenset({"assessor", "assessor_moved", "assessor_b"})
MANAGERS = frozenset({"manager", "manager_moved", "manager_b"})
QUALITY_ASSURERS = frozenset({"iqa", "iqa_b"})
IMPORTERS = ASSESSORS | MANAGERS
# Who may see the target's records today: nobody former, future, moved away or from B.
SEES_TARGET = frozenset({"worker", "assessor", "manager"})
# Pages shown to these may name the target: A's IQA samples the target's assessments too.
MAY_NAME_TARGET = SEES_TARGET | {"iqa"}


def page(reach: frozenset[str], *, gate: frozenset[str] = SIGNED_IN):
    """Anonymous people are sent to sign in (unless `reach` takes them); those in `reach` get
    the page; others who pass the page's role check (`gate`) get a 404, because the object is
    not theirs; everyone else signed in gets a 403. Past the role check, a POST-only page may
    answer a GET with a 405 before it looks the object up: that reveals nothing."""

    def audience(actor: str) -> frozenset[Outcome]:
        if actor in reach:
            return frozenset({REACHED, NOT_ALLOWED})
        if actor == "anonymous":
            return frozenset({LOGIN})
        return frozenset({HIDDEN, NOT_ALLOWED} if actor in gate else {FORBIDDEN})

    return audience


def role(holders: frozenset[str], reach: frozenset[str] | None = None):
    """A page behind a role check: holders of the role today pass it; of them, those in `reach`
    (default: all) get the page and the rest a 404."""
    return page(holders if reach is None else reach, gate=holders)


PUBLIC = page(EVERYONE)
ANY_SIGNED_IN = page(SIGNED_IN)


def NOBODY(actor: str) -> frozenset[Outcome]:
    """A 404 for everyone, signed in or not: the page or its object does not exist."""
    return frozenset({HIDDEN})


def admin(**reach: frozenset[Outcome]):
    """An admin page: people who cannot open the admin are sent to sign in (or refused, for
    Wagtail's JSON endpoints); the admin actors get what `reach` says, by name."""

    def audience(actor: str) -> frozenset[Outcome]:
        if actor in ADMIN_ACTORS:
            return reach[actor]
        return frozenset({LOGIN, FORBIDDEN})

    return audience


# Wagtail's own admin views, judged by Wagtail's own permissions: an admin user may be shown
# the page, refused it or told the object does not exist, never a sign-in page or a 5xx.
ADMIN_USER_ANSWERS = frozenset({REACHED, NOT_ALLOWED, FORBIDDEN, HIDDEN})
GETS = frozenset({REACHED, NOT_ALLOWED})
REFUSED = frozenset({FORBIDDEN})
WAGTAIL_ADMIN = admin(
    trainer=ADMIN_USER_ANSWERS, reviewer=ADMIN_USER_ANSWERS, superuser=ADMIN_USER_ANSWERS
)
SUPERUSER_ONLY = admin(trainer=REFUSED, reviewer=REFUSED, superuser=GETS)

# --- The expected table ---------------------------------------------------------------------
# First match wins. Keys are URL names (namespace:name) or, for unnamed patterns, the route.

RULES: tuple[Rule, ...] = (
    # Public: signing in, resetting a password, verification, the curriculum, search.
    Rule(
        (
            "login",
            "password_reset",
            "password_reset_done",
            "password_reset_confirm",
            "password_reset_complete",
            "curriculum_search",
            "certificates:verify_start",
            "certificates:verify",
            "certificates:verify_json",
            "certificates:verify_credential",
            "credentials:verify",
            "credentials:verify_json",
            "credentials:status_list",
            "credentials:did_document",
            "wagtail_serve",
            "wagtailcore_login",
            "wagtaildocs_serve",
            "logout",
            "wagtailadmin_login",
            "wagtailadmin_javascript_catalog",
            "wagtailadmin_sprite",
        ),
        PUBLIC,
        "for anyone, without an account",
    ),
    Rule(
        ("wagtaildocs_authenticate_with_password", "wagtailcore_authenticate_with_password"),
        NOBODY,
        "password forms of view restrictions; the world has none, so every id is unknown",
    ),
    Rule(
        ("wagtailadmin_password_reset*",),
        NOBODY,
        "WAGTAIL_PASSWORD_RESET_ENABLED is off: resets go through the throttled /accounts/ pages",
    ),
    # Anyone signed in: their own account and landing pages.
    Rule(
        (
            "password_change",
            "password_change_done",
            "two_factor_*",
            "home",
            "workforce:no_role",
            "certificates:my_certificates",
        ),
        ANY_SIGNED_IN,
        "one's own account",
    ),
    Rule(
        ("sharing:links", "sharing:create"),
        ANY_SIGNED_IN,
        "one's own share links (someone who has left their post still holds their certificates)",
    ),
    Rule(
        ("sharing:detail", "sharing:revoke"),
        page(frozenset({"worker"})),
        "only the holder sees and revokes their share link",
    ),
    Rule(("sharing:shared",), PUBLIC, "a share link's page, for anyone who has its address"),
    Rule(
        ("credentials:record",),
        ANY_SIGNED_IN,
        "one's own whole record (CLR): its address names nobody, so it is never another's",
    ),
    Rule(
        ("certificates:my_certificate_pdf",),
        page(frozenset({"worker"})),
        "only the holder downloads their own certificate here",
    ),
    # Link workers: their own learner pages.
    Rule(
        (
            "competencies:my_progress",
            "competencies:my_evidence",
            "competencies:evidence_submit",
            "competencies:supervision",
            "competencies:supervision_log",
            "competencies:cpd",
            "competencies:cpd_add",
            "certificates:my_qualifications",
        ),
        role(LINK_WORKERS),
        "link workers' own pages",
    ),
    # The target's records, for anyone who may see them (the worker included).
    Rule(
        ("competencies:history",),
        page(SEES_TARGET),
        "the worker, their assessors and managers today",
    ),
    Rule(
        ("competencies:evidence", "competencies:evidence_file"),
        page(frozenset({"worker", "assessor"})),
        "the worker and who may review their evidence today",
    ),
    # Assessors.
    Rule(
        (
            "competencies:caseload",
            "competencies:review_queue",
            "competencies:countersign_requests",
            "competencies:sessions_to_confirm",
            "competencies:confirmations",
            "certificates:countersign_list",
        ),
        role(ASSESSORS),
        "assessors' lists (what they list is checked for the target's name)",
    ),
    Rule(
        (
            "competencies:worker",
            "competencies:assessment_record",
            "competencies:assessment_correct",
            "competencies:evidence_accept",
            "competencies:evidence_return",
            "competencies:assessment_countersign",
            "competencies:supervision_confirm",
            "certificates:sign_off",
        ),
        role(ASSESSORS, frozenset({"assessor"})),
        "the target's assessor today; other assessors are told it does not exist",
    ),
    # Managers.
    Rule(
        (
            "oversight:team",
            "oversight:matrix",
            "oversight:gaps",
            "oversight:audit",
            "certificates:register",
            "certificates:certify",
            "certificates:register_export",
            "certificates:bulk_issue",
            "imports:roster_import",
            "workforce:role_grants",
            "certificates:supervisors",
        ),
        role(MANAGERS),
        "managers' team pages and audit log (bulk issue names its workers in the POST body)",
    ),
    Rule(
        (
            "oversight:worker",
            "certificates:issue",
            "certificates:manage",
            "certificates:manage_pdf",
            "certificates:revoke",
            "certificates:renew",
            "certificates:bulk_progress",
            "certificates:bulk_status",
            "certificates:bulk_zip",
            "certificates:supervisor_set",
        ),
        role(MANAGERS, frozenset({"manager"})),
        "the target's manager today (bulk issues: the one who asked for it)",
    ),
    Rule(
        ("certificates:countersign",),
        role(ASSESSORS, frozenset()),
        "an award sign-off awaiting the named supervisor; the world has none, so every id is "
        "unknown (tests/certificates/test_sign_off_pages.py checks who countersigns one)",
    ),
    Rule(
        ("workforce:role_grant_decide",),
        role(MANAGERS, frozenset()),
        "a role request of a manager's organisation; the world has none, so every id is "
        "unknown (tests/workforce/test_role_grants.py checks who decides one)",
    ),
    # Internal quality assurance: IQAs sample, assessors see their holds, managers coverage.
    Rule(
        ("quality:sampling",),
        role(QUALITY_ASSURERS),
        "IQAs' sampling list (what it lists is checked for the target's name)",
    ),
    Rule(
        ("quality:sample",),
        role(QUALITY_ASSURERS, frozenset({"iqa"})),
        "an IQA of the target's organisation today; other IQAs are told it does not exist",
    ),
    Rule(
        ("quality:evidence_file",),
        role(QUALITY_ASSURERS, frozenset({"iqa"})),
        "evidence files of the target, for an IQA of their organisation today",
    ),
    Rule(("quality:holds",), role(ASSESSORS), "assessors' own assessments on hold"),
    Rule(("quality:coverage",), role(MANAGERS), "managers' sampling coverage per assessor"),
    # Imports and reports: managers and assessors.
    Rule(
        ("imports:assessment_import", "imports:reports", "imports:history_export"),
        role(IMPORTERS),
        "importers' pages (history holds only their workers)",
    ),
    Rule(
        (
            "imports:import_detail",
            "imports:import_status",
            "imports:import_problems",
            "imports:import_confirm",
        ),
        role(IMPORTERS, frozenset({"manager"})),
        "only the manager who uploaded the file, while still in its workers' organisation",
    ),
    Rule(
        ("imports:progress_matrix", "imports:progress_matrix_export"),
        role(IMPORTERS, frozenset({"assessor", "manager"})),
        "organisation A's assessors and managers today",
    ),
    # Our own admin views and viewsets.
    Rule(("workforce_lockouts",), SUPERUSER_ONLY, "sign-in lockouts: administrators only"),
    Rule(
        ("workforce_lockout_unlock",),
        admin(trainer=REFUSED, reviewer=REFUSED, superuser=GETS | {HIDDEN}),
        "administrators only; a POST that names no account or address is a 404",
    ),
    Rule(
        ("curriculum_framework_import", "curriculum_framework_export"),
        admin(trainer=GETS, reviewer=GETS, superuser=GETS),
        "anyone who may add (import) or change (export) a framework: trainers and reviewers "
        "(curriculum migration 0004)",
    ),
    Rule(
        ("organisations:*", "memberships:*", "wagtailusers_users:*", "wagtailusers_groups:*"),
        admin(trainer=REFUSED, reviewer=REFUSED, superuser=ADMIN_USER_ANSWERS),
        "people, organisations and memberships: administrators (deleting is refused to all)",
    ),
    Rule(
        (
            "wagtailsnippets_curriculum_competencyframework:*",
            "wagtailsnippetchoosers_curriculum_competencyframework:*",
            "wagtailsnippets_curriculum_assessmentmethod:*",
            "wagtailsnippetchoosers_curriculum_assessmentmethod:*",
            "wagtailsnippets_curriculum_nationalreference:*",
            "wagtailsnippetchoosers_curriculum_nationalreference:*",
            "wagtailsnippets_certificates_qualification:*",
            "wagtailsnippetchoosers_certificates_qualification:*",
        ),
        WAGTAIL_ADMIN,
        "curriculum snippets: Wagtail's snippet permissions (trainers and reviewers edit)",
    ),
    # Everything else under /admin/ is Wagtail's own, behind its access_admin permission.
    Rule(
        (
            "wagtailadmin_*",
            "wagtail_bulk_action",
            "wagtailforms:*",
            "wagtailredirects:*",
            "wagtailsettings:*",
            "wagtailembeds:*",
            "wagtailsnippets:*",
            "wagtaildocs:*",
            "wagtaildocs_chooser:*",
            "wagtailimages:*",
            "wagtailimages_chooser:*",
            "wagtailsites:*",
            "admin/test404/",
            "admin/^.*/$",
        ),
        WAGTAIL_ADMIN,
        "Wagtail core admin: reachable only by users with access_admin",
    ),
)

# Views Django's CSRF check does not guard, each with the reason that is safe. A new one fails.
CSRF_EXEMPT = {
    "wagtailadmin_api:*": "Wagtail's admin API (DRF): read-only, and DRF checks CSRF itself",
    "credentials:verify_json": "software posts a credential to check: no session, no writes",
}
# Exempt views open to anyone, which answer a POST without a token as any other POST.
OPEN_TO_SOFTWARE = {"credentials:verify_json"}
# Server errors the matrix knows of, for admin users only, each with its reason; no other route
# and nobody else may answer with a 5xx. A POST carrying a token and nothing else is a body no
# browser sends: Wagtail's page and chooser forms read fields without checking them first.
MALFORMED_BODY = "Wagtail reads a form field a browser always sends; this POST has none"
KNOWN_SERVER_ERRORS = {
    "wagtailadmin_error_test": ({"GET", "POST"}, "/admin/failwhale/ raises on purpose"),
    "wagtailadmin_pages:add": ({"POST"}, MALFORMED_BODY),
    "wagtailadmin_pages:preview_on_add": ({"POST"}, MALFORMED_BODY),
    "wagtailadmin_pages:copy": ({"POST"}, MALFORMED_BODY),
    "wagtailadmin_choose_page_external_link": ({"POST"}, MALFORMED_BODY),
    "wagtailredirects:process_import": ({"POST"}, MALFORMED_BODY),
    "wagtailsnippetchoosers_*:create": ({"POST"}, MALFORMED_BODY),
}
# Pages that show the target's name to anyone by design.
NAMES_THE_TARGET = {
    "sharing:shared",
    "certificates:verify",
    "certificates:verify_json",
    "certificates:verify_credential",
}
# Pages not asked with a POST carrying a valid token: signing out would end the cell's session.
NO_TOKEN_POST = {"logout", "wagtailadmin_logout"}


# --- Filling in the URLs --------------------------------------------------------------------


def parameter_values(world) -> dict[str, dict[str, object]]:
    """Per route key (shell-style), each parameter's value: the target's things, or A's."""
    target = world.target
    latest_page_revision = Revision.page_revisions.filter(object_id=str(world.curriculum.pk))
    framework_revision = Revision.objects.filter(
        base_content_type__model="competencyframework", object_id=str(world.framework.pk)
    )
    task, workflow = Task.objects.first(), Workflow.objects.first()
    return {
        "competencies:evidence*": {"pk": world.evidence.pk},
        "competencies:assessment_correct": {"pk": world.assessment.pk},
        "quality:sample": {"pk": world.assessment.pk},
        "quality:evidence_file": {"pk": world.evidence.pk},
        "certificates:supervisor_set": {"membership_id": world.membership.pk},
        "competencies:assessment_countersign": {"pk": world.countersign.pk},
        "competencies:supervision_confirm": {"pk": world.session.pk},
        "certificates:verify*": {"code": world.certificate.verification_code},
        "credentials:status_list": {
            "status_list_id": world.certificate.signed_credential.status_list_id
        },
        "sharing:detail": {"pk": world.objects["share_link"].pk},
        "sharing:revoke": {"pk": world.objects["share_link"].pk},
        "sharing:shared": {"token": token_for(world.objects["share_link"].key)},
        "certificates:*issue": {"code": world.qualification.code},
        "certificates:bulk_*": {"pk": world.bulk.pk},
        "imports:import_*": {"pk": world.assessment_import.pk},
        "*password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "wagtailsnippet*_competencyframework:*": {
            "pk": world.framework.pk,
            "revision_id": framework_revision.latest("pk").pk,
        },
        "curriculum_framework_export": {"pk": world.framework.pk},
        "wagtailsnippet*_assessmentmethod:*": {"pk": world.method.pk},
        "wagtailsnippet*_nationalreference:*": {
            "pk": NationalReference.objects.order_by("pk").first().pk
        },
        "wagtailsnippet*_qualification:*": {"pk": world.qualification.pk},
        "organisations:*": {"pk": world.org_a.pk},
        "memberships:*": {"pk": world.membership.pk},
        "wagtailusers_users:*": {"pk": target.pk},
        "wagtailusers_groups:*": {"pk": world.objects["trainers"].pk},
        "wagtailsites:*": {"pk": world.objects["site"].pk},
        "wagtailadmin_collections:*": {
            "pk": world.objects["collection"].pk,
            "collection_id": world.objects["collection"].pk,
        },
        "wagtailadmin_workflows:*": {
            "pk": workflow.pk,
            "page_pk": world.curriculum.pk,
            "workflow_pk": workflow.pk,
            "task_id": task.pk,
        },
        "wagtaildocs*": {
            "document_id": world.objects["document"].pk,
            "doc_id": world.objects["document"].pk,
        },
        "*": {
            # Everything else: the target's worker and competency, A, the curriculum page.
            "worker_id": target.pk,
            "competency_id": world.competency.pk,
            "number": world.certificate.number,
            "organisation_id": world.org_a.pk,
            "file_format": "csv",
            "pk": world.curriculum.pk,
            "page_id": world.curriculum.pk,
            "parent_page_id": world.curriculum.pk,
            "page_to_move_id": world.curriculum.pk,
            "destination_id": world.objects["root_page"].pk,
            "revision_id": latest_page_revision.latest("pk").pk,
            "revision_id_a": "earliest",
            "revision_id_b": "latest",
            "task_state_id": 1,
            "workflow_state_id": 1,
            "task_id": task.pk,
            "action_name": "approve",
            "content_type_app_name": "curriculum",
            "content_type_model_name": "modulepage",
            "app_label": "curriculum",
            "model_name": "modulepage",
            "app_name": "curriculum",
            "object_id": str(world.curriculum.pk),
            "session_id": 1,
            "action": "delete",
            "restriction_id": 1,
            "page_view_restriction_id": 1,
            "image_id": 1,
            "uploaded_file_id": 1,
            "filter_spec": "original",
            "redirect_id": 1,
        },
    }


def ready_made_paths(world) -> dict[str, str]:
    """URLs of patterns reverse() cannot build: unnamed ones and positional groups."""
    document = world.objects["document"]
    return {
        "wagtail_serve": world.curriculum.url,
        "wagtaildocs_serve": f"/documents/{document.pk}/{document.filename}",
        "admin/test404/": "/admin/test404/",
        "workforce_lockout_unlock": "/admin/sign-in-lockouts/unlock/?account=someone@example.org",
        "admin/^.*/$": "/admin/no-such-admin-page/",
    }


# --- Running the cells ----------------------------------------------------------------------


def csrf_refused(request, reason=""):
    """Stands in for CSRF_FAILURE_VIEW: a 403 the matrix can tell from any other 403."""
    response = HttpResponseForbidden("CSRF check refused this request.")
    response["X-Matrix-CSRF"] = "refused"
    return response


@dataclass
class Cell:
    route: str
    actor: str
    method: str
    got: str
    expected: str

    def __str__(self) -> str:
        return (
            f"{self.method} {self.route} as {self.actor}: got {self.got}, expected {self.expected}"
        )


def _clients(world) -> dict[str, Client]:
    clients = {}
    for actor in ACTORS:
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        if actor != "anonymous":
            client.force_login(world.people[actor])
        clients[actor] = client
    return clients


def _request(client: Client, method: str, url: str, data: dict | None = None):
    """One request whose writes (and session changes) are undone afterwards."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    # Throttles count in the cache (password resets per address): each cell starts afresh.
    for cache in caches.all(initialized_only=True):
        cache.clear()
    try:
        with transaction.atomic():
            response = getattr(client, method)(url, data or {})
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response


def run_cells(
    world, chosen: list[Route], rules: tuple[Rule, ...] = RULES
) -> tuple[list[Cell], Counter]:
    """Ask every chosen route as every actor, by GET, POST without and POST with a token."""
    values, paths = parameter_values(world), ready_made_paths(world)
    clients = _clients(world)
    failures: list[Cell] = []
    counts: Counter = Counter()
    for route in chosen:
        rule = rule_for(route, rules)
        assert rule is not None, route.key
        url = url_for(route, values, paths)
        exempt = any(fnmatch.fnmatchcase(route.key, key) for key in CSRF_EXEMPT)
        for actor in ACTORS:
            client = clients[actor]
            cell = _Judge(route.key, actor, rule.audience(actor), failures, counts)
            cell.known_errors = _known_errors(route.key, actor)
            cell.judge("GET", _request(client, "get", url))
            cell.refused_by_csrf(_request(client, "post", url), exempt=exempt)
            if route.key in NO_TOKEN_POST:
                continue
            token = _get_new_csrf_string()
            client.cookies["csrftoken"] = token
            cell.judge("POST", _request(client, "post", url, {"csrfmiddlewaretoken": token}))
    return failures, counts


def _known_errors(key: str, actor: str) -> set[str]:
    """The methods for which this route may answer this actor with a known server error."""
    if actor not in ADMIN_ACTORS:
        return set()
    return next(
        (methods for k, (methods, _) in KNOWN_SERVER_ERRORS.items() if fnmatch.fnmatchcase(key, k)),
        set(),
    )


def _names_target(response) -> bool:
    return not response.streaming and MARKER.encode() in response.content.lower()


@dataclass
class _Judge:
    """Compares one route and actor's answers with what the table expects."""

    route: str
    actor: str
    allowed: frozenset[Outcome]
    failures: list[Cell]
    counts: Counter
    known_errors: set[str] = field(default_factory=set)

    def _fail(self, method: str, got: str, expected: str) -> None:
        self.failures.append(Cell(self.route, self.actor, method, got, expected))

    def judge(self, method: str, response) -> None:
        self.counts[method] += 1
        got = outcome_of(response)
        if got == Outcome.SERVER_ERROR and method in self.known_errors:
            return
        if got not in self.allowed:
            error = getattr(response, "exc_info", None)
            why = f": {error[0].__name__}: {str(error[1])[:120]}" if error else ""
            self._fail(
                method, f"{got} ({response.status_code}{why})", "/".join(sorted(self.allowed))
            )
        elif got == REACHED and self._must_not_name_the_target and _names_target(response):
            self._fail(method, "a page naming the target", "no mention of them")

    @property
    def _must_not_name_the_target(self) -> bool:
        # Admin users see everyone in the admin by design; lists elsewhere are scoped.
        return (
            self.actor not in MAY_NAME_TARGET
            and self.actor not in ADMIN_ACTORS
            and self.route not in NAMES_THE_TARGET
        )

    def refused_by_csrf(self, response, *, exempt: bool) -> None:
        self.counts["POST without token"] += 1
        if exempt:
            refused = {FORBIDDEN, HIDDEN, LOGIN} | (
                {REACHED} if self.route in OPEN_TO_SOFTWARE else set()
            )
            if outcome_of(response) not in refused:
                self._fail("POST without token", str(response.status_code), "refused")
        elif response.get("X-Matrix-CSRF") != "refused":
            self._fail("POST without token", str(response.status_code), "403 from the CSRF check")


# --- The tests -------------------------------------------------------------------------------

ALL_ROUTES = routes()
CHUNKS = 4
METHODS_PER_CELL = {"GET", "POST without token", "POST"}


def _chunk(number: int) -> list[Route]:
    return ALL_ROUTES[number::CHUNKS]


def expected_cells(chosen: list[Route]) -> int:
    """URL x actor x method cells the matrix checks for these routes."""
    per_actor = sum(3 - (route.key in NO_TOKEN_POST) for route in chosen)
    return per_actor * len(ACTORS)


@pytest.fixture
def quiet_request_log():
    """Thousands of refusals are expected here: logging each one (with its traceback) would
    take a third of the matrix's time. Server errors are still reported, as failed cells."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security.csrf")]
    for logger in loggers:
        logger.disabled = True
    yield
    for logger in loggers:
        logger.disabled = False


@pytest.fixture
def world(settings, quiet_request_log):
    settings.CSRF_FAILURE_VIEW = "tests.security.test_access_matrix.csrf_refused"
    # Rate limits are not access: a few hundred requests from one address must all be answered.
    settings.RATE_LIMITS_ENABLED = False
    return access_world.build()


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_every_url_answers_every_actor_as_the_table_says(world, chunk):
    """A quarter of the routes per test, so that xdist shares the matrix between cores."""
    chosen = _chunk(chunk)
    started = time.perf_counter()
    failures, counts = run_cells(world, chosen)
    print(
        f"chunk {chunk}: {len(chosen)} URLs, {sum(counts.values())} cells "
        f"({dict(counts)}) in {time.perf_counter() - started:.1f} s"
    )
    assert not failures, f"{len(failures)} cells differ:\n" + "\n".join(map(str, failures))
    assert sum(counts.values()) == expected_cells(chosen)


def test_every_url_pattern_has_an_entry_in_the_table():
    assert unmatched(ALL_ROUTES, RULES) == []


def test_a_url_without_an_entry_fails_the_suite():
    """The test of the test: a page added next year with no row is reported, not skipped."""

    def new_page(request):
        raise AssertionError("never called")

    extended = URLResolver(
        RegexPattern(r"^/"),
        [*get_resolver().url_patterns, path("brand-new/", new_page, name="brand_new_page")],
    )

    assert "brand_new_page (brand-new/)" in unmatched(routes(extended), RULES)
    # Under /admin/ too: Wagtail's rule covers Wagtail's names, not whatever is mounted there.
    extended.url_patterns.insert(0, path("admin/ours/", new_page, name="our_admin_page"))
    assert "our_admin_page (admin/ours/)" in unmatched(routes(extended), RULES)


def test_the_matrix_reports_a_wrong_answer_and_a_list_naming_the_target(world, monkeypatch):
    """The test of the judge: a refusal the table did not expect, and a list that shows an
    out-of-scope assessor the target (the selector as it was before former members lost it)."""
    chosen = [
        r
        for r in ALL_ROUTES
        if r.key in {"competencies:caseload", "competencies:countersign_requests"}
    ]
    wrong = (Rule(("competencies:caseload",), PUBLIC), *RULES)
    monkeypatch.setattr(
        competencies_selectors,
        "countersign_requests",
        lambda supervisor: Assessment.objects.filter(countersign_requested_from=supervisor),
    )

    failures, _ = run_cells(world, chosen, rules=wrong)

    found = {str(cell) for cell in failures}
    assert "GET competencies:caseload as anonymous: got login (302), expected 405/reached" in found
    assert (
        "GET competencies:countersign_requests as assessor_moved: got a page naming the target, "
        "expected no mention of them"
    ) in found


def test_the_number_of_cells_checked():
    """The figure the issue note reports: URL x actor x method cells (run with -s to see it)."""
    total = expected_cells(ALL_ROUTES)
    print(
        f"Access matrix: {len(ALL_ROUTES)} URL patterns x {len(ACTORS)} actors x "
        f"{len(METHODS_PER_CELL)} methods (GET, POST without a CSRF token, POST with one) "
        f"= {total} cells"
    )
    assert len(ALL_ROUTES) >= 300
    assert total >= 15_000


def test_only_the_listed_views_skip_the_csrf_check():
    exempt = {r.key for r in ALL_ROUTES if getattr(r.callback, "csrf_exempt", False)}
    listed = {r.key for r in ALL_ROUTES if any(fnmatch.fnmatchcase(r.key, k) for k in CSRF_EXEMPT)}
    assert exempt == listed
