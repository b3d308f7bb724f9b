"""Certificate PDFs and evidence on an S3-compatible store (moto's server, started here): stored as
private objects, served only through the permission-checked views, never by a public address."""

import hashlib
import io
import runpy
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from certificates import services
from certificates.models import Certificate
from competencies.models import Evidence

pytestmark = pytest.mark.django_db

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _object_keys(s3_client, bucket: str) -> list[str]:
    listing = s3_client.list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def _assert_private(s3_client, bucket: str, key: str, endpoint: str) -> None:
    grantees = {
        grant["Grantee"].get("URI")
        for grant in s3_client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    }
    assert not grantees & {ALL_USERS, AUTHENTICATED_USERS}
    # An unsigned request for the object. moto honours canned ACLs for anonymous reads of
    # objects; a real store refuses it the same way (403).
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{endpoint}/{bucket}/{key}", timeout=5)  # noqa: S310 - http
    assert refused.value.code == 403


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _from_the_store(response, endpoint: str) -> tuple[str, bytes]:
    """A certificate view's answer followed as a browser would: to the store's own brief,
    presigned URL (the object itself stays private). Its Content-Type and bytes."""
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(f"{endpoint}/")
    with urllib.request.urlopen(response["Location"], timeout=5) as answer:  # noqa: S310 - http
        return answer.headers["Content-Type"], answer.read()


def test_the_environment_switches_the_stored_files_to_a_private_s3_store(monkeypatch):
    base = Path(django_settings.BASE_DIR) / "config" / "settings" / "base.py"

    def storages(**environment) -> dict:
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(base))["STORAGES"]

    local = storages(STORAGE_S3_BUCKET="")
    monkeypatch.delenv("STORAGE_S3_REGION", raising=False)
    on_s3 = storages(
        STORAGE_S3_BUCKET="academy-files", STORAGE_S3_ENDPOINT_URL="http://127.0.0.1:9000"
    )

    for location in ("evidence", "certificates"):
        assert on_s3[location]["BACKEND"] == "storages.backends.s3.S3Storage"
        expected = {
            "bucket_name": "academy-files",
            "endpoint_url": "http://127.0.0.1:9000",
            "region_name": "eu-west-2",
            "location": location,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        }
        options = on_s3[location]["OPTIONS"]
        assert {name: options.get(name) for name in expected} == expected
        assert local[location]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    # Production declares its own STORAGES from the same two entries.
    production = (base.parent / "production.py").read_text()
    assert '"evidence": EVIDENCE_STORAGE' in production
    assert '"certificates": CERTIFICATE_STORAGE' in production


def test_an_issued_certificate_is_a_private_object_served_only_through_the_checked_views(
    client,
    on_s3,
    s3_client,
    s3_endpoint,
    bucket,
    manager,
    eligible_worker,
    qualification,
    outside_manager,
    outside_link_worker,
):
    certificate = services.certificate_issue(
        actor=manager, worker=eligible_worker, qualification=qualification
    )

    key = f"certificates/certificates/{certificate.number}.pdf"
    assert _object_keys(s3_client, bucket) == [key]
    stored = s3_client.get_object(Bucket=bucket, Key=key)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == certificate.pdf_sha256
    _assert_private(s3_client, bucket, key, s3_endpoint)

    holder_url = f"/progress/certificates/{certificate.number}/pdf/"
    manager_url = f"/team/certificates/{certificate.number}/pdf/"
    client.force_login(eligible_worker)
    assert _from_the_store(client.get(holder_url), s3_endpoint) == ("application/pdf", stored)
    page = client.get("/progress/certificates/").content.decode()
    client.force_login(manager)
    assert _from_the_store(client.get(manager_url), s3_endpoint) == ("application/pdf", stored)
    page += client.get(f"/team/certificates/{certificate.number}/").content.decode()
    for outsider in (outside_manager, outside_link_worker):
        client.force_login(outsider)
        for url in (holder_url, manager_url):
            assert client.get(url).status_code in (403, 404)
    client.logout()
    page += client.get(f"/verify/{certificate.verification_code}/").content.decode()

    # The pages link to the views, never to the store.
    assert holder_url in page or manager_url in page
    assert s3_endpoint.split("//")[1] not in page
    assert bucket not in page


def test_the_bulk_zip_and_a_missing_object_work_from_s3(
    client,
    on_s3,
    s3_client,
    bucket,
    manager,
    eligible_worker,
    qualification,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        bulk = services.bulk_issue_request(
            actor=manager, qualification=qualification, workers=[eligible_worker]
        )
    certificate = Certificate.objects.get()
    client.force_login(manager)

    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"/team/certificates/bulk/{bulk.pk}/certificates.zip").content)
    )
    assert archive.namelist() == [f"{certificate.number}.pdf"]
    content = archive.read(archive.namelist()[0])
    assert hashlib.sha256(content).hexdigest() == certificate.pdf_sha256

    # An object gone from the store is a clear 404, never a server error.
    s3_client.delete_object(Bucket=bucket, Key=f"certificates/{certificate.pdf.name}")
    assert client.get(f"/team/certificates/{certificate.number}/pdf/").status_code == 404


def test_evidence_uploads_to_s3_and_downloads_through_the_checked_view(
    client,
    on_s3,
    s3_client,
    s3_endpoint,
    bucket,
    link_worker,
    assessor,
    outside_assessor,
    outside_link_worker,
    demo_curriculum,
):
    competency = demo_curriculum.framework.competencies.exclude(parent_id_number="").first()
    client.force_login(link_worker)
    upload = io.BytesIO(PDF)
    upload.name = "case-review.pdf"

    response = client.post(
        "/evidence/submit/",
        {
            "kind": "document",
            "title": "Case review",
            "competencies": [competency.pk],
            "upload": upload,
        },
    )

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    keys = _object_keys(s3_client, bucket)
    assert keys == [f"evidence/{evidence.file.name}"]
    assert s3_client.get_object(Bucket=bucket, Key=keys[0])["Body"].read() == PDF
    _assert_private(s3_client, bucket, keys[0], s3_endpoint)

    url = f"/evidence/{evidence.pk}/file/"
    assert _body(client.get(url)) == PDF
    page = client.get(f"/evidence/{evidence.pk}/").content.decode()
    client.force_login(assessor)
    assert _body(client.get(url)) == PDF
    for outsider in (outside_assessor, outside_link_worker):
        client.force_login(outsider)
        assert client.get(url).status_code in (403, 404)

    assert url in page
    assert s3_endpoint.split("//")[1] not in page
    assert bucket not in page
