"""Signed at issue, checked by an independent implementation; a revoke flips the status bit at
once; rotating the key keeps what the old key signed valid."""

import base64
import gzip
import json

import pytest
from django.db import IntegrityError
from wagtail.models import ModelLogEntry

from certificates import services as certificate_services
from certificates.models import RevocationReason
from credentials.keys import issuer_did, new_seed
from credentials.models import STATUS_LIST_LENGTH, SignedCredential
from credentials.services import credentials_sign_missing
from tests.certificates.records import signed_off
from tests.credentials.conftest import SITE, node_verify, published
from tests.factories import MembershipFactory
from workforce.models import Role

pytestmark = pytest.mark.django_db


def _credential(client, certificate) -> dict:
    response = client.get(f"/verify/{certificate.verification_code}/credential.json")
    assert response.status_code == 200
    return response.json()


def _bit(status_list: dict, index: int) -> int:
    encoded = status_list["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")  # multibase base64url
    payload = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert len(bits) * 8 >= STATUS_LIST_LENGTH
    return (bits[index // 8] >> (7 - index % 8)) & 1


def test_the_independent_verifier_accepts_what_we_sign_and_refuses_a_one_character_change(
    client, certificate
):
    credential = _credential(client, certificate)
    documents = published(client, credential)

    verdict = node_verify(credential, documents)

    assert verdict == {"verified": True, "status": verdict["status"], "error": None}
    assert verdict["status"]["revoked"] is False
    assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["issuer"]["id"] == issuer_did() == "did:web:academy.example.org"

    tampered = json.loads(json.dumps(credential).replace(certificate.holder_name, "Mallory X", 1))
    refused = node_verify(tampered, documents)

    assert refused["verified"] is False
    assert "Invalid signature" in refused["error"]


def test_the_status_list_credential_verifies_under_node_too(client, certificate):
    url = _credential(client, certificate)["credentialStatus"]["statusListCredential"]
    status_list = client.get(url.removeprefix(SITE)).json()
    did = client.get("/.well-known/did.json").json()

    assert node_verify(status_list, {did["id"]: did})["verified"] is True
    assert status_list["credentialSubject"]["statusPurpose"] == "revocation"
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]


def test_a_revoke_shows_on_the_very_next_fetch_of_the_status_list(client, certificate, manager):
    credential = _credential(client, certificate)
    entry = credential["credentialStatus"]
    index = int(entry["statusListIndex"])
    url = entry["statusListCredential"].removeprefix(SITE)
    assert _bit(client.get(url).json(), index) == 0

    certificate_services.certificate_revoke(
        actor=manager,
        certificate=certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        details="Wrong person.",
    )

    assert _bit(client.get(url).json(), index) == 1
    # The credential itself is unchanged, still signed: its status is what says revoked.
    assert _credential(client, certificate) == credential
    verdict = node_verify(credential, published(client, credential))
    assert verdict["verified"] is False
    assert verdict["status"]["revoked"] is True
    report = client.post(
        "/credentials/verify.json", json.dumps(credential), content_type="application/json"
    ).json()
    status = next(check for check in report["checks"] if check["check"] == "Status")
    assert status["result"] == "failed"
    assert status["message"].startswith("Revoked")
    assert report["valid"] is False


def test_rotating_the_key_keeps_old_credentials_valid_and_signs_new_ones_with_the_new_key(
    client, settings, manager, assessor, organisation, eligible_worker, qualification, certificate
):
    old = settings.CREDENTIAL_SIGNING_KEYS
    old_id = old.partition("=")[0]
    first = _credential(client, certificate)

    settings.CREDENTIAL_SIGNING_KEYS = f"rotated={new_seed()},{old}"
    did = client.get("/.well-known/did.json").json()
    assert [method["id"].rpartition("#")[2] for method in did["verificationMethod"]] == [
        "rotated",
        old_id,
    ]
    assert did["assertionMethod"] == [method["id"] for method in did["verificationMethod"]]
    assert node_verify(first, published(client, first))["verified"] is True
    report = client.post(
        "/credentials/verify.json", json.dumps(first), content_type="application/json"
    ).json()
    assert report["valid"] is True
    key_check = next(check for check in report["checks"] if check["check"] == "Issuer key")
    assert "a retired key of ours" in key_check["message"]

    certificate_services.certificate_revoke(
        actor=manager,
        certificate=certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        details="To issue again under the new key.",
    )
    supervisor = MembershipFactory(organisation=organisation, role=Role.ASSESSOR).user
    signed_off(eligible_worker, qualification, assessor=assessor, supervisor=supervisor)
    second = _credential(
        client,
        certificate_services.certificate_issue(
            actor=manager, worker=eligible_worker, qualification=qualification
        ),
    )
    assert second["proof"][0]["verificationMethod"] == f"{issuer_did()}#rotated"
    assert node_verify(second, published(client, second))["verified"] is True

    # Later the old secret is destroyed: only its public key stays published, which is enough.
    old_public = next(m for m in did["verificationMethod"] if m["id"].endswith(f"#{old_id}"))
    settings.CREDENTIAL_SIGNING_KEYS = settings.CREDENTIAL_SIGNING_KEYS.split(",")[0]
    settings.CREDENTIAL_RETIRED_KEYS = f"{old_id}={old_public['publicKeyMultibase']}"
    report = client.post(
        "/credentials/verify.json", json.dumps(first), content_type="application/json"
    ).json()
    signature = next(check for check in report["checks"] if check["check"] == "Signature")
    assert signature["result"] == "passed"


def test_each_certificate_takes_its_own_index_in_the_list(certificate):
    signed = SignedCredential.objects.get(certificate=certificate)
    assert 0 <= signed.status_index < signed.status_list.length
    assert signed.status_list.length >= STATUS_LIST_LENGTH

    duplicate = SignedCredential(
        certificate=certificate,
        status_list=signed.status_list,
        status_index=signed.status_index,
        document={},
        verification_method="x",
    )
    with pytest.raises(IntegrityError):
        duplicate.save()


@pytest.fixture
def unsigned_certificate(request, monkeypatch):
    """A certificate issued before signing began (signed credentials are kept: none is deleted)."""
    with monkeypatch.context() as before_signing:
        before_signing.setattr("credentials.services.credential_sign", lambda **kwargs: None)
        return request.getfixturevalue("certificate")


def test_certificates_issued_before_signing_are_signed_by_the_command(client, unsigned_certificate):
    certificate = unsigned_certificate
    assert not SignedCredential.objects.filter(certificate=certificate).exists()
    assert client.get(f"/verify/{certificate.verification_code}/credential.json").status_code == 404

    assert credentials_sign_missing() == 1
    assert credentials_sign_missing() == 0

    credential = _credential(client, certificate)
    assert node_verify(credential, published(client, credential))["verified"] is True


def test_the_status_list_and_credential_take_a_fixed_number_of_queries(
    client, certificate, django_assert_num_queries
):
    credential = _credential(client, certificate)
    url = credential["credentialStatus"]["statusListCredential"].removeprefix(SITE)

    # The list and its revoked entries; the same whether it is signed afresh or from the cache.
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200
    # The certificate, its signed credential and the check's one INSERT.
    with django_assert_num_queries(3):
        assert (
            client.get(f"/verify/{certificate.verification_code}/credential.json").status_code
            == 200
        )


def test_an_unknown_status_list_is_a_json_404(client, db):
    response = client.get("/credentials/status/999999/")

    assert response.status_code == 404
    assert response.json() == {"error": "No status list has this number."}


def test_a_bulk_issue_signs_each_certificate_it_issues(
    client, manager, eligible_worker, qualification, django_capture_on_commit_callbacks
):
    # The background task runs once the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        bulk = certificate_services.bulk_issue_request(
            actor=manager, qualification=qualification, workers=[eligible_worker]
        )
    bulk.refresh_from_db()

    (certificate,) = bulk.certificates.all()
    credential = _credential(client, certificate)
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == (
        eligible_worker.full_name
    )
    assert node_verify(credential, published(client, credential))["verified"] is True


def test_signing_is_recorded_in_the_audit_log(certificate):
    entry = ModelLogEntry.objects.get(action="credentials.credential.sign")
    signed = SignedCredential.objects.get(certificate=certificate)

    assert entry.object_id == str(signed.pk)
    assert entry.data["number"] == certificate.number
    assert entry.data["key"] == signed.verification_method
    assert entry.data["status_index"] == signed.status_index
