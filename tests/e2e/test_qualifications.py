"""A link worker sees their progress towards each qualification as a checklist."""

from playwright.sync_api import expect

from tests.e2e.test_sign_in import sign_in


def test_eligible_and_unfinished_workers_see_their_checklists(page, visit, follow, demo_data):
    sign_in(page, visit, follow, "kwame.mensah@example.org")
    follow(page, page.get_by_role("link", name="Progress towards qualifications"))

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("You are ready to be certified")).to_be_visible()
    expect(page.get_by_text("Not yet", exact=True)).to_have_count(0)

    follow(page, page.get_by_role("button", name="Sign out"))
    sign_in(page, visit, follow, "linkworker@example.org")
    visit(page, "/progress/qualifications/")

    expect(page.get_by_text("You are ready to be certified")).to_have_count(0)
    expect(page.get_by_text("Not yet", exact=True).first).to_be_visible()
