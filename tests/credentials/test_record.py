"""The holder's whole record as a signed CLR 2.0 credential: only ever their own."""

import json

import pytest

from credentials.verification import schema_errors
from tests.credentials.conftest import node_verify, published

pytestmark = pytest.mark.django_db


def test_the_holder_downloads_a_signed_record_of_everything_they_hold(
    client, certificate, eligible_worker
):
    client.force_login(eligible_worker)

    response = client.get("/credentials/record.json")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="learning-record.json"'
    assert response["Cache-Control"] == "private, no-store"
    record = response.json()
    assert record["type"] == ["VerifiableCredential", "ClrCredential"]
    subject = record["credentialSubject"]
    inner = subject["verifiableCredential"]
    # The certificate's credential, exactly as signed at issue...
    issued = client.get(f"/verify/{certificate.verification_code}/credential.json").json()
    assert inner[0] == issued
    # ...then each competency held at proficiency, with the level shown.
    competencies = inner[1:]
    assert competencies
    for credential in competencies:
        achievement = credential["credentialSubject"]["achievement"]
        assert achievement["achievementType"] == "Competency"
        assert credential["credentialSubject"]["result"][0]["value"]
        assert schema_errors(credential) == []
    assert [a["id"] for a in subject["achievement"]] == [
        c["credentialSubject"]["achievement"]["id"] for c in inner
    ]

    report = client.post(
        "/credentials/verify.json", json.dumps(record), content_type="application/json"
    ).json()
    assert report["valid"] is True, report
    assert report["type"] == "ClrCredential"
    assert len(report["credentials"]) == len(inner)


def test_the_record_and_each_credential_in_it_verify_under_node(
    client, certificate, eligible_worker
):
    client.force_login(eligible_worker)
    record = client.get("/credentials/record.json").json()
    documents = published(client, record)

    assert node_verify(record, documents) == {"verified": True, "status": None, "error": None}
    for credential in record["credentialSubject"]["verifiableCredential"]:
        assert node_verify(credential, documents)["verified"] is True

    record["credentialSubject"]["verifiableCredential"][-1]["credentialSubject"]["result"][0][
        "value"
    ] = "Expert"
    assert node_verify(record, documents)["verified"] is False


def test_a_changed_level_inside_a_record_fails_our_check_too(client, certificate, eligible_worker):
    client.force_login(eligible_worker)
    record = client.get("/credentials/record.json").json()
    record["credentialSubject"]["verifiableCredential"][-1]["credentialSubject"]["result"][0][
        "value"
    ] = "Expert"

    report = client.post(
        "/credentials/verify.json", json.dumps(record), content_type="application/json"
    ).json()

    assert report["valid"] is False
    assert report["checks"][0]["result"] == "failed"  # the record's own signature
    assert report["credentials"][-1]["valid"] is False  # and the competency's own


def test_the_record_is_only_for_its_signed_in_holder(client, certificate, manager):
    anonymous = client.get("/credentials/record.json")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")

    # A manager gets their own record, never anyone else's: the address names nobody.
    client.force_login(manager)
    own = client.get("/credentials/record.json").json()
    assert own["credentialSubject"]["verifiableCredential"] == []
    assert certificate.holder_name not in json.dumps(own)


def test_the_record_takes_a_fixed_number_of_queries(
    client, certificate, eligible_worker, django_assert_max_num_queries
):
    client.force_login(eligible_worker)
    client.get("/credentials/record.json")  # warm the session and the sign-in checks

    with django_assert_max_num_queries(20):
        assert client.get("/credentials/record.json").status_code == 200


def test_the_holders_certificates_page_links_to_the_record(client, certificate, eligible_worker):
    client.force_login(eligible_worker)

    html = client.get("/progress/certificates/").content.decode()

    assert 'href="/credentials/record.json"' in html
