"""Manager and link worker certificate pages, bulk issue, reminders and the demo certificates."""

import csv
import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import ModelLogEntry

from certificates import services
from certificates.models import (
    BulkIssue,
    BulkIssueStatus,
    Certificate,
    CertificateReminder,
    CertificateStatus,
    RevocationReason,
)
from tests.factories import MembershipFactory
from tests.kept import rewriting_kept_records
from workforce.models import Membership, Role
from workforce.services import membership_end

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(manager, eligible_worker, qualification) -> Certificate:
    return services.certificate_issue(
        actor=manager, worker=eligible_worker, qualification=qualification
    )


def test_the_certify_page_lists_eligible_workers_with_an_issue_link(
    client, manager, eligible_worker, qualification
):
    client.force_login(manager)

    html = client.get("/team/certify/").content.decode()

    assert escape(eligible_worker.full_name) in html
    assert f"/team/certificates/issue/LWPC-CORE/{eligible_worker.pk}/" in html
    assert ">Eligible</strong>" in html


def test_issuing_from_the_confirmation_page(client, manager, eligible_worker, qualification):
    client.force_login(manager)
    url = f"/team/certificates/issue/LWPC-CORE/{eligible_worker.pk}/"

    confirm = client.get(url)
    response = client.post(url)

    assert "Issue the certificate" in confirm.content.decode()
    certificate = Certificate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/team/certificates/{certificate.number}/"
    page = client.get(response["Location"]).content.decode()
    assert f"Certificate {certificate.number} issued to" in page


def test_an_ineligible_worker_cannot_be_issued_from_the_page(
    client, manager, link_worker, qualification
):
    client.force_login(manager)

    response = client.post(f"/team/certificates/issue/LWPC-CORE/{link_worker.pk}/")

    assert response.status_code == 400
    summary = response.context["form"].non_field_errors()
    assert len(summary) == 1
    assert "is not yet eligible" in summary[0]
    content = response.content.decode()
    assert "The certificate was not issued" in content
    assert "<title>Error: " in content
    assert not Certificate.objects.exists()


def test_managers_elsewhere_see_nothing_of_the_worker_or_certificate(
    client, outside_manager, eligible_worker, certificate
):
    client.force_login(outside_manager)

    register = client.get("/team/certificates/").content.decode()
    certify = client.get("/team/certify/").content.decode()

    assert escape(eligible_worker.full_name) not in register + certify
    assert certificate.number not in register
    for path in (
        f"/team/certificates/issue/LWPC-CORE/{eligible_worker.pk}/",
        f"/team/certificates/{certificate.number}/",
        f"/team/certificates/{certificate.number}/pdf/",
        f"/team/certificates/{certificate.number}/revoke/",
        f"/team/certificates/{certificate.number}/renew/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/team/certificates/{certificate.number}/revoke/").status_code == 404


def test_link_workers_and_assessors_cannot_open_the_register(client, link_worker, assessor):
    for person in (link_worker, assessor):
        client.force_login(person)
        assert client.get("/team/certificates/").status_code == 403
        assert client.get("/team/certify/").status_code == 403


def test_revoking_needs_the_confirmation_box_and_a_reason(client, manager, certificate):
    client.force_login(manager)
    url = f"/team/certificates/{certificate.number}/revoke/"
    filled = {"reason": "issued_in_error", "details": "Wrong person."}

    unconfirmed = client.post(url, filled)
    no_details = client.post(url, {**filled, "confirm": "on", "details": ""})
    made_up = client.post(url, {**filled, "confirm": "on", "reason": "because"})
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert "Tick the box to confirm" in unconfirmed.content.decode()
    assert no_details.status_code == 400
    assert "details" in no_details.context["form"].errors
    assert made_up.status_code == 400
    assert "reason" in made_up.context["form"].errors

    done = client.post(url, {**filled, "confirm": "on"})

    assert done.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status_on(timezone.localdate()) == CertificateStatus.REVOKED
    assert certificate.revocation_reason == RevocationReason.ISSUED_IN_ERROR
    assert certificate.revocation_details == "Wrong person."
    public = client.get(f"/verify/{certificate.verification_code}/").content.decode()
    assert "Revoked" in public
    assert "Wrong person." not in public
    assert "Wrong person." in client.get(done["Location"]).content.decode()


def test_the_holder_downloads_their_pdf_and_nobody_else_does(
    client, certificate, eligible_worker, link_worker, outside_link_worker
):
    client.force_login(eligible_worker)
    # The view redirects to a short-lived signed link, served without the session.
    response = client.get(f"/progress/certificates/{certificate.number}/pdf/", follow=True)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == certificate.pdf.read()
    client.force_login(outside_link_worker)
    assert client.get(f"/progress/certificates/{certificate.number}/pdf/").status_code == 404


def test_my_certificates_shows_the_link_to_share(client, certificate, eligible_worker):
    client.force_login(eligible_worker)

    html = client.get("/progress/certificates/").content.decode()

    assert certificate.number in html
    assert f"/verify/{certificate.verification_code}/" in html
    assert "Copy the link" in html
    assert "js/certificates.js" in html


def test_bulk_issue_runs_in_the_background_and_zips_the_pdfs(
    client, manager, eligible_worker, qualification, django_capture_on_commit_callbacks
):
    client.force_login(manager)

    confirm = client.post("/team/certificates/issue/LWPC-CORE/", {"workers": [eligible_worker.pk]})
    assert "Issue 1 certificate" in confirm.content.decode()
    assert escape(eligible_worker.full_name) in confirm.content.decode()
    assert not BulkIssue.objects.exists()  # nothing happens before the confirmation
    # The task is queued when the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/team/certificates/issue/LWPC-CORE/",
            {"workers": [eligible_worker.pk], "confirm": "1"},
        )

    bulk = BulkIssue.objects.get()
    assert response["Location"] == f"/team/certificates/bulk/{bulk.pk}/"
    # Tests run tasks immediately (ImmediateBackend), so it has finished already.
    state = client.get(f"/team/certificates/bulk/{bulk.pk}/status/").json()
    assert state == {
        "status": BulkIssueStatus.FINISHED,
        "status_label": "Finished",
        "done": 1,
        "total": 1,
        "percent": 100,
        "problems": [],
        "finished": True,
    }
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"/team/certificates/bulk/{bulk.pk}/certificates.zip").content)
    )
    certificate = Certificate.objects.get()
    assert archive.namelist() == [f"{certificate.number}.pdf"]
    assert archive.read(archive.namelist()[0]) == certificate.pdf.read()


def test_bulk_issue_refuses_workers_who_are_not_eligible(
    client, manager, link_worker, qualification
):
    client.force_login(manager)

    response = client.post(
        "/team/certificates/issue/LWPC-CORE/", {"workers": [link_worker.pk], "confirm": "1"}
    )

    assert response.status_code == 302
    assert not BulkIssue.objects.exists()
    assert not Certificate.objects.exists()


def test_bulk_issue_records_a_refusal_and_carries_on(
    manager, eligible_worker, qualification, organisation, django_capture_on_commit_callbacks
):
    beginner = MembershipFactory(organisation=organisation, role=Role.LINK_WORKER).user
    with django_capture_on_commit_callbacks(execute=True):
        bulk = services.bulk_issue_request(
            actor=manager, qualification=qualification, workers=[beginner, eligible_worker]
        )

    bulk.refresh_from_db()
    assert bulk.done == 2
    assert bulk.certificates.get().holder == eligible_worker
    assert bulk.problems[0]["holder"] == beginner.full_name
    assert "not yet eligible" in bulk.problems[0]["reason"]


def test_reminders_go_once_to_the_holder_and_managers(
    certificate, manager, eligible_worker, organisation
):
    second_manager = MembershipFactory(organisation=organisation, role=Role.MANAGER).user
    with rewriting_kept_records():
        Certificate.objects.filter(pk=certificate.pk).update(
            issued_on=timezone.localdate() - datetime.timedelta(days=1000),
            renewal_due_on=timezone.localdate(),
            expires_on=timezone.localdate() + datetime.timedelta(days=10),
        )

    first = services.reminders_send()
    again = services.reminders_send()

    assert first == {"renewal_due": 1, "lapsed": 0}
    assert again == {"renewal_due": 0, "lapsed": 0}
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {eligible_worker.email, manager.email, second_manager.email}
    assert mail.outbox[0].subject.startswith("Renewal due:")
    assert f"/verify/{certificate.verification_code}/" in mail.outbox[0].body

    with rewriting_kept_records():
        Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate())
    call_command("send_certificate_reminders", stdout=io.StringIO())
    call_command("send_certificate_reminders", stdout=io.StringIO())

    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Renewal due", "Certificate lapsed"]
    assert CertificateReminder.objects.filter(certificate=certificate).count() == 2
    assert ModelLogEntry.objects.filter(action="certificates.certificate.remind").count() == 2


def test_reminders_skip_revoked_certificates(certificate, manager):
    services.certificate_revoke(
        actor=manager,
        certificate=certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        details="Wrong person.",
    )
    with rewriting_kept_records():
        Certificate.objects.filter(pk=certificate.pk).update(
            issued_on=timezone.localdate() - datetime.timedelta(days=1000),
            expires_on=timezone.localdate(),
        )

    assert services.reminders_send() == {"renewal_due": 0, "lapsed": 0}
    assert not mail.outbox


def test_the_demo_has_a_certificate_in_every_state(db):
    call_command("load_demo_data", stdout=io.StringIO())
    call_command("load_demo_data", stdout=io.StringIO())  # idempotent

    today = timezone.localdate()
    states = {
        (certificate.holder.email, certificate.status_on(today))
        for certificate in Certificate.objects.select_related("holder")
    }
    assert states == {
        ("aisha.khan@example.org", CertificateStatus.RENEWAL_DUE),
        ("east.linkworker@example.org", CertificateStatus.SUPERSEDED),
        ("east.linkworker@example.org", CertificateStatus.VALID),
        ("gurpreet.sandhu@example.org", CertificateStatus.EXPIRED),
        ("daniel.reyes@example.org", CertificateStatus.REVOKED),
    }
    assert not Certificate.objects.filter(holder__email="kwame.mensah@example.org").exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_register_exports_what_the_manager_may_see(
    client, manager, outside_manager, certificate, file_format
):
    client.force_login(manager)
    response = client.get(f"/team/certificates/register.{file_format}")

    assert response.status_code == 200
    assert "certificate-register-" in response["Content-Disposition"]
    rows = _rows(response.content, file_format)
    assert rows[0] == ["number", "holder", "qualification", "issued", "expires", "status"]
    assert rows[1][0] == certificate.number
    assert rows[1][1] == certificate.holder_name
    assert rows[1][4] == certificate.valid_until.isoformat()
    assert rows[1][5] == "Valid"

    client.force_login(outside_manager)
    others = _rows(client.get(f"/team/certificates/register.{file_format}").content, file_format)
    assert others == [rows[0]]


def test_register_cells_cannot_run_as_formulas(client, manager, certificate):
    with rewriting_kept_records():
        Certificate.objects.filter(pk=certificate.pk).update(holder_name="=HYPERLINK(1)")
    client.force_login(manager)

    rows = _rows(client.get("/team/certificates/register.csv").content, "csv")

    assert rows[1][1] == "'=HYPERLINK(1)"


def _rows(content: bytes, file_format: str) -> list[list[str]]:
    if file_format == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [
        [value.isoformat()[:10] if hasattr(value, "isoformat") else value for value in row]
        for row in sheet.iter_rows(values_only=True)
    ]


def _certificate_for(worker, like: Certificate) -> Certificate:
    """A certificate row for `worker` shaped like `like` (query-count tests need many)."""
    twin = Certificate.objects.get(pk=like.pk)
    twin.pk = None
    twin.holder = worker
    twin.holder_name = worker.full_name
    twin.number = f"{like.number}-{worker.pk}"
    twin.verification_code = f"{worker.pk:032d}"
    twin.pdf_sha256 = f"{worker.pk:064d}"
    twin.award_sign_off = None  # a sign-off serves one certificate
    twin.save()
    return twin


def test_the_register_takes_the_same_queries_for_any_team_size(
    client, manager, organisation, certificate
):
    client.force_login(manager)
    client.get("/team/certificates/")  # warm the session and the site's caches

    def grow(count: int) -> None:
        for membership in MembershipFactory.create_batch(
            count, organisation=organisation, role=Role.LINK_WORKER
        ):
            _certificate_for(membership.user, certificate)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/team/certificates/").status_code == 200
        return len(queries)

    grow(2)
    small = count()
    grow(10)

    assert count() == small
    assert Certificate.objects.count() == 13


def test_the_register_pages_its_certificates(client, manager, organisation, certificate):
    for membership in MembershipFactory.create_batch(
        55, organisation=organisation, role=Role.LINK_WORKER
    ):
        _certificate_for(membership.user, certificate)
    client.force_login(manager)

    first = client.get("/team/certificates/").content.decode()
    second = client.get("/team/certificates/", {"page": 2}).content.decode()

    def verify_links(html: str) -> int:
        return len(re.findall(r'href="/verify/[A-Za-z0-9_-]{32}/"', html))

    assert "Page 2 of 2" in first
    assert verify_links(first) == 50
    assert verify_links(second) == 6


def test_the_register_filters_and_counts_each_status_on_its_edge_days(
    client, manager, organisation, certificate
):
    """Each status filter lists exactly the certificates the register labels so, and counts
    them: on the day renewal falls due, and on the day a certificate expires, it has moved on."""
    today = timezone.localdate()
    twins = {}
    for status in CertificateStatus:
        worker = MembershipFactory(organisation=organisation, role=Role.LINK_WORKER).user
        twins[status] = _certificate_for(worker, certificate)
    with rewriting_kept_records():
        Certificate.objects.filter(pk=twins[CertificateStatus.RENEWAL_DUE].pk).update(
            renewal_due_on=today
        )
        Certificate.objects.filter(pk=twins[CertificateStatus.EXPIRED].pk).update(
            issued_on=today - datetime.timedelta(days=400),
            renewal_due_on=today - datetime.timedelta(days=30),
            expires_on=today,
        )
        Certificate.objects.filter(pk=twins[CertificateStatus.SUPERSEDED].pk).update(
            is_current=False
        )
        Certificate.objects.filter(pk=twins[CertificateStatus.REVOKED].pk).update(
            is_current=False,
            revoked_at=timezone.now(),
            revocation_reason=RevocationReason.ISSUED_IN_ERROR,
            revocation_details="Issued to the wrong person.",
        )
    client.force_login(manager)

    everything = client.get("/team/certificates/").content.decode()
    for status, twin in twins.items():
        expected = 2 if status == CertificateStatus.VALID else 1  # and the fixture's own
        assert f"{status.label} ({expected})" in everything
        page = client.get("/team/certificates/", {"status": status.value}).content.decode()
        shown = set(re.findall(r'href="/team/certificates/([A-Z0-9-]+)/"', page))
        wanted = {twin.number} | (
            {certificate.number} if status == CertificateStatus.VALID else set()
        )
        assert shown == wanted, status
        assert f'nhsuk-tag--{status.tag_colour}">{status.label}<' in page


def test_someone_who_has_left_keeps_their_certificates(client, certificate, eligible_worker):
    membership = Membership.objects.get(user=eligible_worker, role=Role.LINK_WORKER)
    membership_end(membership=membership, ends_on=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(eligible_worker)

    page = client.get("/progress/certificates/")
    pdf = client.get(f"/progress/certificates/{certificate.number}/pdf/", follow=True)

    assert page.status_code == 200
    assert certificate.number in page.content.decode()
    assert pdf.status_code == 200


def test_reminders_go_to_the_holders_managers_today(
    certificate, manager, eligible_worker, other_organisation, outside_manager
):
    # The holder moved to another organisation: its manager is told, the old one is not.
    membership = Membership.objects.get(user=eligible_worker, role=Role.LINK_WORKER)
    membership_end(membership=membership, ends_on=timezone.localdate() - datetime.timedelta(days=1))
    MembershipFactory(user=eligible_worker, organisation=other_organisation, role=Role.LINK_WORKER)
    with rewriting_kept_records():
        Certificate.objects.filter(pk=certificate.pk).update(
            issued_on=timezone.localdate() - datetime.timedelta(days=1000),
            renewal_due_on=timezone.localdate(),
        )

    services.reminders_send()

    assert set(mail.outbox[0].to) == {eligible_worker.email, outside_manager.email}


def test_a_bulk_issue_runs_once_however_often_its_task_is_delivered(
    manager, eligible_worker, qualification, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bulk = services.bulk_issue_request(
            actor=manager, qualification=qualification, workers=[eligible_worker]
        )

    again = services.bulk_issue_run(bulk_issue=bulk)

    assert again.done == 1
    assert again.problems == []
    assert Certificate.objects.count() == 1


def test_a_broken_bulk_issue_is_marked_failed(manager, eligible_worker, qualification, monkeypatch):
    bulk = BulkIssue.objects.create(
        requested_by=manager, qualification=qualification, worker_ids=[eligible_worker.pk]
    )

    def broken(bulk_issue):
        raise RuntimeError("storage unavailable")

    monkeypatch.setattr(services, "_issue_each", broken)
    with pytest.raises(RuntimeError):
        services.bulk_issue_run(bulk_issue=bulk)

    bulk.refresh_from_db()
    assert bulk.status == BulkIssueStatus.FAILED
    assert bulk.finished_at is not None


def test_bulk_pages_show_only_certificates_the_manager_may_still_see(
    client, manager, eligible_worker, qualification, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bulk = services.bulk_issue_request(
            actor=manager, qualification=qualification, workers=[eligible_worker]
        )
    certificate = Certificate.objects.get()
    membership = Membership.objects.get(user=eligible_worker, role=Role.LINK_WORKER)
    membership_end(membership=membership, ends_on=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(manager)

    page = client.get(f"/team/certificates/bulk/{bulk.pk}/").content.decode()
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"/team/certificates/bulk/{bulk.pk}/certificates.zip").content)
    )

    assert certificate.number not in page
    assert archive.namelist() == []


def test_another_manager_cannot_open_someone_elses_bulk_issue(
    client, manager, outside_manager, eligible_worker, qualification
):
    bulk = BulkIssue.objects.create(
        requested_by=manager, qualification=qualification, worker_ids=[eligible_worker.pk]
    )
    client.force_login(outside_manager)

    for suffix in ("", "status/", "certificates.zip"):
        assert client.get(f"/team/certificates/bulk/{bulk.pk}/{suffix}").status_code == 404
