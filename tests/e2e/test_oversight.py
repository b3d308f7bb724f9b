"""The manager's oversight pages in a real browser, told as the demo's Riverside North team.

The demo story: Kwame is ready to be certified, Aisha's certificate is due for renewal (issued by
certificates.demo) and Siân has had no supervision confirmed for two months. Axe runs on every
page (the matrix included), at desktop width and at 375 px.
"""

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
