"""Signing in and out in a real browser, as each demo person; axe runs on every page of ours."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from workforce.demo import demo_otp_code
from workforce.models import User
from workforce.two_factor import needs_second_factor

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "demo-password"  # the published demo password
SIGN_IN_URL = "/accounts/login/"
SECOND_FACTOR_URL = "/accounts/two-factor/"


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def sign_in(page: Page, visit, follow, email: str, password: str = PASSWORD, **follow_options):
    """Open the sign-in page (checked with axe), fill it in by label and press "Sign in".

    People with admin access then give the security code their authenticator app would show:
    the demo's key is published (workforce/demo.py), so the test works it out as the README's
    `manage.py demo_otp_code` does.
    """
    visit(page, SIGN_IN_URL)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    sign_in_button = page.get_by_role("button", name="Sign in", exact=True)
    if password != PASSWORD or not needs_second_factor(User.objects.get(email=email)):
        return follow(page, sign_in_button, **follow_options)
    follow(page, sign_in_button)  # our security code page, checked with axe
    assert path_of(page) == SECOND_FACTOR_URL
    page.get_by_label("Security code").fill(demo_otp_code(email))
    return follow(page, page.get_by_role("button", name="Continue", exact=True), **follow_options)


def test_home_page_renders(page, visit):
    visit(page, "/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Link Worker Academy")
    expect(page).to_have_title(
        "Training and qualifications for social prescribing link workers – Link Worker Academy"
    )
    expect(account_nav(page).get_by_role("link", name="Sign in")).to_be_visible()


@pytest.mark.parametrize(
    ("email", "landing", "heading"),
    [
        pytest.param("trainer@example.org", "/admin/", None, id="trainer"),
        pytest.param("reviewer@example.org", "/admin/", None, id="reviewer"),
        pytest.param("assessor@example.org", "/caseload/", "My caseload", id="assessor"),
        pytest.param("linkworker@example.org", "/progress/", "My progress", id="link-worker"),
        pytest.param("manager@example.org", "/team/", "My team", id="manager"),
    ],
)
def test_each_demo_person_signs_in_to_their_page(
    page, visit, follow, demo_data, email, landing, heading
):
    in_wagtail_admin = heading is None
    # Wagtail's admin is not ours to fix, so axe checks only our own landing pages.
    response = sign_in(page, visit, follow, email, accessible=not in_wagtail_admin)

    assert response is not None
    assert response.status == 200
    assert path_of(page) == landing
    if in_wagtail_admin:
        # The Wagtail dashboard: its own layout, with the signed-in person's account menu.
        expect(page.locator("#main")).to_be_visible()
        expect(page).to_have_title(re.compile("Dashboard"))
    else:
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(account_nav(page).get_by_role("button", name="Sign out")).to_be_visible()


def test_wrong_password_shows_a_clear_error_and_stays_on_the_sign_in_page(
    page, visit, follow, demo_data
):
    response = sign_in(page, visit, follow, "linkworker@example.org", "not-the-password")

    assert response is not None
    assert response.status == 200
    assert path_of(page) == SIGN_IN_URL
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("The email address or password is not right")
    # NHS.UK frontend moves focus to the summary so screen reader users hear it at once.
    expect(summary).to_be_focused()
    # Still signed out, and the email address is kept for the next try.
    expect(account_nav(page).get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value("linkworker@example.org")


def test_sign_out_from_the_header_returns_to_the_public_site(page, visit, follow, demo_data):
    sign_in(page, visit, follow, "linkworker@example.org")
    assert path_of(page) == "/progress/"

    follow(page, account_nav(page).get_by_role("button", name="Sign out"))

    assert path_of(page) == "/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Link Worker Academy")
    expect(account_nav(page).get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    # Really signed out: a private page now asks to sign in.
    visit(page, "/progress/")
    assert path_of(page) == SIGN_IN_URL


def test_link_worker_gets_the_styled_403_page_for_the_team_page(page, visit, follow, demo_data):
    sign_in(page, visit, follow, "linkworker@example.org")

    visit(page, "/team/", status=403)

    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
    expect(page).to_have_title(re.compile(r"^You cannot see this page"))
    expect(page.get_by_role("link", name="Go to your home page")).to_be_visible()


def account_nav(page: Page):
    return page.get_by_role("navigation", name="Account")
