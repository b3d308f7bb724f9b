"""A link worker sees their progress towards each qualification as a checklist, under the
published rules only: a trainer's change waits for a curriculum reviewer."""

from playwright.sync_api import expect

from certificates.models import Qualification
from tests.e2e.test_curriculum import AdminBrowser
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


def test_a_trainers_relaxed_rules_apply_to_nobody_until_a_reviewer_approves_them(
    page, browser, live_server, visit, follow, demo_data
):
    """The hole closed: a trainer sets the core level to 1 and submits it; link workers' checklists
    keep the published rule until a curriculum reviewer approves and publishes the change."""
    qualification = Qualification.objects.get(code="LWPC-CORE")
    edit_url = f"/admin/snippets/certificates/qualification/edit/{qualification.pk}/"
    admin = AdminBrowser(browser, live_server.url)
    try:
        sign_in(page, visit, follow, "linkworker@example.org")
        visit(page, "/progress/qualifications/")
        expect(page.get_by_text("Core competencies at level 3 or above").first).to_be_visible()

        trainer = admin.new_page()
        sign_in(trainer, visit, follow, "trainer@example.org", accessible=False)
        visit(trainer, edit_url, accessible=False)
        trainer.get_by_label("Every core competency at level").fill("1")
        expect(trainer.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
        trainer.get_by_role("button", name="More actions").click()
        follow(
            trainer,
            trainer.get_by_role("button", name="Submit to Curriculum review", exact=True),
            accessible=False,
        )
        expect(trainer.locator(".messages li.success")).to_contain_text("submitted")

        # In review, the published rule still applies.
        visit(page, "/progress/qualifications/")
        expect(page.get_by_text("Core competencies at level 3 or above").first).to_be_visible()
        expect(page.get_by_text("Core competencies at level 1 or above")).to_have_count(0)
        assert Qualification.objects.get(pk=qualification.pk).all_core_at_level == 3

        reviewer = admin.new_page()
        sign_in(reviewer, visit, follow, "reviewer@example.org", accessible=False)
        visit(reviewer, edit_url, accessible=False)
        expect(reviewer.get_by_label("Every core competency at level")).to_have_value("1")
        reviewer.get_by_role("button", name="More actions").click()
        follow(
            reviewer,
            reviewer.get_by_role("button", name="Approve and Publish", exact=True),
            accessible=False,
        )

        visit(page, "/progress/qualifications/")
        expect(page.get_by_text("Core competencies at level 1 or above").first).to_be_visible()
        published = Qualification.objects.get(pk=qualification.pk)
        assert published.all_core_at_level == 1
        assert published.live_revision == published.latest_revision
        admin.assert_no_problems()
    finally:
        admin.close()
