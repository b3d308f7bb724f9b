"""Sharing in a real browser: the holder makes a status-only share link, a visitor without an
account opens it and sees only the status, the holder revokes it (after the confirmation step)
and the visitor, reloading, is told it is no longer available."""

from playwright.sync_api import expect

from tests.e2e.test_certificates import sign_out
from tests.e2e.test_sign_in import sign_in
from workforce.models import User

AISHA = "aisha.khan@example.org"
LABEL = "For Hillcrest East practice interview"


def test_share_a_certificate_then_revoke_the_link(
    browser, page, visit, follow, assert_accessible, demo_data, live_server, settings
):
    # The address names the site; here that is the live test server.
    settings.SITE_BASE_URL = live_server.url
    name = User.objects.get(email=AISHA).full_name  # in Urdu script

    sign_in(page, visit, follow, AISHA)
    follow(
        page,
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="My certificates"),
    )
    number = page.locator(".nhsuk-summary-list__value").first.inner_text()
    follow(page, page.get_by_role("link", name=f"Make a share link for {number}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Make a share link")
    expect(page.get_by_label(f"Link Worker Practice Certificate (Core) ({number})")).to_be_checked()
    page.get_by_label("Who is it for?").fill(LABEL)
    page.get_by_label("Status only").check()
    expect(page.get_by_label("Days until the link stops working")).to_have_value("30")
    follow(page, page.get_by_role("button", name="Make the link"))
    expect(page.get_by_role("heading", level=1)).to_have_text(LABEL)

    # The holder copies the address.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy the address").click()
    expect(page.get_by_text("Link copied")).to_be_visible()
    address = page.evaluate("navigator.clipboard.readText()")
    expect(page.get_by_label("Address to share")).to_have_value(address)
    assert address.startswith(f"{live_server.url}/shared/")

    # A visitor, in a browser of their own with no account, opens it: the status, nothing more.
    visitor_context = browser.new_context(base_url=live_server.url)
    visitor = visitor_context.new_page()
    try:
        visit(visitor, address)
        expect(visitor.get_by_role("heading", level=1)).to_have_text(name)
        expect(visitor.locator(".app-shared-status")).to_have_text("Valid, renewal due")
        expect(visitor.get_by_text(number, exact=True)).to_be_visible()
        expect(visitor.get_by_role("heading", name="Competencies")).to_have_count(0)
        expect(visitor.get_by_text("SPLW-PCP-01")).to_have_count(0)
        expect(visitor.get_by_text(LABEL)).to_have_count(0)

        # The holder sees the opening, then revokes the link after the confirmation page.
        page.reload()
        expect(page.get_by_text("Opened 1 time.")).to_be_visible()
        follow(page, page.get_by_role("link", name=f"Revoke this link “{LABEL}”"))
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Revoke the share link “{LABEL}”?"
        )
        follow(page, page.get_by_role("button", name="Revoke the link"))
        expect(page.get_by_role("status")).to_contain_text("is revoked: it no longer opens")
        row = page.get_by_role("row", name=LABEL)
        expect(row).to_contain_text("Revoked")
        expect(row.get_by_role("link", name="Revoke")).to_have_count(0)
        sign_out(page, follow)

        # The visitor reloads: no longer available, and nothing about whose it was.
        response = visitor.reload(wait_until="load")
        assert response is not None
        assert response.status == 410
        expect(visitor.get_by_role("heading", level=1)).to_have_text(
            "This link is no longer available"
        )
        expect(visitor.get_by_text(name)).to_have_count(0)
        assert_accessible(visitor)
    finally:
        visitor_context.close()
