"""Settings shared by every environment; everything that varies comes from the environment."""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The public address of the site: certificate QR codes and emails link to it.
SITE_BASE_URL = os.environ.get("SITE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
WAGTAIL_SITE_NAME = "Link Worker Academy"
SERVICE_NAME = WAGTAIL_SITE_NAME

# Demo sign-ins are only ever created where this is on; production switches it off.
DEMO_DATA_ALLOWED = True

INSTALLED_APPS = [
    "workforce",
    "curriculum",
    "competencies",
    "certificates",
    "credentials",
    "oversight",
    "imports",
    "quality",
    "sharing",
    "demo",
    "scale",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "workforce.apps.UsersAdminConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "import_export",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First: refuses a body larger than its page accepts before anything reads it (CSRF does).
    "config.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Signed links to stored files (certificate PDFs), issued by the permission-checked views and
    # served here, before the session and the database, as cheaply as a static file.
    "workforce.downloads.SignedDownloadMiddleware",
    # Anonymous readers' curriculum pages, kept by the app servers when the cache is shared.
    "curriculum.caching.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "workforce.signin.SessionTimeoutMiddleware",
    "workforce.two_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.WagtailAdminCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workforce.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction begins and queue for it (up to 20 s), instead
    # of failing with "database is locked" when two requests write at once.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's PostgreSQL search backend and the certificate register need it.
    INSTALLED_APPS.append("django.contrib.postgres")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "workforce.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Signing in (workforce/signin.py, workforce/two_factor.py) ---------------------------------
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses a locked-out account or address before any password
    # is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Each account, and each address, is locked after this many failed sign-ins in a row, until the
# failures are SIGN_IN_LOCKOUT_MINUTES old or an administrator unlocks it (admin: "Sign-in
# lockouts"). Either parameter alone locks: guessing many passwords for one account from many
# addresses, or one password for many accounts from one address.
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("SIGN_IN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Email addresses are matched without regard to case: "A@x.org" and "a@x.org" are one account.
AXES_USERNAME_CALLABLE = "workforce.signin.attempted_email"
AXES_LOCKOUT_CALLABLE = "workforce.signin.lockout_response"
# The client's address as the public pages' rate limits find it (RATE_LIMIT_PROXIES).
AXES_CLIENT_IP_CALLABLE = "workforce.signin.client_address"
# Axes prints a banner on every start (each manage.py command); the audit log records lockouts.
AXES_VERBOSE = False
# Password reset requests per hour, per address and per email address (workforce/signin.py).
PASSWORD_RESET_LIMIT_PER_ADDRESS = 10
PASSWORD_RESET_LIMIT_PER_EMAIL = 3
# A session ends 12 hours after signing in, whatever happens, and after 30 minutes without a
# request (workforce.signin.SessionTimeoutMiddleware).
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_IDLE_TIMEOUT = 30 * 60
# Everyone who can open the Wagtail admin signs in with a second factor; the demo's secret is
# published, so the demo's codes are too (README).
OTP_TOTP_ISSUER = "Link Worker Academy"
# Passwords are changed and reset only through our audited, throttled pages (/accounts/...).
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Evidence uploads: the largest file a link worker may submit (bytes).
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
# A certificate PDF is a few hundred kilobytes; a larger upload cannot be one of ours.
CERTIFICATE_CHECK_MAX_BYTES = 5 * 1024 * 1024
# Verifiable credentials (credentials/keys.py): Ed25519 keys as `id=seed` pairs, the active key
# first; keys after it, and CREDENTIAL_RETIRED_KEYS (`id=publicKeyMultibase`), stay published so
# that what they signed still verifies. Without keys, a key file made on first use (not production).
CREDENTIAL_SIGNING_KEYS = os.environ.get("CREDENTIAL_SIGNING_KEYS", "")
CREDENTIAL_RETIRED_KEYS = os.environ.get("CREDENTIAL_RETIRED_KEYS", "")
CREDENTIAL_SIGNING_KEY_FILE = Path(
    os.environ.get("CREDENTIAL_SIGNING_KEY_FILE") or BASE_DIR / ".credential-signing-key"
)
# A pasted or uploaded credential to check: a whole-record export with many certificates fits.
CREDENTIAL_CHECK_MAX_BYTES = 1024 * 1024
# Spreadsheet imports (assessments, rosters): the largest file accepted (bytes).
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
# Spreadsheet imports: the most rows read below the headings (empty ones count), CSV or XLSX.
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "100000"))
# --- Request bodies (config.middleware.RequestSizeLimitMiddleware): larger ones get a 413 ---
# Any request that is not an upload: Django's own cap on form fields (DATA_UPLOAD_MAX_MEMORY_SIZE,
# 2.5 MiB) with room for the multipart encoding of a long Wagtail page form. Uploads may send
# their file's limit (EVIDENCE_MAX_BYTES, IMPORT_MAX_BYTES, CERTIFICATE_CHECK_MAX_BYTES and
# Wagtail's two below) and their form's fields.
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(4 * 1024 * 1024)))
# Wagtail admin uploads (bytes): images (Wagtail's default), and documents (curriculum videos).
WAGTAILIMAGES_MAX_UPLOAD_SIZE = int(
    os.environ.get("WAGTAILIMAGES_MAX_UPLOAD_SIZE", str(10 * 1024 * 1024))
)
WAGTAILDOCS_MAX_UPLOAD_SIZE = int(
    os.environ.get("WAGTAILDOCS_MAX_UPLOAD_SIZE", str(200 * 1024 * 1024))
)
# Evidence files are private: kept outside MEDIA_ROOT and served only by a permission-checked view.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
EVIDENCE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_MEDIA_ROOT / "evidence", "base_url": "/no-public-url/"},
}
CERTIFICATE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_MEDIA_ROOT / "certificates", "base_url": "/no-public-url/"},
}
# With STORAGE_S3_BUCKET set, evidence and certificate PDFs live on an S3-compatible store instead,
# so that every app server sees them. boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
STORAGE_S3_BUCKET = os.environ.get("STORAGE_S3_BUCKET", "")
STORAGE_S3_ENDPOINT_URL = os.environ.get("STORAGE_S3_ENDPOINT_URL", "") or None
STORAGE_S3_REGION = os.environ.get("STORAGE_S3_REGION", "") or "eu-west-2"
# Seconds a download link from a permission-checked view works (workforce/downloads.py; on S3,
# the store's presigned URL). Long enough to follow a redirect, too short to pass a link around.
DOWNLOAD_LINK_SECONDS = int(os.environ.get("DOWNLOAD_LINK_SECONDS", "60"))


def s3_storage(location: str) -> dict:
    """A private S3 storage under one prefix of STORAGE_S3_BUCKET."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            "endpoint_url": STORAGE_S3_ENDPOINT_URL,
            "region_name": STORAGE_S3_REGION,
            "location": location,
            # Objects are private: the permission-checked views send certificate PDFs to a presigned
            # URL living DOWNLOAD_LINK_SECONDS, and stream evidence themselves.
            # No ACL is sent, so they are the bucket owner's alone; a bucket with ACLs disabled
            # (AWS's default) refuses any ACL but that. A URL, if asked for, is signed and brief.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            # Stored files are kept records: a new file never replaces one of the same name.
            "file_overwrite": False,
            "signature_version": "s3v4",
            "addressing_style": "path" if STORAGE_S3_ENDPOINT_URL else None,
        },
    }


if STORAGE_S3_BUCKET:
    EVIDENCE_STORAGE = s3_storage("evidence")
    CERTIFICATE_STORAGE = s3_storage("certificates")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "evidence": EVIDENCE_STORAGE,
    "certificates": CERTIFICATE_STORAGE,
}


def mailers_from_environment(default_backend: str) -> dict:
    """Django 6.1's MAILERS from DJANGO_EMAIL_* variables (SMTP options only for SMTP)."""
    backend = os.environ.get("DJANGO_EMAIL_BACKEND", default_backend)
    options = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("DJANGO_EMAIL_PORT", "587")),
            "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
            "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", default=True),
        }
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


# Outside production, mail (password reset links) is printed on the console by default.
MAILERS = mailers_from_environment("django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Link Worker Academy <no-reply@example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (large imports, bulk certificate issue) runs through Django's tasks framework.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Nothing may call an outside host: no Gravatar, no remote fonts, no update checks.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILEMBEDS_FINDERS = []
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "csv", "txt", "mp4", "webm"]

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # Wagtail's admin sets style attributes from its scripts.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}
# Wagtail relaxes this to SAMEORIGIN on its own preview views.
# The Wagtail admin's templates carry inline scripts without a nonce (a nonce would make browsers
# ignore 'unsafe-inline'), so the admin alone allows them.
WAGTAILADMIN_SECURE_CSP = {**SECURE_CSP, "script-src": [CSP.SELF, CSP.UNSAFE_INLINE]}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint reports each rendering step at INFO; its warnings (e.g. a missing glyph) stay.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# Caches: CACHE_URL=redis://host:6379/0 shares counts (rate limits, sign-in throttles) between
# app servers; without it each process keeps its own in memory.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# With a shared cache, sessions are read from it and written through to the database, so every
# app server sees a sign-in at once and a restarted cache loses no one's session.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL.startswith(("redis://", "rediss://"))
    else "django.contrib.sessions.backends.db"
)


# A frontend cache (CDN or caching proxy) in front of the site, purged when curriculum pages,
# the framework, methods or references are published (curriculum/caching.py): "cloudflare"
# (FRONTEND_CACHE_CLOUDFLARE_BEARER_TOKEN, FRONTEND_CACHE_CLOUDFLARE_ZONE_ID), "cloudfront"
# (FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID, AWS credentials as boto3 finds them), "http" (a
# proxy taking PURGE requests at FRONTEND_CACHE_LOCATION) or a backend class's dotted path.
# None by default (the demo's).
def frontend_cache_from_environment() -> dict:
    backend = os.environ.get("FRONTEND_CACHE_BACKEND", "").strip()
    if not backend:
        return {}
    wagtail = "wagtail.contrib.frontend_cache.backends."
    config = {
        "BACKEND": {
            "cloudflare": wagtail + "CloudflareBackend",
            "cloudfront": wagtail + "CloudfrontBackend",
            "http": wagtail + "HTTPBackend",
        }.get(backend, backend)
    }
    if backend == "cloudflare":
        config["BEARER_TOKEN"] = os.environ.get("FRONTEND_CACHE_CLOUDFLARE_BEARER_TOKEN", "")
        config["ZONEID"] = os.environ.get("FRONTEND_CACHE_CLOUDFLARE_ZONE_ID", "")
    elif backend == "cloudfront":
        config["DISTRIBUTION_ID"] = os.environ.get("FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID", "")
    elif backend == "http":
        config["LOCATION"] = os.environ.get("FRONTEND_CACHE_LOCATION", "")
    if hostnames := env_list("FRONTEND_CACHE_HOSTNAMES"):
        config["HOSTNAMES"] = hostnames
    return {"default": config}


WAGTAILFRONTENDCACHE = frontend_cache_from_environment()
# Anonymous readers' copies of public curriculum pages: browsers keep them this many seconds
# before revalidating by ETag (default 0: every visit asks, and an approved change shows at
# once; unchanged, the answer is a 304); a configured frontend cache, purged on publish, keeps
# them longer.
CURRICULUM_CACHE_MAX_AGE = int(os.environ.get("CURRICULUM_CACHE_MAX_AGE", "0"))
CURRICULUM_CACHE_SHARED_MAX_AGE = int(os.environ.get("CURRICULUM_CACHE_SHARED_MAX_AGE", "86400"))
# The app servers' own copies of those pages for anonymous readers (curriculum/caching.py),
# retired by any publish: on by default with a shared cache only, since with a cache per process
# a publish would retire the copies of one process and leave the others' (0 turns it off).
CURRICULUM_PAGE_CACHE_SECONDS = int(
    os.environ.get(
        "CURRICULUM_PAGE_CACHE_SECONDS",
        "86400" if CACHE_URL.startswith(("redis://", "rediss://")) else "0",
    )
)

# Public certificate checks keep each certificate's public row, and count checks, in the cache
# (certificates/verification.py): on by default with a shared cache only, since a revoke must
# reach every app server's next check at once.
VERIFICATION_CACHE = env_bool("VERIFICATION_CACHE", CACHE_URL.startswith(("redis://", "rediss://")))

# Public pages are limited per client address (workforce/ratelimit.py).
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", True)
RATE_LIMIT_CACHE = "default"
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none, use the
# connection's address).
RATE_LIMIT_PROXIES = int(os.environ.get("RATE_LIMIT_PROXIES", "0"))
