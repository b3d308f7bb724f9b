"""Settings for a developer's machine and `make demo`: debug on, SQLite by default."""

import os

from .base import *  # noqa: F403

DEBUG = True
# A fixed key is fine on a laptop; production refuses to start without its own.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "dev-only-insecure-key-not-for-production"

# Serve static files straight from the app and build folders, picking up rebuilt assets.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
