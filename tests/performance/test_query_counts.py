"""Every signed-in page whose cost could follow the data takes the same number of queries with
more rows of the kind that grow: more workers, assessments, evidence, certificates.

Each test reads a page once to warm what Django and Wagtail cache per process (the site, content
types), counts its queries, adds rows, and counts again through the real client. Pages guarded
elsewhere: progress (tests/competencies/test_views.py), the team page, matrix and gaps
(tests/oversight/test_views.py), the audit log (tests/oversight/test_audit_page.py), the
sampling page (tests/quality/test_views.py), share links (tests/sharing/test_views.py) and the
register's first page for a growing team (tests/certificates/test_pages.py).
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from certificates.models import BulkIssue, BulkIssueStatus
from competencies.models import Assessment, AssessmentImport, IqaDecision
from competencies.services import evidence_return
from curriculum.selectors import current_version
from quality.services import iqa_sample_record
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.performance.conftest import day, queries
from workforce.models import Role
from workforce.services import role_grant_request


def assert_flat(client, url: str, grow, *, status: int = 200) -> int:
    """The queries of one GET of `url` before and after `grow()`, which must be the same."""
    client.get(url)
    before = queries(client, url, status=status)
    grow()
    after = queries(client, url, status=status)
    assert after == before, f"{url}: {before} queries, then {after} with more rows"
    return before


# --- Link workers -----------------------------------------------------------------------------


def test_evidence_list(client, world):
    worker = world.link_worker
    world.evidence(worker, 1)
    client.force_login(worker)

    def grow():
        for evidence in world.evidence(worker, 4):
            evidence_return(evidence=evidence, reviewer=world.assessor, feedback="Say more.")

    assert_flat(client, reverse("competencies:my_evidence"), grow)


def test_supervision_list(client, world):
    world.sessions(world.link_worker, 1)
    client.force_login(world.link_worker)
    assert_flat(
        client,
        reverse("competencies:supervision"),
        lambda: world.sessions(world.link_worker, 4, confirmed=False),
    )


def test_cpd_list_and_form(client, world):
    worker = world.link_worker
    world.cpd(worker, 1)
    client.force_login(worker)

    def grow():
        for evidence in world.evidence(worker, 3):
            world.cpd(worker, 1, evidence=evidence)

    assert_flat(client, reverse("competencies:cpd"), grow)
    assert_flat(client, reverse("competencies:cpd_add"), grow)


def test_supervision_form_lists_the_assessors(client, world):
    client.force_login(world.link_worker)
    assert_flat(
        client,
        reverse("competencies:supervision_log"),
        lambda: [world.person(Role.ASSESSOR) for _ in range(4)],
    )


def test_competency_history(client, world):
    worker = world.link_worker
    competency = world.competencies[0]
    world.assess(worker, 1)
    client.force_login(worker)

    def grow():
        evidence = world.evidence(worker, 2)
        for _ in range(3):
            world.assess(worker, 1, evidence=evidence)

    assert_flat(client, reverse("competencies:history", args=[worker.pk, competency.pk]), grow)


def test_evidence_detail(client, world):
    worker = world.link_worker
    evidence = world.evidence(worker, 1)[0]
    client.force_login(worker)

    def grow():
        for _ in range(3):
            world.assess(worker, 2, evidence=[evidence])

    assert_flat(client, reverse("competencies:evidence", args=[evidence.pk]), grow)


def test_my_qualifications(client, world, demo_curriculum):
    worker = world.link_worker
    world.assess(worker, 2)
    client.force_login(worker)

    def grow():
        world.assess(worker, 8)
        world.sessions(worker, 3)
        world.cpd(worker, 3)

    assert_flat(client, reverse("certificates:my_qualifications"), grow)


def test_my_certificates(client, world):
    worker = world.link_worker
    world.certificate(worker, is_current=False, days_ago=2000)
    world.certificate(worker)
    client.force_login(worker)

    def grow():
        for years in range(3, 7):
            world.certificate(worker, is_current=False, days_ago=365 * years)
        world.assess(worker, 4)
        world.evidence(worker, 2)

    assert_flat(client, reverse("certificates:my_certificates"), grow)


# --- Assessors --------------------------------------------------------------------------------


def _workers_with_records(world, count: int) -> None:
    for worker in world.workers(count):
        world.assess(worker, 3)
        world.sessions(worker, 1)


def test_caseload(client, world, demo_curriculum):
    _workers_with_records(world, 1)
    client.force_login(world.assessor)
    assert_flat(client, reverse("competencies:caseload"), lambda: _workers_with_records(world, 4))


def test_caseload_worker(client, world, demo_curriculum):
    worker = world.link_worker
    world.assess(worker, 1)
    client.force_login(world.assessor)
    assert_flat(
        client,
        reverse("competencies:worker", args=[worker.pk]),
        lambda: world.assess(worker, 10),
    )


def test_recording_form_lists_the_countersigners(client, world):
    worker = world.link_worker
    url = reverse("competencies:assessment_record", args=[worker.pk, world.competencies[0].pk])
    client.force_login(world.assessor)
    assert_flat(client, url, lambda: [world.person(Role.ASSESSOR) for _ in range(4)])


def _imported(world, worker, count: int) -> None:
    """Assessments entered in the assessor's name by someone else, not yet confirmed (as an
    import saves them)."""
    for index in range(count):
        competency = world.competencies[index]
        Assessment.objects.create(
            worker=worker,
            competency=competency,
            framework_version=current_version(world.framework),
            level=1,
            method=world._method(competency),
            assessed_on=day(1 + index),
            assessor=world.assessor,
            recorded_by=world.manager,
            needs_confirmation=True,
        )


def test_assessments_to_confirm(client, world):
    _imported(world, world.link_worker, 1)
    client.force_login(world.assessor)

    def grow():
        for worker in world.workers(3):
            _imported(world, worker, 2)

    assert_flat(client, reverse("competencies:confirmations"), grow)


def test_review_queue(client, world):
    world.evidence(world.link_worker, 1)
    client.force_login(world.assessor)

    def grow():
        for worker in world.workers(3):
            world.evidence(worker, 2)

    assert_flat(client, reverse("competencies:review_queue"), grow)


def test_countersign_requests(client, world):
    countersigner = world.person(Role.ASSESSOR)
    world.assess(world.link_worker, 1, countersign_requested_from=countersigner)
    client.force_login(countersigner)

    def grow():
        for worker in world.workers(3):
            world.assess(worker, 2, countersign_requested_from=countersigner)

    assert_flat(client, reverse("competencies:countersign_requests"), grow)


def test_sessions_to_confirm(client, world):
    world.sessions(world.link_worker, 1, confirmed=False)
    client.force_login(world.assessor)

    def grow():
        for worker in world.workers(3):
            world.sessions(worker, 2, confirmed=False)

    assert_flat(client, reverse("competencies:sessions_to_confirm"), grow)


def test_award_sign_off_page(client, world, demo_curriculum):
    worker = world.link_worker
    world.assess(worker, 2)
    world.qualification  # noqa: B018 (published before the first read)
    client.force_login(world.assessor)

    def grow():
        world.assess(worker, 10)
        world.sessions(worker, 3)
        world.cpd(worker, 3)
        world.certificate(worker, is_current=False, days_ago=1500)

    assert_flat(client, reverse("certificates:sign_off", args=[worker.pk]), grow)


def test_awards_to_countersign(client, world):
    supervisor = world.person(Role.ASSESSOR)
    world.sign_off(world.link_worker, supervisor=supervisor, countersigned=False)
    client.force_login(supervisor)

    def grow():
        for worker in world.workers(3):
            world.sign_off(worker, supervisor=supervisor, countersigned=False)

    assert_flat(client, reverse("certificates:countersign_list"), grow)


def test_assessments_on_hold(client, world):
    iqa = world.person(Role.IQA)

    def hold(worker):
        for assessment in world.assess(worker, 2):
            iqa_sample_record(
                assessment=assessment,
                quality_assurer=iqa,
                decision=IqaDecision.NOT_AGREED,
                reason="The notes do not show the level.",
            )

    hold(world.link_worker)
    client.force_login(world.assessor)

    def grow():
        for worker in world.workers(3):
            hold(worker)

    assert_flat(client, reverse("quality:holds"), grow)


# --- Managers ---------------------------------------------------------------------------------


def test_team_worker(client, world, demo_curriculum):
    worker = world.link_worker
    world.assess(worker, 1)
    world.qualification  # noqa: B018
    client.force_login(world.manager)

    def grow():
        world.assess(worker, 12)
        world.certificate(worker, is_current=False, days_ago=1500)
        world.certificate(worker)

    assert_flat(client, reverse("oversight:worker", args=[worker.pk]), grow)


def _certified(world, count: int) -> None:
    for worker in world.workers(count):
        world.certificate(worker, is_current=False, days_ago=1500)
        world.certificate(worker)


@pytest.mark.parametrize(
    "url",
    [
        "/team/certificates/?status=valid",
        "/team/certificates/?status=superseded&page=2",
        "/team/certificates/register.csv",
        "/team/certificates/register.xlsx",
    ],
)
def test_certificate_register_filters_and_exports(client, world, url):
    _certified(world, 1)
    client.force_login(world.manager)
    assert_flat(client, url, lambda: _certified(world, 30))


def test_certify_page_candidates(client, world, demo_curriculum):
    """Workers who could be certified, some eligible and signed off: the certify page's lists
    of candidates cost the same for any number of them."""
    world.qualification  # noqa: B018
    world.assess(world.link_worker, 2)
    client.force_login(world.manager)
    supervisor = world.person(Role.ASSESSOR)

    def grow():
        for worker in world.workers(4):
            world.assess(worker, 3)
            world.sign_off(worker, supervisor=supervisor)

    assert_flat(client, reverse("certificates:certify"), grow)


def test_bulk_issue_progress(client, world):
    bulk = BulkIssue.objects.create(
        requested_by=world.manager,
        qualification=world.qualification,
        worker_ids=[],
        status=BulkIssueStatus.FINISHED,
        finished_at=timezone.now(),
    )
    bulk.certificates.add(world.certificate(world.link_worker))
    client.force_login(world.manager)

    def grow():
        for worker in world.workers(4):
            bulk.certificates.add(world.certificate(worker))

    assert_flat(client, reverse("certificates:bulk_progress", args=[bulk.pk]), grow)


def test_supervisors(client, world):
    client.force_login(world.manager)

    def grow():
        supervisor = world.person(Role.ASSESSOR)
        for worker in world.workers(4):
            world.sign_off(worker, supervisor=supervisor, countersigned=False)

    assert_flat(client, reverse("certificates:supervisors"), grow)


def test_quality_coverage(client, world):
    world.assess(world.link_worker, 2)
    client.force_login(world.manager)

    def grow():
        for _ in range(3):
            assessor = world.person(Role.ASSESSOR)
            for worker in world.workers(2):
                world.assess(worker, 2, assessor=assessor)

    assert_flat(client, reverse("quality:coverage"), grow)


def test_role_requests(client, world):
    client.force_login(world.manager)

    def grow():
        for worker in world.workers(4):
            role_grant_request(
                user=worker,
                organisation=world.organisation,
                role=Role.ASSESSOR,
                reason="Trained as a practice educator.",
                actor=world.manager,
            )

    assert_flat(client, reverse("workforce:role_grants"), grow)


# --- Reports and imports ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/reports/", "/reports/assessment-history.csv", "/reports/assessment-history.xlsx"],
)
def test_reports_and_history_export(client, world, url):
    world.assess(world.link_worker, 2)
    client.force_login(world.manager)
    assert_flat(client, url, lambda: _workers_with_records(world, 4))


@pytest.mark.parametrize("suffix", ["/", ".csv", ".xlsx"])
def test_progress_matrix_and_exports(client, world, demo_curriculum, suffix):
    world.assess(world.link_worker, 2)
    client.force_login(world.manager)
    url = f"/reports/progress/{world.organisation.pk}{suffix}"
    assert_flat(client, url, lambda: _workers_with_records(world, 4))


def test_imports_page(client, world):
    client.force_login(world.manager)

    def grow():
        for number in range(12):
            AssessmentImport.objects.create(
                created_by=world.manager, filename=f"file-{number}.csv", data=b"x"
            )

    assert_flat(client, reverse("imports:assessment_import"), grow)


# --- The Wagtail admin's listings -------------------------------------------------------------


@pytest.fixture
def administrator(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.mark.parametrize("url", ["/admin/memberships/", "/admin/organisations/", "/admin/users/"])
def test_admin_listings(client, administrator, url):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation)
    client.force_login(administrator)

    def grow():
        for _ in range(4):
            other = OrganisationFactory()
            for role in (Role.LINK_WORKER, Role.ASSESSOR, Role.MANAGER):
                MembershipFactory(organisation=other, role=role, starts_on=day(10))

    assert_flat(client, url, grow)


# --- Who a manager of many can certify -----------------------------------------------------


@pytest.fixture
def judged(monkeypatch):
    """The workers whose checklists the certify page judged, request by request."""
    from certificates import selectors

    seen: list[set[int]] = []
    checklists_for = selectors.checklists_for

    def spy(worker_ids, qualification, **kwargs):
        seen.append(set(worker_ids))
        return checklists_for(worker_ids, qualification, **kwargs)

    monkeypatch.setattr(selectors, "checklists_for", spy)
    return seen


def test_a_manager_of_many_sees_those_ready_and_chooses_an_organisation_for_the_rest(
    client, world, demo_curriculum, monkeypatch, judged
):
    """Past CANDIDATES_JUDGED_MAX workers the certify page judges only those with a sign-off, and
    everyone's standing once an organisation is chosen; its queries stay flat either way."""
    from certificates import selectors

    monkeypatch.setattr(selectors, "CANDIDATES_JUDGED_MAX", 3)
    world.qualification  # noqa: B018
    supervisor = world.person(Role.ASSESSOR)
    signed = world.workers(1)[0]
    world.sign_off(signed, supervisor=supervisor)
    elsewhere = OrganisationFactory(name="Hillside Test PCN")
    MembershipFactory(user=world.manager, organisation=elsewhere, role=Role.MANAGER)
    others = [world.person(Role.LINK_WORKER, elsewhere) for _ in range(3)]
    client.force_login(world.manager)

    def grow():
        for worker in world.workers(3):
            world.assess(worker, 2)

    assert_flat(client, reverse("certificates:certify"), grow)
    judged.clear()
    page = client.get(reverse("certificates:certify")).content.decode()
    assert judged == [{signed.pk}]  # the one signed off, never the other seven
    assert 'name="organisation"' in page
    assert "You may certify 8 link workers: below are those ready" in page
    assert escape(others[0].full_name) not in page

    judged.clear()
    page = client.get(f"{reverse('certificates:certify')}?organisation={elsewhere.pk}")
    assert judged == [{worker.pk for worker in others}]
    for worker in others:
        assert escape(worker.full_name) in page.content.decode()


def test_a_manager_of_few_sees_everyone_judged_without_choosing(client, world, demo_curriculum):
    world.qualification  # noqa: B018
    world.workers(2)
    client.force_login(world.manager)
    page = client.get(reverse("certificates:certify")).content.decode()
    assert 'name="organisation"' not in page
    assert "Who can be certified" in page


def test_bulk_issue_judges_only_those_chosen(client, world, demo_curriculum, judged):
    world.qualification  # noqa: B018
    chosen, _other = world.workers(2)
    client.force_login(world.manager)
    response = client.post(
        reverse("certificates:bulk_issue", args=[world.qualification.code]),
        {"workers": [chosen.pk]},
    )
    assert response.status_code == 302  # not eligible: back to who can be certified, nothing issued
    assert judged == [{chosen.pk}]


@pytest.mark.parametrize("path", ["/team/", "/team/matrix/", "/team/gaps/"])
def test_a_manager_of_many_chooses_an_organisation_on_the_team_pages(
    client, world, demo_curriculum, monkeypatch, path
):
    """Past TEAM_JUDGED_MAX link workers in all their organisations, a manager of several is
    asked to choose one (or search), and nobody's progress is read until they do."""
    from oversight import selectors

    monkeypatch.setattr(selectors, "TEAM_JUDGED_MAX", 3)
    elsewhere = OrganisationFactory(name="Hillside Test PCN")
    MembershipFactory(user=world.manager, organisation=elsewhere, role=Role.MANAGER)
    there = world.person(Role.LINK_WORKER, elsewhere)
    world.assess(world.link_worker, 2)
    world.workers(2)
    client.force_login(world.manager)

    def grow():
        for worker in world.workers(3):
            world.assess(worker, 2)

    assert_flat(client, path, grow)
    page = client.get(path).content.decode()
    assert "Your organisations have 7 link workers, too many to show at once" in page
    assert escape(world.link_worker.full_name) not in page

    chosen = client.get(f"{path}?organisation={elsewhere.pk}").content.decode()
    assert "too many to show at once" not in chosen
    if path != "/team/gaps/":  # the gaps page counts, it names nobody
        assert escape(there.full_name) in chosen
    searched = client.get(f"{path}?q={world.link_worker.email}").content.decode()
    assert "too many to show at once" not in searched
