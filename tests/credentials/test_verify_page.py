"""Anyone checks a credential by pasting or uploading it: each check reported in words."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from certificates.models import Certificate
from tests.kept import rewriting_kept_records

pytestmark = pytest.mark.django_db


def _credential(client, certificate) -> dict:
    return client.get(f"/verify/{certificate.verification_code}/credential.json").json()


def _checks(report: dict) -> dict[str, dict]:
    return {check["check"]: check for check in report["checks"]}


def _post_json(client, text: str):
    return client.post("/credentials/verify.json", text, content_type="application/json")


def test_a_genuine_credential_passes_every_check(client, certificate):
    report = _post_json(client, json.dumps(_credential(client, certificate))).json()

    assert report["valid"] is True
    checks = _checks(report)
    assert {name: check["result"] for name, check in checks.items()} == {
        "Signature": "passed",
        "Issuer key": "passed",
        "Status": "passed",
        "Validity dates": "passed",
        "Schema": "passed",
    }
    assert "eddsa-rdfc-2022" in checks["Signature"]["message"]
    assert "our active signing key" in checks["Issuer key"]["message"]


def test_a_one_character_change_fails_and_says_why(client, certificate):
    text = json.dumps(_credential(client, certificate), ensure_ascii=False)
    # One character of the qualification's title.
    position = text.index("Link Worker Practice") + 1
    tampered = text[:position] + "l" + text[position + 1 :]

    report = _post_json(client, tampered).json()

    assert report["valid"] is False
    signature = _checks(report)["Signature"]
    assert signature["result"] == "failed"
    assert signature["message"] == (
        "The signature does not match the content: it has been changed since it was signed."
    )
    # The other checks still say what they found.
    assert _checks(report)["Status"]["result"] == "passed"


def test_a_credential_signed_by_someone_else_names_the_key(client, certificate):
    credential = _credential(client, certificate)
    credential["proof"][0]["verificationMethod"] = "did:web:forger.example#key-1"

    report = _post_json(client, json.dumps(credential)).json()

    assert _checks(report)["Signature"]["result"] == "failed"
    assert "not a key this service publishes" in _checks(report)["Signature"]["message"]
    assert _checks(report)["Issuer key"]["result"] == "failed"


def _look_alikes(entries: int) -> list[dict]:
    """Entries that differ in nothing RDFC-1.0 looks at first: it would try their orders."""
    return [
        {
            "http://example.org/said": "the same",
            "http://example.org/holds": [{"http://example.org/word": "x"} for _ in range(2)],
        }
        for _ in range(entries)
    ]


def _never_canonicalised(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("canonicalisation was attempted")

    monkeypatch.setattr("credentials.integrity.jsonld.normalize", refuse)


@pytest.mark.parametrize(
    ("subject", "reason"),
    [
        # Nested look-alikes: 1.5 KB of these took 4.5 s to canonicalise, each one more ~10x.
        (
            {"http://example.org/parts": [{"http://example.org/of": _look_alikes(6)}] * 2},
            "look-alike entries under http://example.org/parts",
        ),
        (
            {
                "http://example.org/parts": [
                    {"http://example.org/n": 1, "http://example.org/of": _look_alikes(6)}
                ]
            },
            "look-alike entries under http://example.org/of",
        ),
        # Blank nodes named by the sender can be wired into any graph at all.
        (
            {"id": "_:b0", "http://example.org/knows": {"id": "_:b1"}},
            "names blank nodes itself",
        ),
    ],
)
def test_a_document_shaped_to_cost_minutes_is_refused_unread(
    client, certificate, monkeypatch, subject, reason
):
    credential = _credential(client, certificate)
    credential["credentialSubject"] = subject
    _never_canonicalised(monkeypatch)

    report = _post_json(client, json.dumps(credential)).json()

    signature = _checks(report)["Signature"]
    assert signature["result"] == "failed"
    assert signature["message"].startswith("It cannot be checked: ")
    assert reason in signature["message"]


def test_look_alike_entries_differing_in_what_they_say_are_read_as_usual(client, certificate):
    # The shape check refuses only look-alikes: entries that differ are canonicalised (and this
    # changed subject then fails on its signature, as any change does).
    credential = _credential(client, certificate)
    entries = _look_alikes(3)
    for number, entry in enumerate(entries):
        entry["http://example.org/said"] = f"entry {number}"
        entry["http://example.org/holds"] = [{"http://example.org/word": w} for w in "xy"]
    credential["credentialSubject"] = {"http://example.org/parts": entries}

    report = _post_json(client, json.dumps(credential)).json()

    assert _checks(report)["Signature"]["message"] == (
        "The signature does not match the content: it has been changed since it was signed."
    )


def test_an_expired_certificate_fails_on_its_dates(client, certificate):
    with rewriting_kept_records():
        Certificate.objects.filter(pk=certificate.pk).update(
            issued_on=datetime.date(2020, 1, 1),
            renewal_due_on=datetime.date(2022, 11, 2),
            expires_on=datetime.date(2023, 1, 1),
        )
    credential = _credential(client, certificate)
    # The credential was signed at issue with the dates of the day: shift them as a forger
    # would, and both the dates and the signature fail.
    credential["validUntil"] = "2023-01-01T00:00:00Z"

    checks = _checks(_post_json(client, json.dumps(credential)).json())

    assert checks["Validity dates"]["result"] == "failed"
    assert checks["Validity dates"]["message"] == "Expired: it was valid until 1 January 2023."
    assert checks["Signature"]["result"] == "failed"


def test_a_schema_break_is_named_with_where_it_is(client, certificate):
    credential = _credential(client, certificate)
    del credential["credentialSubject"]["achievement"]["criteria"]

    checks = _checks(_post_json(client, json.dumps(credential)).json())

    assert checks["Schema"]["result"] == "failed"
    assert "credentialSubject/achievement" in checks["Schema"]["message"]
    assert "'criteria' is a required property" in checks["Schema"]["message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "This is not JSON"),
        ("[1, 2]", "This JSON is not an object"),
    ],
)
def test_what_is_not_a_credential_is_refused_clearly(client, db, body, message):
    response = _post_json(client, body)

    assert response.status_code == 400
    assert response.json()["error"].startswith(message)


def test_the_endpoint_refuses_an_oversized_body(client, db, settings):
    settings.CREDENTIAL_CHECK_MAX_BYTES = 1024

    response = _post_json(client, json.dumps({"name": "x" * 2048}))

    assert response.status_code == 413


def test_the_page_checks_a_pasted_credential(client, certificate):
    text = json.dumps(_credential(client, certificate))

    response = client.post("/credentials/verify/", {"text": text})

    html = response.content.decode()
    assert response.status_code == 200
    assert "This credential is valid" in html
    assert "The signature matches the content." in html
    assert escape("Not revoked") in html


def test_the_page_checks_an_uploaded_file_and_shows_a_tampered_one_as_not_valid(
    client, certificate
):
    text = json.dumps(_credential(client, certificate)).replace('"Certificate"', '"Diploma"', 1)

    response = client.post(
        "/credentials/verify/",
        {"file": SimpleUploadedFile("credential.json", text.encode(), "application/json")},
    )

    html = response.content.decode()
    assert "This credential is not valid" in html
    assert "it has been changed since it was signed" in html


def test_the_page_says_what_is_wrong_with_the_input(client, db, settings):
    empty = client.post("/credentials/verify/", {"text": ""})
    broken = client.post("/credentials/verify/", {"text": "{oops"})
    settings.CREDENTIAL_CHECK_MAX_BYTES = 100
    large = client.post("/credentials/verify/", {"text": "{" + " " * 200 + "}"})

    assert empty.status_code == broken.status_code == large.status_code == 400
    assert "Paste a credential or choose a file to check." in empty.content.decode()
    assert "This is not JSON" in broken.content.decode()
    assert "cannot be one of ours" in large.content.decode()
    assert 'href="#id_text"' in broken.content.decode()  # the error summary links to the field


def test_the_certificate_check_page_links_to_the_credential_check(client, db):
    assert 'href="/credentials/verify/"' in client.get("/verify/").content.decode()
