"""Fixtures for credential tests: a certificate issued (and so signed) through the services, and
the independent verifier that checks it under Node."""

import json
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from certificates import services as certificate_services
from certificates.models import Certificate
from tests.certificates.conftest import (  # noqa: F401 - fixtures, found by name
    assess,
    core_codes,
    eligible_worker,
    methods,
    qualification,
    second_assessor,
)

SITE = "https://academy.example.org"
VERIFIER = Path(__file__).resolve().parent / "verify.mjs"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_BASE_URL = SITE


@pytest.fixture
def certificate(
    eligible_worker,  # noqa: F811 - the fixture imported above
    manager,
    qualification,  # noqa: F811
) -> Certificate:
    return certificate_services.certificate_issue(
        actor=manager, worker=eligible_worker, qualification=qualification
    )


def published(client: Client, credential: dict) -> dict:
    """What a verifier would fetch for `credential`, read from the app itself: our DID document
    and the status list the credential's entry points to."""
    did = client.get("/.well-known/did.json").json()
    documents = {did["id"]: did}
    entries = [credential.get("credentialStatus")]
    for inner in credential.get("credentialSubject", {}).get("verifiableCredential", []):
        entries.append(inner.get("credentialStatus"))
    for entry in filter(None, entries):
        url = entry["statusListCredential"]
        documents[url] = client.get(url.removeprefix(SITE)).json()
    return documents


def node_verify(credential: dict, documents: dict) -> dict:
    """Digital Bazaar's verifier's verdict on `credential` (tests/credentials/verify.mjs)."""
    result = subprocess.run(  # noqa: S603 - fixed script, input on stdin
        ["node", str(VERIFIER)],  # noqa: S607 - Node from the PATH, as `make install` needs
        input=json.dumps({"credential": credential, "documents": documents}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
