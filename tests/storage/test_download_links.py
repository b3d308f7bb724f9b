"""A stored certificate PDF on an S3 store (moto's server) downloads by the store's own presigned
URL, issued by the permission-checked view for a short while; the object itself stays private."""

import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from wagtail.models import ModelLogEntry

from certificates import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(on_s3, manager, eligible_worker, qualification):
    return services.certificate_issue(
        actor=manager, worker=eligible_worker, qualification=qualification
    )


def _fetch(url: str):
    return urllib.request.urlopen(url, timeout=5)  # noqa: S310 - the test's own http server


def test_the_view_sends_the_holder_to_a_brief_presigned_url_that_names_the_file(
    client, certificate, eligible_worker, s3_endpoint, settings, django_assert_num_queries
):
    settings.DOWNLOAD_LINK_SECONDS = 45
    client.force_login(eligible_worker)
    path = f"/progress/certificates/{certificate.number}/pdf/"
    client.get(path)

    # As on local storage: the session, the person, the certificate; the entry's INSERT.
    with django_assert_num_queries(4):
        response = client.get(path)

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    location = response["Location"]
    assert location.startswith(f"{s3_endpoint}/")
    # The store checks its own signature and lifetime (moto, the test's store, checks neither):
    # what is ours to check is that the URL is signed and lives DOWNLOAD_LINK_SECONDS.
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["45"]
    assert query["X-Amz-Signature"]
    assert urlsplit(location).path.endswith(f"/certificates/{certificate.pdf.name}")
    with _fetch(location) as answer:
        assert answer.read() == certificate.pdf.read()
        assert answer.headers["Content-Type"] == "application/pdf"
        assert answer.headers["Content-Disposition"] == (
            f'attachment; filename="{certificate.number}.pdf"'
        )
    assert ModelLogEntry.objects.filter(action="certificates.certificate.download").count() == 2


def test_nobody_else_is_sent_to_the_store(client, certificate, outside_link_worker, s3_endpoint):
    client.force_login(outside_link_worker)

    response = client.get(f"/progress/certificates/{certificate.number}/pdf/")

    assert response.status_code == 404
    assert s3_endpoint.split("//")[1] not in response.get("Location", "")
