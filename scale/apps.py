from django.apps import AppConfig


class ScaleConfig(AppConfig):
    """National scale: `seed_scale` fills a database to national size and `bench` measures it."""

    name = "scale"
    verbose_name = "National scale"
