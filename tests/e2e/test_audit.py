"""The manager's audit log in a real browser: opened from the team page, filtered, read."""

from playwright.sync_api import expect

from tests.e2e.test_assessments import path_of
from tests.e2e.test_oversight import EAST_WORKER, KWAME, MANAGER, subnav
from tests.e2e.test_sign_in import sign_in


def test_manager_filters_the_audit_log_by_action_and_person(page, visit, follow, demo_data):
    sign_in(page, visit, follow, MANAGER)
    assert path_of(page) == "/team/"

    follow(page, subnav(page).get_by_role("link", name="Audit log"))
    assert path_of(page) == "/team/audit/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    entries = page.get_by_role("region", name="Audit log entries")
    # Newest first: the manager's own sign-in a moment ago.
    expect(entries.locator("tbody tr").first).to_contain_text("Sign in")

    page.get_by_label("Action").select_option(label="Record assessment")
    page.get_by_label("Person").select_option(label=KWAME)
    follow(page, page.get_by_role("button", name="Apply"))

    assert "action=competencies.assessment.record" in page.url
    rows = entries.locator("tbody tr")
    expect(rows).not_to_have_count(0)
    expect(rows.first).to_contain_text("Record assessment")
    expect(rows.first).to_contain_text(f"for {KWAME}")
    expect(entries).not_to_contain_text("Sign in")
    expect(entries).not_to_contain_text(EAST_WORKER)
    expect(page.get_by_label("Action")).to_have_value("competencies.assessment.record")
