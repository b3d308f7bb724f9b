"""The register's CSV, written row by row (workforce.spreadsheets.csv_bytes), is the file the
library's table would make: the same headings, cells, quoting, BOM and line ends."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates import selectors, services
from certificates.models import Certificate
from certificates.resources import CertificateRegisterResource
from tests.factories import MembershipFactory
from tests.kept import rewriting_kept_records
from workforce.models import Role
from workforce.spreadsheets import csv_bytes, export_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificates(manager, organisation, eligible_worker, qualification) -> list[Certificate]:
    first = services.certificate_issue(
        actor=manager, worker=eligible_worker, qualification=qualification
    )
    made = [first]
    # Names that need quoting, or would run as a formula, or are not ASCII.
    for name in ('Ann "Nan" Smith, Jr', "=HYPERLINK(1)", "Zoë Ørsted"):
        worker = MembershipFactory(organisation=organisation, role=Role.LINK_WORKER).user
        twin = Certificate.objects.get(pk=first.pk)
        twin.pk = None
        twin.holder = worker
        twin.number = f"{first.number}-{worker.pk}"
        twin.verification_code = f"{worker.pk:032d}"
        twin.pdf_sha256 = f"{worker.pk:064d}"
        twin.award_sign_off = None
        twin.save()
        with rewriting_kept_records():
            Certificate.objects.filter(pk=twin.pk).update(holder_name=name)
        made.append(twin)
    return made


def test_the_csv_written_row_by_row_is_the_librarys_file(manager, certificates):
    by_library = CertificateRegisterResource()
    by_rows = CertificateRegisterResource()

    expected = export_bytes(by_library, selectors.register_rows(manager), "csv")
    written = csv_bytes(by_rows, selectors.register_rows(manager))

    assert written == expected
    assert written.startswith("\ufeffnumber,holder,".encode())
    assert "'=HYPERLINK(1)" in written.decode("utf-8-sig")
    assert '"Ann ""Nan"" Smith, Jr"' in written.decode("utf-8-sig")
    assert by_rows.exported_rows == by_library.exported_rows == len(certificates)


def test_the_register_csv_takes_the_same_queries_for_any_number_of_rows(
    client, manager, organisation, certificates, django_assert_num_queries
):
    client.force_login(manager)
    client.get("/team/certificates/register.csv")  # the session and the site's caches
    with CaptureQueriesContext(connection) as few:
        client.get("/team/certificates/register.csv")
    first = certificates[0]
    for membership in MembershipFactory.create_batch(
        5, organisation=organisation, role=Role.LINK_WORKER
    ):
        twin = Certificate.objects.get(pk=first.pk)
        twin.pk = None
        twin.holder = membership.user
        twin.number = f"{first.number}-{membership.user.pk}"
        twin.verification_code = f"{membership.user.pk:032d}"
        twin.pdf_sha256 = f"{membership.user.pk:064d}"
        twin.award_sign_off = None
        twin.save()

    with django_assert_num_queries(len(few)):
        response = client.get("/team/certificates/register.csv")

    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").count("\r\n") == len(certificates) + 5 + 1
