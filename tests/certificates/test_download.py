"""The stored PDF download: the holder's and a manager's, scoped, each written to the audit log in
one INSERT."""

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import ModelLogEntry

from certificates import services
from certificates.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(manager, eligible_worker, qualification) -> Certificate:
    return services.certificate_issue(
        actor=manager, worker=eligible_worker, qualification=qualification
    )


def _download(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("who", ["holder", "manager"])
def test_a_download_writes_the_entry_log_would_have_written(
    client, certificate, eligible_worker, manager, who
):
    actor = eligible_worker if who == "holder" else manager
    path = (
        f"/progress/certificates/{certificate.number}/pdf/"
        if who == "holder"
        else f"/team/certificates/{certificate.number}/pdf/"
    )
    client.force_login(actor)

    assert _download(client, path) == certificate.pdf.read()

    entry = ModelLogEntry.objects.get(action="certificates.certificate.download")
    assert entry.content_type == ContentType.objects.get_for_model(Certificate)
    assert entry.object_id == str(certificate.pk)
    assert entry.label == str(certificate)
    assert entry.user == actor
    assert entry.data == {"number": certificate.number, "by_holder": who == "holder"}
    assert entry.uuid is None
    assert entry.revision is None
    assert not entry.content_changed
    assert not entry.deleted


def test_the_holders_download_reads_its_rows_and_writes_one_entry(
    client, certificate, eligible_worker, django_assert_num_queries
):
    client.force_login(eligible_worker)
    path = f"/progress/certificates/{certificate.number}/pdf/"
    _download(client, path)

    # The session, the person, the certificate (by its unique number); the entry's INSERT.
    # Wagtail's log() read the entry's content type and user back first: two more.
    with django_assert_num_queries(4):
        _download(client, path)


def test_nobody_else_downloads_it_and_a_refusal_writes_nothing(
    client, certificate, outside_link_worker
):
    client.force_login(outside_link_worker)

    assert client.get(f"/progress/certificates/{certificate.number}/pdf/").status_code == 404
    assert client.get(f"/team/certificates/{certificate.number}/pdf/").status_code in (302, 403)
    assert not ModelLogEntry.objects.filter(action="certificates.certificate.download").exists()
