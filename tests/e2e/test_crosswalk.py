"""The public crosswalk in a real browser: from the curriculum to the table, on a desktop and a
phone, and from the table to a competency page with its level-4 descriptor and references. Axe
runs on each page (the `visit` and `follow` fixtures)."""

from playwright.sync_api import expect

from tests.e2e.test_assessments import PHONE, fits_the_screen, path_of

CURRICULUM_URL = "/curriculum/"
CROSSWALK_URL = "/curriculum/crosswalk/"


def test_the_public_follows_the_curriculum_to_the_crosswalk_and_a_competency(
    page, visit, follow, demo_data
):
    visit(page, CURRICULUM_URL)
    expect(page.get_by_text("It is not a regulated qualification")).to_be_visible()

    follow(page, page.get_by_role("link", name="crosswalk to the national frameworks"))
    assert path_of(page) == CROSSWALK_URL
    table = page.get_by_role("table", name="Competencies and the national framework references")
    expect(table.get_by_role("row")).to_have_count(32)  # a header and 31 competencies
    row = table.get_by_role("row", name="SPLW-COM-01")
    expect(row).to_contain_text("K9")
    expect(page.get_by_role("link", name="Download this table (CSV)")).to_be_visible()

    # On a phone each cell carries its heading and nothing scrolls sideways.
    page.set_viewport_size(PHONE)
    visit(page, CROSSWALK_URL)
    assert fits_the_screen(page), "the crosswalk scrolls sideways on a phone"
    expect(row.get_by_text("Senior route", exact=False).first).to_be_visible()

    follow(page, row.get_by_role("link", name="SPLW-COM-01"))
    assert path_of(page) == "/curriculum/competencies/SPLW-COM-01/"
    expect(page.get_by_role("heading", name="At level 4, Advanced")).to_be_visible()
    expect(page.get_by_role("heading", name="In the national frameworks")).to_be_visible()
    expect(page.locator("[data-national-references]")).to_contain_text("K9")
