"""A stored certificate PDF downloaded in a real browser: the certificates page's link, the
permission-checked view's redirect and the short-lived signed link it leads to; an expired link
says to download again."""

from playwright.sync_api import Page, expect

from certificates.links import pdf_link
from certificates.models import Certificate
from tests.e2e.test_sign_in import sign_in

HOLDER = "aisha.khan@example.org"  # the demo's holder of a current certificate


def _current(email: str) -> Certificate:
    return next(
        certificate
        for certificate in Certificate.objects.filter(holder__email=email).order_by("-pk")
        if certificate.is_current
    )


def test_the_holder_downloads_the_stored_pdf_through_its_signed_link(
    page: Page, visit, follow, demo_data
):
    certificate = _current(HOLDER)
    sign_in(page, visit, follow, HOLDER)
    follow(
        page,
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="My certificates"),
    )

    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download the PDF of {certificate.number}").click()

    assert download.value.url.split("/")[3] == "signed-download"
    assert download.value.suggested_filename == f"{certificate.number}.pdf"
    assert download.value.path().read_bytes() == certificate.pdf.read()


def test_an_expired_link_says_to_go_back_and_download_again(page: Page, demo_data):
    expired = pdf_link(_current(HOLDER), seconds=-1)

    response = page.goto(expired)

    assert response.status == 403
    expect(page.locator("body")).to_contain_text("expired")
    expect(page.locator("body")).to_contain_text("download again")
