"""Certificates in a real browser: issue, download, verify from the QR code, revoke; bulk issue;
and the manager's flags updating once the eligible worker is certified."""

import io
import zipfile

import pypdfium2
import zxingcpp
from playwright.sync_api import Page, expect

from tests.e2e.test_assessments import path_of
from tests.e2e.test_oversight import KWAME, team_row
from tests.e2e.test_sign_in import sign_in

MANAGER = "manager@example.org"
REASON = "Issued before the second direct observation was confirmed."


def qr_url(pdf: bytes) -> str:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil()
    (found,) = zxingcpp.read_barcodes(image)
    return found.text


def sign_out(page: Page, follow) -> None:
    follow(page, page.get_by_role("button", name="Sign out"))


def issue_to_kwame(page: Page, follow) -> str:
    """From the page of who can be certified, issue Kwame's certificate; return its number."""
    row = page.get_by_role("row", name=KWAME)
    follow(page, row.get_by_role("link", name=f"Issue a certificate to {KWAME}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Issue a certificate to {KWAME}")
    follow(page, page.get_by_role("button", name="Issue the certificate"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("Certificate LWPC-CORE-")
    expect(page.get_by_role("status")).to_contain_text("issued to Kwame Mensah")
    return heading.removeprefix("Certificate ")


def test_issue_download_verify_from_the_qr_code_and_revoke(
    page, visit, follow, demo_data, live_server, settings
):
    # The QR code holds the site's public address; here that is the live test server.
    settings.SITE_BASE_URL = live_server.url

    sign_in(page, visit, follow, MANAGER)
    menu = page.get_by_role("navigation", name="Menu")
    follow(page, menu.get_by_role("link", name="Certify link workers"))
    number = issue_to_kwame(page, follow)
    sign_out(page, follow)

    # Kwame downloads the PDF from his certificates page.
    sign_in(page, visit, follow, "kwame.mensah@example.org")
    follow(
        page,
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="My certificates"),
    )
    expect(page.get_by_text(number, exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download the PDF of {number}").click()
    pdf = (download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert download.value.suggested_filename == f"{number}.pdf"
    verification_url = qr_url(pdf)
    assert verification_url.startswith(f"{live_server.url}/verify/")

    # The link to share is the same URL, and the copy button puts it on the clipboard.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    expect(page.get_by_label("Verification link to share")).to_have_value(verification_url)
    page.get_by_role("button", name="Copy the link").click()
    expect(page.get_by_text("Link copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == verification_url
    sign_out(page, follow)

    # Anyone, signed out, opens the QR code's URL.
    visit(page, verification_url)
    expect(page.locator(".app-verification-status")).to_have_text("Valid")
    expect(page.get_by_text(KWAME)).to_be_visible()

    # The manager revokes it, after the confirmation step.
    sign_in(page, visit, follow, MANAGER)
    visit(page, f"/team/certificates/{number}/")
    follow(page, page.get_by_role("link", name="Revoke"))
    page.get_by_label("Issued in error").check()
    page.get_by_label("What happened").fill(REASON)
    follow(page, page.get_by_role("button", name="Revoke the certificate"))
    expect(page.get_by_text("Tick the box to confirm").first).to_be_visible()
    expect(page.get_by_label("Issued in error")).to_be_checked()
    expect(page.get_by_label("What happened")).to_have_value(REASON)
    page.get_by_label("I understand").check()
    follow(page, page.get_by_role("button", name="Revoke the certificate"))
    expect(page.get_by_role("status")).to_contain_text(f"Certificate {number} is revoked")
    expect(page.get_by_text(REASON)).to_be_visible()  # the managers see what happened
    sign_out(page, follow)

    # The public sees the reason from the list, never the manager's account.
    visit(page, verification_url)
    expect(page.locator(".app-verification-status")).to_have_text("Revoked")
    expect(page.get_by_text("Reason: Issued in error")).to_be_visible()
    expect(page.get_by_text(REASON)).to_have_count(0)


def test_the_flags_update_when_the_eligible_worker_is_certified(page, visit, follow, demo_data):
    sign_in(page, visit, follow, MANAGER)
    expect(team_row(page, KWAME)).to_contain_text("Eligible to be certified")

    follow(page, page.get_by_role("link", name="Open the qualification register"))
    assert path_of(page) == "/team/certificates/"
    follow(page, page.get_by_role("link", name="See who can be certified now"))
    assert path_of(page) == "/team/certify/"
    issue_to_kwame(page, follow)

    follow(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="My team"))
    expect(team_row(page, KWAME)).not_to_contain_text("Eligible to be certified")
    expect(team_row(page, KWAME)).to_contain_text("Valid")


def test_bulk_issue_shows_progress_and_downloads_a_zip(page, visit, follow, demo_data):
    sign_in(page, visit, follow, MANAGER)
    visit(page, "/team/certify/")

    page.get_by_role("checkbox", name=KWAME).check()
    follow(page, page.get_by_role("button", name="Continue with those chosen"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Issue 1 certificate")
    expect(page.get_by_role("listitem").filter(has_text=KWAME)).to_be_visible()
    follow(page, page.get_by_role("button", name="Issue 1 certificate"))

    assert path_of(page).startswith("/team/certificates/bulk/")
    expect(page.get_by_text("Finished: 1 issued, of 1.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download all 1 PDFs (zip)").click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    (name,) = archive.namelist()
    assert name.startswith("LWPC-CORE-")
    assert archive.read(name).startswith(b"%PDF")


def test_verification_by_number_and_pdf_upload_on_a_phone(page, visit, follow, demo_data):
    page.set_viewport_size({"width": 375, "height": 740})
    visit(page, "/verify/")

    page.get_by_label("Certificate number").fill("LWPC-CORE-0000-NOSUCH")
    page.get_by_label("Holder’s surname").fill("Khan")
    follow(page, page.get_by_role("button", name="Check the certificate"))
    expect(page.get_by_text("No certificate matches that number and surname").first).to_be_visible()

    page.get_by_label("Certificate PDF").set_input_files(
        files=[{"name": "fake.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 fake"}]
    )
    follow(page, page.get_by_role("button", name="Check the file"))
    expect(page.get_by_text("This file is not a genuine certificate")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
