"""The manager's oversight pages in a real browser, told as the demo's Riverside North team.

The demo story: Kwame is ready to be certified, Aisha's certificate is due for renewal (issued by
certificates.demo) and Siân has had no supervision confirmed for two months. Axe runs on every
page (the matrix included), at desktop width and at 375 px.
"""

import re

from django.utils.html import escape
from playwright.sync_api import Locator, Page, expect

from tests.e2e.test_assessments import PHONE, fits_the_screen, path_of
from tests.e2e.test_sign_in import sign_in

MANAGER = "manager@example.org"
KWAME = "Kwame Mensah"
AISHA = "عائشہ خان"
SIAN = "Siân Ŵyn Pritchard"
EAST_WORKER = "Nguyễn Thị Hương"


def team_row(page: Page, name: str) -> Locator:
    table = page.get_by_role("region", name="Link workers in my team")
    return table.locator("tbody tr", has=page.get_by_role("link", name=name, exact=True))


def subnav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Team pages")


def test_manager_sees_the_flags_then_the_matrix_and_the_gaps(page, visit, follow, demo_data):
    sign_in(page, visit, follow, MANAGER)
    assert path_of(page) == "/team/"
    expect(page.get_by_role("heading", level=1)).to_have_text("My team")

    # The flags of the demo's story, each in words.
    expect(team_row(page, KWAME)).to_contain_text("Eligible to be certified")
    expect(team_row(page, AISHA)).to_contain_text("Certificate renewal due")
    expect(team_row(page, SIAN)).to_contain_text("No supervision for two months")
    expect(team_row(page, KWAME)).not_to_contain_text("No supervision for two months")
    # Only the manager's own PCN.
    expect(page.get_by_text(EAST_WORKER)).to_have_count(0)
    # The register's counts, with the way to it.
    register = page.locator(".app-register-counts")
    expect(register.locator('[data-status="renewal_due"]')).not_to_have_text("0")
    expect(page.get_by_role("link", name="Open the qualification register")).to_be_visible()

    # The competency matrix: sticky headers, a number in every assessed cell.
    follow(page, subnav(page).get_by_role("link", name="Competency matrix"))
    assert path_of(page) == "/team/matrix/"
    matrix = page.get_by_role("region", name="Current level by link worker and competency")
    expect(matrix).to_be_visible()
    expect(matrix.locator("tbody tr")).to_have_count(4)
    header = matrix.locator("thead th.app-matrix__competency").first
    assert header.evaluate("cell => getComputedStyle(cell).position") == "sticky"
    name_cell = matrix.locator("tbody th").first
    assert name_cell.evaluate("cell => getComputedStyle(cell).position") == "sticky"
    kwame = matrix.locator("tbody tr", has=page.get_by_role("link", name=KWAME))
    expect(kwame.locator("td.app-cell--proficient").first).to_contain_text("3")
    # The edition-2 competencies have their columns, SAF-04 marked core.
    codes = matrix.locator("thead th.app-matrix__competency")
    expect(codes).to_have_count(31)
    expect(codes.filter(has_text="SPLW-OUT-05")).to_have_count(1)
    core = matrix.locator("th.app-matrix__competency--core")
    expect(core.filter(has_text="SPLW-SAF-04")).to_have_count(1)

    # The gap analysis: two charts, each with its table.
    follow(page, subnav(page).get_by_role("link", name="Gap analysis"))
    assert path_of(page) == "/team/gaps/"
    expect(page.get_by_role("img", name="Bar chart of the competencies")).to_be_visible()
    expect(page.get_by_role("img", name="Bar chart of each module")).to_be_visible()
    expect(
        page.get_by_role("region", name="Modules furthest behind, as a table").locator("tbody tr")
    ).not_to_have_count(0)

    # Back to the team, and into one worker's read-only record.
    follow(page, subnav(page).get_by_role("link", name="Team overview"))
    follow(page, team_row(page, KWAME).get_by_role("link", name=KWAME))
    expect(page.get_by_role("heading", level=1)).to_have_text(KWAME)
    expect(page.get_by_role("heading", name="Assessment history")).to_be_visible()
    expect(page.get_by_role("link", name="Record", exact=True)).to_have_count(0)


def test_team_pages_work_by_keyboard_and_on_a_phone(page, visit, follow, demo_data):
    sign_in(page, visit, follow, MANAGER)

    # Search by keyboard alone: tab to the search box, type, press Enter.
    search = page.get_by_label("Name or email")
    search.focus()
    page.keyboard.type("mensah")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(team_row(page, KWAME)).to_have_count(1)
    expect(page.get_by_role("link", name=SIAN, exact=True)).to_have_count(0)

    page.set_viewport_size(PHONE)
    for url in ("/team/", "/team/matrix/", "/team/gaps/"):
        visit(page, url)
        assert fits_the_screen(page), f"{url} is wider than a phone"
    # The matrix scrolls inside its own box, which a keyboard can reach.
    matrix = page.get_by_role("region", name="Current level by link worker and competency")
    visit(page, "/team/matrix/")
    matrix.focus()
    expect(matrix).to_be_focused()


def test_a_manager_cannot_open_another_pcns_worker(page, visit, follow, demo_data):
    from workforce.models import User

    east_worker = User.objects.get(email="east.linkworker@example.org")
    sign_in(page, visit, follow, MANAGER)

    visit(page, f"/team/workers/{east_worker.pk}/", status=404)
    expect(page.get_by_text(escape(EAST_WORKER))).to_have_count(0)


def test_the_matrix_pages_a_large_team_by_keyboard(page, visit, follow, demo_data):
    """30 link workers: the matrix shows 25 at a time, by name, with the whole team's totals at
    the foot; the next page is a link in its own navigation landmark, reached by keyboard, and
    keeps the search."""
    from tests.factories import MembershipFactory
    from workforce.models import Organisation, Role

    riverside = Organisation.objects.get(name="Riverside North PCN")
    for number in range(26):
        MembershipFactory(
            organisation=riverside,
            role=Role.LINK_WORKER,
            user__full_name=f"Zed Paging {number:02d}",
            user__email=f"zed.paging.{number:02d}@example.org",
        )
    sign_in(page, visit, follow, MANAGER)
    visit(page, "/team/matrix/")

    matrix = page.get_by_role("region", name="Current level by link worker and competency")
    expect(matrix.locator("tbody tr")).to_have_count(25)
    expect(page.get_by_role("status").filter(has_text="Showing 1 to 25 of 30")).to_be_visible()
    expect(matrix.locator("tfoot th")).to_have_text("At proficiency, all 30")
    pages = page.get_by_role("navigation", name="Pages of link workers")
    next_link = pages.get_by_role("link", name=re.compile(r"^Next\W+Page 2 of 2$"))
    expect(next_link).to_be_visible()

    # By keyboard: focus the link, press Enter.
    next_link.focus()
    expect(next_link).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert path_of(page) == "/team/matrix/"
    expect(matrix.locator("tbody tr")).to_have_count(5)
    expect(page.get_by_text("Zed Paging 25")).to_be_visible()
    expect(page.get_by_role("link", name=KWAME)).to_have_count(0)
    expect(pages.get_by_role("link", name=re.compile(r"^Previous\W+Page 1 of 2$"))).to_be_visible()

    # A search narrows the team, and the next page keeps it.
    search = page.get_by_label("Name or email")
    search.fill("zed.paging")
    with page.expect_navigation():
        search.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Showing 1 to 25 of 26")).to_be_visible()
    follow(page, pages.get_by_role("link", name=re.compile(r"^Next\W+Page 2 of 2$")))
    assert "q=zed.paging" in page.url
    expect(matrix.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_text("Zed Paging 25")).to_be_visible()

    page.set_viewport_size(PHONE)
    visit(page, "/team/matrix/?page=2")
    assert fits_the_screen(page), "the matrix's second page is wider than a phone"
    expect(pages).to_be_visible()
