"""Production settings plus the benchmark's baseline views (`scale.bench.urls`) and static files.

Only `make bench` uses these: the bare view and the static copies it compares with exist nowhere
in production's URLconf.
"""

import os
from pathlib import Path

from config.settings.production import *  # noqa: F403
from config.settings.production import BASE_DIR, LOGGING, TEMPLATES

ROOT_URLCONF = "scale.bench.urls"
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], Path(__file__).resolve().parent / "templates"]}
]
# The static baselines (a copy of a stored certificate PDF, of a public page) are files served
# by WhiteNoise at the site's root, as a static file would be; the runner writes them before
# the servers start, since WhiteNoise lists its files once at start-up.
BENCH_STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", BASE_DIR / ".bench" / "static-root"))
BENCH_STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_ROOT = BENCH_STATIC_ROOT
# django-axes notes every sign-in at INFO; the benchmark signs in often and prints its own table.
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "axes": {"level": "WARNING"}}}
