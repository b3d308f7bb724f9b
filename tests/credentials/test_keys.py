"""Signing keys come from configuration, never the repository: production refuses to start
without one, a bad one stops the deploy check, and development makes its own, kept private."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from credentials.keys import active_key, issuer_did, issuer_keys, new_seed

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "SITE_BASE_URL", "CREDENTIAL_"))
    }
    clean.update(
        env,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="a-real-secret-from-the-environment-" + "x" * 30,
        DJANGO_ALLOWED_HOSTS="academy.example.org",
        SITE_BASE_URL="https://academy.example.org",
    )
    return subprocess.run(  # noqa: S603 - fixed interpreter and script
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_signing_key():
    result = _manage("check")

    assert result.returncode != 0
    assert "CREDENTIAL_SIGNING_KEYS is not set" in result.stderr


def test_production_with_a_key_passes_the_deploy_check():
    result = _manage("check", "--deploy", CREDENTIAL_SIGNING_KEYS=f"2026-11={new_seed()}")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_a_malformed_key_stops_the_checks(settings):
    settings.CREDENTIAL_SIGNING_KEYS = "2026-11=AAAA"  # three bytes, not 32

    with pytest.raises(SystemCheckError, match="must be 32 bytes"):
        call_command("check")


def test_without_configured_keys_a_private_key_file_is_made_once(settings, tmp_path):
    key_file = tmp_path / "key"
    settings.CREDENTIAL_SIGNING_KEYS = ""
    settings.CREDENTIAL_SIGNING_KEY_FILE = key_file

    first = active_key()

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert active_key().public_key_multibase == first.public_key_multibase
    assert first.public_key_multibase.startswith("z6Mk")  # an Ed25519 Multikey


def test_no_key_and_no_file_is_refused(settings):
    settings.CREDENTIAL_SIGNING_KEYS = ""
    settings.CREDENTIAL_SIGNING_KEY_FILE = None

    with pytest.raises(Exception, match="No credential signing key"):
        issuer_keys()


def test_the_did_names_the_site_and_its_port(settings):
    settings.SITE_BASE_URL = "http://127.0.0.1:8000"

    assert issuer_did() == "did:web:127.0.0.1%3A8000"


def test_the_repository_holds_no_key_file():
    tracked = subprocess.run(
        ["git", "ls-files", ".credential-signing-key"],  # noqa: S607
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".credential-signing-key"],  # noqa: S607
        cwd=PROJECT_ROOT,
        check=False,
    )

    assert tracked.stdout == ""
    assert ignored.returncode == 0
