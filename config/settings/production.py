"""Production settings: refuses to start without a secret key; HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    CERTIFICATE_STORAGE,
    CREDENTIAL_SIGNING_KEYS,
    EVIDENCE_STORAGE,
    SECRET_KEY,
    env_bool,
    mailers_from_environment,
)

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Production will not start without a secret key of its own "
        "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

# Credentials are signed with keys from the environment only: never a file made on the server.
CREDENTIAL_SIGNING_KEY_FILE = None
if not CREDENTIAL_SIGNING_KEYS.strip():
    raise ImproperlyConfigured(
        "CREDENTIAL_SIGNING_KEYS is not set. Production will not start without a key to sign "
        "credentials with (make one with: python manage.py credential_key)."
    )

DEBUG = False
DEMO_DATA_ALLOWED = False
MAILERS = mailers_from_environment("django.core.mail.backends.smtp.EmailBackend")

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "evidence": EVIDENCE_STORAGE,
    "certificates": CERTIFICATE_STORAGE,
}
