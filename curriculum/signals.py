"""Wires Wagtail's publish signal to the version-recording service."""

from wagtail.signals import published

from .models import CompetencyFramework
from .services import framework_version_record


def record_framework_version(sender, instance, revision, **kwargs):
    framework_version_record(framework=instance, revision=revision)


def connect() -> None:
    published.connect(
        record_framework_version,
        sender=CompetencyFramework,
        dispatch_uid="curriculum.record_framework_version",
    )
