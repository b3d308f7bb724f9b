from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: `load_demo_data` builds it from every app's demo loader, from the top layer."""

    name = "demo"
    verbose_name = "Demo data"
