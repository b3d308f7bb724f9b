"""The manager's team pages: scoped to their organisations, read-only, fixed query counts."""

import re

import pytest
from django.utils.html import escape

from competencies import services
from tests.factories import MembershipFactory
from tests.oversight.conftest import day
from workforce.models import Role

pytestmark = pytest.mark.django_db

PAGES = ["/team/", "/team/matrix/", "/team/gaps/"]


def _worker_url(worker) -> str:
    return f"/team/workers/{worker.pk}/"


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*PAGES, "/team/workers/1/"])
def test_pages_need_a_sign_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.parametrize("person", ["link_worker", "assessor", "nobody"])
@pytest.mark.parametrize("path", PAGES)
def test_pages_are_for_managers_only(client, request, person, path, demo_curriculum):
    client.force_login(request.getfixturevalue(person))

    assert client.get(path).status_code == 403


def test_assessor_cannot_open_a_worker_through_the_managers_page(client, assessor, link_worker):
    client.force_login(assessor)

    assert client.get(_worker_url(link_worker)).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_another_pcns_workers_never_appear(
    client, manager, link_worker, outside_link_worker, outside_manager, path, demo_curriculum
):
    client.force_login(manager)

    content = client.get(path).content.decode()
    # Not even when the other organisation is asked for by its id.
    guessed = client.get(
        f"{path}?organisation={outside_link_worker.memberships.get().organisation_id}"
    ).content.decode()

    for page in (content, guessed):
        assert escape(outside_link_worker.full_name) not in page
        assert outside_link_worker.email not in page
    if path != "/team/gaps/":  # the gap analysis names competencies, not people
        assert escape(link_worker.full_name) in content


def test_another_pcns_worker_is_a_404_like_a_missing_one(
    client, manager, link_worker, outside_link_worker, demo_curriculum
):
    client.force_login(manager)

    assert client.get(_worker_url(outside_link_worker)).status_code == 404
    assert client.get("/team/workers/999999/").status_code == 404
    assert client.get(_worker_url(manager)).status_code == 404
    assert client.get(_worker_url(link_worker)).status_code == 200


def test_a_former_team_member_is_a_404(client, manager, organisation, demo_curriculum):
    gone = MembershipFactory(organisation=organisation, role=Role.LINK_WORKER, ends_on=day(1)).user
    client.force_login(manager)

    assert client.get(_worker_url(gone)).status_code == 404
    assert escape(gone.full_name) not in client.get("/team/").content.decode()


# --- The team page ----------------------------------------------------------------------------


def test_team_page_shows_progress_figures_and_flags(
    client, manager, link_worker, assess, qualification, framework
):
    assess(link_worker, "SPLW-ROL-01", level=3, days_ago=4)
    client.force_login(manager)

    response = client.get("/team/")

    content = response.content.decode()
    assert response.status_code == 200
    row = re.search(rf'data-worker="{link_worker.pk}".*?</tr>', content, re.S)[0]
    assert escape(link_worker.full_name) in row
    assert "Not certified" in row
    assert "No supervision for two months" in row
    assert "CPD behind pace" in row or "CPD" in content
    assert f'href="/team/workers/{link_worker.pk}/"' in row
    assert 'href="/team/certificates/"' in content  # the qualification register


def test_team_page_searches_filters_and_sorts(
    client, manager, organisation, demo_curriculum, supervise
):
    amy = MembershipFactory(
        organisation=organisation, role=Role.LINK_WORKER, user__full_name="Amy Zephaniah"
    ).user
    zed = MembershipFactory(
        organisation=organisation, role=Role.LINK_WORKER, user__full_name="Zed O'Brien"
    ).user
    supervise(zed, days_ago=3)
    client.force_login(manager)

    searched = client.get("/team/?q=zephaniah").content.decode()
    assert escape(amy.full_name) in searched
    assert escape(zed.full_name) not in searched

    flagged = client.get("/team/?flag=no_supervision").content.decode()
    assert escape(amy.full_name) in flagged
    assert escape(zed.full_name) not in flagged

    by_supervision = client.get("/team/?sort=supervision").content.decode()
    assert by_supervision.index(escape(amy.full_name)) < by_supervision.index(escape(zed.full_name))
    assert 'aria-sort="ascending"' in by_supervision

    nobody = client.get("/team/?q=no-such-person").content.decode()
    assert "No link worker in your team matches your search" in nobody


def test_team_page_paginates_large_teams(client, manager, organisation, demo_curriculum):
    for number in range(27):
        MembershipFactory(
            organisation=organisation,
            role=Role.LINK_WORKER,
            user__full_name=f"Worker {number:02d}",
        )
    client.force_login(manager)

    first = client.get("/team/").content.decode()
    second = client.get("/team/?page=2").content.decode()

    assert "Worker 00" in first
    assert "Worker 25" not in first
    assert "Worker 25" in second
    assert "Worker 26" in second
    assert "Worker 00" not in second
    assert "Showing 1 to 25 of 27 link workers" in first
    assert 'href="?page=2"' in first


def test_team_page_without_a_curriculum_still_lists_the_team(client, manager, link_worker):
    client.force_login(manager)

    content = client.get("/team/").content.decode()

    assert "No curriculum has been published yet" in content
    assert link_worker.email in content


# --- Matrix, gaps, worker ---------------------------------------------------------------------


def test_matrix_shows_each_level_as_a_number_and_a_band(
    client, manager, link_worker, assess, demo_curriculum
):
    assess(link_worker, "SPLW-ROL-01", level=2)
    assess(link_worker, "SPLW-ROL-02", level=3)
    client.force_login(manager)

    content = client.get("/team/matrix/").content.decode()

    # ROL-01 at 2 is one level short: the cell says what it still needs.
    assert (
        '<td class="app-cell app-cell--near" title="Needs a direct observation of practice or a '
        'simulation or role-play at level 3">2<span class="nhsuk-u-visually-hidden">: needs a '
        "direct observation of practice or a simulation or role-play at level 3</span></td>"
    ) in content
    assert '<td class="app-cell app-cell--proficient">3<span aria-hidden="true">✓</span>' in content
    assert 'scope="colgroup"' in content
    assert "SPLW-ROL-01" in content
    assert "Key" in content
    assert "One level below proficiency" in content


def test_matrix_pages_the_people_and_counts_the_whole_team(
    client, manager, organisation, other_organisation, assess, demo_curriculum, monkeypatch
):
    """A page of link workers at a time, by name; the totals at the foot count everyone, and the
    links to the other pages keep the filters."""
    from oversight import selectors

    monkeypatch.setattr(selectors, "MATRIX_PAGE_SIZE", 3)
    MembershipFactory(user=manager, organisation=other_organisation, role=Role.MANAGER)
    workers = [
        MembershipFactory(
            organisation=organisation,
            role=Role.LINK_WORKER,
            user__full_name=f"Worker {number:02d}",
        ).user
        for number in range(5)
    ]
    elsewhere = MembershipFactory(
        organisation=other_organisation, role=Role.LINK_WORKER, user__full_name="Worker 99"
    ).user
    # Proficient in ROL-02: two on the first page, one on the second, one in the other PCN.
    for worker in (workers[0], workers[2], workers[4]):
        assess(worker, "SPLW-ROL-02", level=3)
    there = MembershipFactory(organisation=other_organisation, role=Role.ASSESSOR).user
    assess(elsewhere, "SPLW-ROL-02", level=3, by=there)
    client.force_login(manager)

    first = client.get(f"/team/matrix/?organisation={organisation.pk}").content.decode()
    second = client.get(f"/team/matrix/?organisation={organisation.pk}&page=2").content.decode()

    assert "Worker 00" in first
    assert "Worker 02" in first
    assert "Worker 03" not in first
    assert "Worker 99" not in first
    assert "Worker 03" in second
    assert "Worker 04" in second
    assert "Worker 00" not in second
    assert "Showing 1 to 3 of 5 link workers, by name" in first
    assert "Showing 4 to 5 of 5 link workers, by name" in second
    assert "page 1 of 2: 1 to 3 of 5 link workers" in first
    # The next page keeps the organisation chosen, in a navigation landmark of its own.
    assert 'aria-label="Pages of link workers"' in first
    assert f'href="?organisation={organisation.pk}&amp;page=2"' in first
    assert f'href="?organisation={organisation.pk}&amp;page=1"' in second

    # The foot counts all five of the organisation on either page, not the page's rows.
    rol_02 = _column(first, "SPLW-ROL-02")
    for page in (first, second):
        assert "At proficiency, all 5" in page
        assert _totals(page)[rol_02] == "3"
    # A page number past the end shows the last page.
    assert (
        "Worker 04"
        in client.get(f"/team/matrix/?organisation={organisation.pk}&page=9").content.decode()
    )
    # The gaps page counts the whole team too (both organisations), though it names nobody.
    gaps = client.get("/team/gaps/").content.decode()
    assert "Figures count current levels of 6 link workers" in gaps
    counts = selectors.team_gaps(selectors.team_matrix(manager, demo_curriculum, with_rows=False))
    assert next(gap for gap in counts.competencies if gap.code == "SPLW-ROL-02").proficient == 4


def _column(page: str, code: str) -> int:
    head = re.findall(r'<span class="app-matrix__code">([^<]+)</span>', page)
    return head.index(code)


def _totals(page: str) -> list[str]:
    foot = page[page.index("<tfoot>") : page.index("</tfoot>")]
    return re.findall(r'<td class="app-matrix__total">([^<]*)</td>', foot)


def test_matrix_links_to_its_export_per_organisation(
    client, manager, organisation, link_worker, demo_curriculum
):
    client.force_login(manager)

    content = client.get("/team/matrix/").content.decode()
    export = client.get(f"/reports/progress/{organisation.pk}.csv")

    assert f'href="/reports/progress/{organisation.pk}.csv"' in content
    assert f'href="/reports/progress/{organisation.pk}.xlsx"' in content
    assert export.status_code == 200
    assert link_worker.email in export.content.decode("utf-8-sig")


def test_gap_analysis_has_a_chart_and_a_table(
    client, manager, link_worker, assess, demo_curriculum
):
    assess(link_worker, "SPLW-ROL-01", level=3)
    client.force_login(manager)

    content = client.get("/team/gaps/").content.decode()

    assert content.count('role="img"') == 2
    assert content.count("<svg") == 2
    assert "Competencies with the fewest proficient link workers" in content
    assert "Modules furthest behind" in content
    assert "0 of 1 (0%)" in content  # in the chart's text, not colour alone
    assert "<table" in content


def test_worker_detail_is_read_only_with_the_assessment_history(
    client, manager, link_worker, assess, qualification
):
    first = assess(link_worker, "SPLW-ROL-01", level=1, days_ago=5)
    services.assessment_correct(
        original=first,
        assessor=first.assessor,
        level=3,
        method=first.method,
        assessed_on=first.assessed_on,
        reason="Read the wrong audit.",
    )
    client.force_login(manager)

    content = client.get(_worker_url(link_worker)).content.decode()

    assert "Safe to practise" in content
    assert "Assessment history" in content
    assert "Superseded" in content
    assert "Read the wrong audit." in content
    assert "/record/" not in content  # no recording from here
    assert "/evidence/submit/" not in content
    assert "Requirements of the qualification" in content


# --- Query counts -----------------------------------------------------------------------------


# Sign-in session and user, the role check, the navigation's roles, the curriculum and its
# scale, the filter form's organisations; then the selectors' own fixed counts (the evidence
# rules among them: competencies, the methods, which each names and the method caps).
QUERIES = {"/team/": 23, "/team/matrix/": 19, "/team/gaps/": 19}


@pytest.mark.parametrize("path", PAGES)
def test_pages_take_the_same_queries_for_any_team_size(
    client, manager, grow_team, qualification, path, django_assert_num_queries
):
    client.force_login(manager)
    grow_team(2)
    # What Django and Wagtail cache per process (site, content types), and the first judgement
    # of everyone's levels, kept from then on (tests/oversight/test_selectors.py counts the
    # queries of judging again, the same for any number of workers).
    client.get(path)

    with django_assert_num_queries(QUERIES[path]):
        assert client.get(path).status_code == 200
    grow_team(10)
    client.get(path)  # the ten new workers judged and kept
    with django_assert_num_queries(QUERIES[path]):
        assert client.get(path).status_code == 200
