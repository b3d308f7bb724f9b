"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from config.runtime import settle_after_start_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_asgi_application()
settle_after_start_up()
