"""Settings come from the environment; production refuses to start without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _load_settings(module: str, **env: str) -> subprocess.CompletedProcess:
    """Import a settings module in a clean interpreter with exactly the given variables."""
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "SITE_BASE_URL"))
    }
    clean_env.update(env, DJANGO_SETTINGS_MODULE=module)
    script = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.DEBUG, settings.ALLOWED_HOSTS, settings.DATABASES['default']['ENGINE'], "
        "'django.contrib.postgres' in settings.INSTALLED_APPS, settings.SITE_BASE_URL)"
    )
    return subprocess.run(  # noqa: S603 - fixed interpreter and script
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _load_settings("config.settings.production")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_starts_with_its_settings_from_the_environment():
    result = _load_settings(
        "config.settings.production",
        DJANGO_SECRET_KEY="a-real-secret-from-the-environment-" + "x" * 20,
        DJANGO_ALLOWED_HOSTS="academy.example.org,www.academy.example.org",
        DATABASE_URL="postgres://academy@db.internal:5432/academy",
        SITE_BASE_URL="https://academy.example.org/",
        # Production also needs a key to sign credentials with (tests/credentials/test_keys.py).
        CREDENTIAL_SIGNING_KEYS="2026-11=" + "A" * 43,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 1)[0] == "False"
    assert "['academy.example.org', 'www.academy.example.org']" in result.stdout
    assert "django.db.backends.postgresql True" in result.stdout
    assert result.stdout.strip().endswith("https://academy.example.org")


def test_development_defaults_to_the_embedded_database():
    result = _load_settings("config.settings.dev")

    assert result.returncode == 0, result.stderr
    assert "django.db.backends.sqlite3 False" in result.stdout


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")

    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_setting_points_at_an_outside_host(settings):
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    assert settings.WAGTAILEMBEDS_FINDERS == []


def test_tests_run_background_tasks_immediately(settings):
    assert settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")


@pytest.mark.django_db
def test_only_the_wagtail_admin_allows_inline_scripts(client):
    public = client.get("/accounts/login/").headers["Content-Security-Policy"]
    admin = client.get("/admin/login/").headers["Content-Security-Policy"]

    assert "'unsafe-inline'" not in public.split("script-src", 1)[1].split(";", 1)[0]
    assert "script-src 'self' 'unsafe-inline'" in admin
    assert "object-src 'none'" in admin
