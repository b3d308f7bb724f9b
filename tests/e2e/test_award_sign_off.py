"""The award's two signatures in a real browser: an assessor signs off, the worker's named
supervisor countersigns, and a manager issues the certificate, which shows both."""

from playwright.sync_api import Page, expect

from tests.certificates.conftest import (  # noqa: F401 - fixtures, used by name
    assess,
    core_codes,
    eligible_records,
    methods,
    named_supervisor,
    qualification,
    second_assessor,
)
from tests.e2e.test_assessments import path_of
from tests.e2e.test_certificates import sign_out
from tests.e2e.test_sign_in import sign_in
from workforce.models import Membership, Role

PASSWORD = "test-password"  # tests/factories.py's UserFactory


def test_signed_off_countersigned_then_issued(
    page: Page, visit, follow, live_server, settings, manager, assessor, request
):
    settings.SITE_BASE_URL = live_server.url
    # An eligible worker with a named supervisor, built here (tests/certificates/conftest.py).
    worker = request.getfixturevalue("eligible_records")
    supervisor = request.getfixturevalue("named_supervisor")
    Membership.objects.filter(user=worker, role=Role.LINK_WORKER).update(supervisor=supervisor)

    # The assessor signs the award off from the worker's record, after the confirmation step.
    sign_in(page, visit, follow, assessor.email, PASSWORD)
    visit(page, "/caseload/")
    follow(page, page.get_by_role("link", name=worker.full_name, exact=True))
    follow(page, page.get_by_role("link", name=f"Sign off an award for {worker.full_name}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign off an award")
    follow(page, page.get_by_role("button", name="Sign off the award"))
    expect(page.get_by_text("Tick the box to confirm").first).to_be_visible()
    page.get_by_label("I have reviewed").check()
    follow(page, page.get_by_role("button", name="Sign off the award"))
    expect(page.get_by_role("status")).to_contain_text(f"You signed off {worker.full_name}")
    expect(page.get_by_text("Waiting for the named supervisor’s countersignature")).to_be_visible()
    sign_out(page, follow)

    # The manager cannot issue yet, and is told why.
    sign_in(page, visit, follow, manager.email, PASSWORD)
    issue_url = f"/team/certificates/issue/LWPC-CORE/{worker.pk}/"
    visit(page, issue_url)
    expect(page.get_by_text("Waiting for the named supervisor’s countersignature")).to_be_visible()
    expect(page.get_by_role("button", name="Issue the certificate")).to_have_count(0)
    sign_out(page, follow)

    # The named supervisor countersigns from their list, after the confirmation step.
    sign_in(page, visit, follow, supervisor.email, PASSWORD)
    visit(page, "/caseload/")
    follow(page, page.get_by_role("link", name="Awards to countersign as named supervisor"))
    follow(
        page,
        page.get_by_role("link", name=f"Countersign the award of {worker.full_name}"),
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Countersign the award of {worker.full_name}"
    )
    page.get_by_label("I countersign").check()
    follow(page, page.get_by_role("button", name="Countersign the award"))
    expect(page.get_by_role("status")).to_contain_text("A manager may now issue the certificate")
    expect(page.get_by_text("No award is waiting for your countersignature")).to_be_visible()
    sign_out(page, follow)

    # The manager issues it and sees both signatures on it, as the public does.
    sign_in(page, visit, follow, manager.email, PASSWORD)
    visit(page, issue_url)
    follow(page, page.get_by_role("button", name="Issue the certificate"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("Certificate LWPC-CORE-")
    signed = page.locator(".nhsuk-summary-list__row", has_text="Signed off by")
    expect(signed).to_contain_text(assessor.full_name)
    countersigned = page.locator(".nhsuk-summary-list__row", has_text="Countersigned by")
    expect(countersigned).to_contain_text(f"{supervisor.full_name}, named supervisor")
    follow(page, page.get_by_role("link", name=f"{live_server.url}/verify/"))
    assert path_of(page).startswith("/verify/")
    expect(page.locator(".app-verification-status")).to_have_text("Valid")
    expect(page.locator(".nhsuk-summary-list__row", has_text="Countersigned by")).to_contain_text(
        f"{supervisor.full_name}, named supervisor"
    )
