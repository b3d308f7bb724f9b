"""Public verification: each status, lookups, PDF upload checks, 404s and nothing personal."""

import datetime
import json
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from certificates import services
from certificates.models import Certificate, RevocationReason
from tests.kept import rewriting_kept_records

pytestmark = pytest.mark.django_db


SITE = "https://academy.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_BASE_URL = SITE


@pytest.fixture
def certificate(manager, eligible_worker, qualification) -> Certificate:
    return services.certificate_issue(
        actor=manager, worker=eligible_worker, qualification=qualification
    )


def _page(client, certificate):
    return client.get(f"/verify/{certificate.verification_code}/")


def _json(client, certificate):
    return client.get(f"/verify/{certificate.verification_code}.json")


def test_a_valid_certificate_shows_valid_without_an_account(client, certificate):
    response = _page(client, certificate)

    assert response.status_code == 200
    html = response.content.decode()
    assert ">Valid</strong>" in html
    assert escape(certificate.holder_name) in html
    assert "Link Worker Practice Certificate (Core)" in html
    assert "Link Worker Academy" in html
    assert f"{certificate.valid_until:%-d %B %Y}" in html
    # An employer reading it learns what kind of certificate it is.
    assert "it is not a regulated qualification" in html
    assert 'href="/curriculum/crosswalk/"' in html


def test_the_json_twin_has_the_same_facts(client, certificate):
    data = _json(client, certificate).json()

    sign_off = certificate.award_sign_off
    today = certificate.issued_on.isoformat()

    assert data == {
        "number": certificate.number,
        "status": "valid",
        "status_label": "Valid",
        "holder_name": certificate.holder_name,
        "qualification": "Link Worker Practice Certificate (Core)",
        "issuer": "Link Worker Academy",
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "revoked_on": None,
        "revocation_reason": None,
        "superseded_by": None,
        "verification_url": f"{SITE}/verify/{certificate.verification_code}/",
        "sign_offs": [
            {"role": "Signed off by", "name": sign_off.assessor.full_name, "date": today},
            {
                "role": "Countersigned by",
                "name": sign_off.countersigned_by.full_name,
                "as": "named supervisor",
                "date": today,
            },
        ],
    }


def test_nothing_personal_beyond_the_name(client, certificate, eligible_worker):
    html = _page(client, certificate).content.decode()
    data = _json(client, certificate).content.decode()

    for private in (eligible_worker.email, "Riverside Test PCN", certificate.pdf_sha256):
        assert private not in html
        assert private not in data


def test_revoked_shows_the_date_and_reason(client, certificate, manager):
    services.certificate_revoke(
        actor=manager,
        certificate=certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        details="Issued against the wrong record.",
    )

    html = _page(client, certificate).content.decode()
    data = _json(client, certificate).json()

    assert ">Revoked</strong>" in html
    assert "Reason: Issued in error" in html
    assert data["status"] == "revoked"
    assert data["revocation_reason"] == "Issued in error"
    # What the manager wrote stays with the managers.
    assert "Issued against the wrong record." not in html
    assert "Issued against the wrong record." not in str(data)
    assert data["revoked_on"] == timezone.localdate().isoformat()


def test_expired_and_renewal_due_follow_the_dates(client, certificate):
    with rewriting_kept_records():
        Certificate.objects.filter(pk=certificate.pk).update(
            issued_on=datetime.date(2020, 1, 1),
            renewal_due_on=datetime.date(2022, 11, 2),
            expires_on=datetime.date(2023, 1, 1),
        )
    assert _json(client, certificate).json()["status"] == "expired"
    assert "no longer valid" in _page(client, certificate).content.decode()

    today = timezone.localdate()
    with rewriting_kept_records():
        Certificate.objects.filter(pk=certificate.pk).update(
            renewal_due_on=today - datetime.timedelta(days=1),
            expires_on=today + datetime.timedelta(days=30),
        )
    assert _json(client, certificate).json()["status"] == "renewal_due"
    assert "due to renew" in _page(client, certificate).content.decode()


def test_superseded_links_to_the_current_certificate(client, certificate, manager):
    # A renewal in the data, made directly: the renewal rules have tests of their own.
    Certificate.objects.filter(pk=certificate.pk).update(is_current=False)
    successor = Certificate.objects.get(pk=certificate.pk)
    successor.pk = None
    successor.number = "LWPC-CORE-NEXT"
    successor.verification_code = "N" * 32
    successor.pdf_sha256 = "1" * 64
    successor.is_current = True
    successor.supersedes = certificate
    successor.award_sign_off = None  # a sign-off serves one certificate
    successor.save()

    html = _page(client, certificate).content.decode()
    data = _json(client, certificate).json()

    assert ">Superseded</strong>" in html
    assert f'href="/verify/{"N" * 32}/"' in html
    assert data["superseded_by"] == f"{SITE}/verify/{'N' * 32}/"


@pytest.mark.parametrize(
    "path",
    [
        "/verify/" + "A" * 32 + "/",  # well formed, unknown
        "/verify/" + "A" * 32 + ".json",
        "/verify/short/",  # malformed
        "/verify/" + "A" * 31 + "!/",
        "/verify/" + "A" * 200 + "/",
        "/verify/%00%00/",
    ],
)
def test_unknown_and_malformed_codes_are_404(client, path, db):
    response = client.get(path)

    assert response.status_code == 404


def test_a_malformed_code_is_never_looked_up(client, db):
    # It does not match the verification URL at all; Wagtail's page tree answers the 404.
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/verify/not-a-code/").status_code == 404
    assert not [q for q in queries.captured_queries if "certificates_certificate" in q["sql"]]


def test_the_page_needs_at_most_two_queries(client, certificate, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert _page(client, certificate).status_code == 200
    with django_assert_num_queries(2):
        assert _json(client, certificate).status_code == 200


def test_each_check_is_counted_and_the_holder_sees_the_count(client, certificate, eligible_worker):
    _page(client, certificate)
    _json(client, certificate)
    client.get("/verify/", {"lookup-number": certificate.number, "lookup-surname": "x"})

    # One row a check, only ever inserted: no counter row for concurrent checks to queue on.
    assert certificate.checks.count() == 2
    client.force_login(eligible_worker)
    assert "2 times" in client.get("/progress/certificates/").content.decode()


def test_the_check_page_ignores_unrelated_query_parameters(client, db):
    response = client.get("/verify/", {"utm_source": "qr"})

    assert response.status_code == 200
    assert "This field is required" not in response.content.decode()


def test_lookup_by_number_and_surname(client, certificate):
    surname = certificate.holder_name.split()[-1]

    found = client.get(
        "/verify/", {"lookup-number": certificate.number.lower(), "lookup-surname": surname}
    )
    wrong = client.get(
        "/verify/", {"lookup-number": certificate.number, "lookup-surname": "Nobody"}
    )

    assert found.status_code == 200
    assert ">Valid</strong>" in found.content.decode()
    assert "No certificate matches that number and surname" in wrong.content.decode()
    assert escape(certificate.holder_name) not in wrong.content.decode()


def test_lookup_accepts_a_surname_that_comes_first(client, certificate, eligible_worker):
    with rewriting_kept_records():
        Certificate.objects.filter(pk=certificate.pk).update(holder_name="Nguyễn Thị Hương")

    found = client.get(
        "/verify/", {"lookup-number": certificate.number, "lookup-surname": "nguyễn"}
    )

    assert ">Valid</strong>" in found.content.decode()


def test_uploading_the_genuine_pdf_finds_it(client, certificate):
    content = certificate.pdf.read()

    response = client.post(
        "/verify/",
        {"check-pdf": SimpleUploadedFile("certificate.pdf", content, "application/pdf")},
    )

    assert response.status_code == 200
    assert ">Valid</strong>" in response.content.decode()
    assert certificate.number in response.content.decode()


def test_a_pdf_altered_by_one_byte_is_not_genuine(client, certificate):
    content = bytearray(certificate.pdf.read())
    content[len(content) // 2] ^= 0x01

    response = client.post(
        "/verify/",
        {"check-pdf": SimpleUploadedFile("certificate.pdf", bytes(content), "application/pdf")},
    )

    html = response.content.decode()
    assert "This file is not a genuine certificate" in html
    assert certificate.number not in html


def test_an_oversized_upload_is_refused_clearly(client, certificate, settings):
    settings.CERTIFICATE_CHECK_MAX_BYTES = 1024

    response = client.post(
        "/verify/",
        {"check-pdf": SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 2048, "application/pdf")},
    )

    assert response.status_code == 400
    assert "cannot be one of our certificates" in response.content.decode()


def test_a_huge_upload_is_refused_before_it_is_read(certificate, settings):
    settings.CERTIFICATE_CHECK_MAX_BYTES = 1024
    # As a browser posts: with CSRF checked, whose middleware would read the whole body first.
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/verify/",
        {"check-pdf": SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 200_000)},
    )

    assert response.status_code == 413  # not CSRF's 403: refused before CSRF read the body
    assert "cannot be one of our certificates" in response.content.decode()


def test_the_json_404_is_json(client, db):
    response = client.get("/verify/" + "B" * 32 + ".json")

    assert response.status_code == 404
    assert json.loads(response.content) == {"error": "No certificate has this verification code."}


SCHEMA = (
    Path(settings.BASE_DIR).parent
    / "shared"
    / "interop"
    / "ob_v3p0_achievementcredential_schema.json"
)


def _schema_errors(document: dict) -> list[str]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft201909Validator(schema)
    return [error.message for error in validator.iter_errors(document)]


def test_the_schema_check_itself_catches_a_broken_credential():
    # The specification's own example passes; without validFrom it fails, as SOURCES.md says.
    example = json.loads((SCHEMA.parent / "ob_v3p0_example_credential.json").read_text())
    assert _schema_errors(example) == []
    del example["validFrom"]
    assert len(_schema_errors(example)) == 1


def test_the_open_badges_credential_matches_the_specification(client, certificate):
    response = client.get(f"/verify/{certificate.verification_code}/credential.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vc+ld+json")
    credential = response.json()
    assert _schema_errors(credential) == []
    assert credential["id"] == f"{SITE}/verify/{certificate.verification_code}/"
    assert credential["validFrom"] == f"{certificate.issued_on.isoformat()}T00:00:00Z"
    subject = credential["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == certificate.holder_name
    assert subject["achievement"]["humanCode"] == "LWPC-CORE"
    sign_off = certificate.award_sign_off
    assert subject["narrative"] == (
        f"Signed off by {sign_off.assessor.full_name}, {certificate.issued_on.isoformat()}. "
        f"Countersigned by {sign_off.countersigned_by.full_name}, named supervisor, "
        f"{certificate.issued_on.isoformat()}."
    )
    # The words of the day of issue, even after the qualification's description changes.
    issued_description = subject["achievement"]["description"]
    certificate.qualification.description = "Rewritten later."
    certificate.qualification.save()
    again = client.get(f"/verify/{certificate.verification_code}/credential.json").json()
    assert again["credentialSubject"]["achievement"]["description"] == issued_description
    assert certificate.holder.email not in response.content.decode()


def test_a_revoked_certificate_keeps_its_signed_credential_and_its_status_says_revoked(
    client, certificate, manager
):
    # Chosen over a 410: the credential stays exactly as signed (a wallet already holds a copy),
    # and its entry in our status list is what tells any verifier it is revoked.
    url = f"/verify/{certificate.verification_code}/credential.json"
    before = client.get(url).json()
    services.certificate_revoke(
        actor=manager,
        certificate=certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        details="Wrong person.",
    )

    response = client.get(url)

    assert response.status_code == 200
    assert response.json() == before
    status = before["credentialStatus"]
    assert status["statusPurpose"] == "revocation"
    report = client.post(
        "/credentials/verify.json", json.dumps(before), content_type="application/json"
    ).json()
    assert report["valid"] is False
    assert [check["result"] for check in report["checks"] if check["check"] == "Status"] == [
        "failed"
    ]


def test_links_name_the_site_from_settings_never_the_host_header(client, certificate, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "forged.example"]
    code = certificate.verification_code

    page = client.get(f"/verify/{code}/", HTTP_HOST="forged.example")
    assert page.status_code == 200
    assert "forged.example" not in page.content.decode()
    for url in (f"/verify/{code}.json", f"/verify/{code}/credential.json"):
        response = client.get(url, HTTP_HOST="forged.example")

        assert response.status_code == 200, url
        assert "forged.example" not in response.content.decode(), url
        assert f"{SITE}/verify/{code}/" in response.content.decode(), url
