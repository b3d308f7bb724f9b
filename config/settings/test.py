"""Settings for the test suite: fast hashing, mail kept in memory, tasks run at once."""

import base64
import os
import secrets
import tempfile

from .base import *  # noqa: F403

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "test-only-insecure-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# A signing key of this run's own, never written anywhere (tests of rotation set their own).
_SEED = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
CREDENTIAL_SIGNING_KEYS = f"test-{os.getpid()}={_SEED}"
CREDENTIAL_RETIRED_KEYS = ""
CREDENTIAL_SIGNING_KEY_FILE = None
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the browser tests' live server answers requests in several threads,
    # and Django hands them all one shared connection to an in-memory database, which SQLite
    # refuses now and then ("bad parameter or other API misuse"). One file per test run.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"link-worker-academy-test-{os.getpid()}.db")
    }
    # A test database is thrown away: no need to wait for the disk at every commit.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA synchronous=OFF"  # noqa: F405
