"""Where a test's stored files go: the evidence and certificate storages, and the models' fields
that took theirs when the models loaded."""

from django.core.files.storage import Storage, storages

from certificates.models import Certificate
from competencies.models import Evidence


def use_storages(monkeypatch, settings, **specs: dict) -> dict[str, Storage]:
    """Point the stored files at the storages of these STORAGES entries ("evidence",
    "certificates"). The models' fields took their storage when the models loaded, before any
    test's settings, so they are pointed too."""
    settings.STORAGES = {**settings.STORAGES, **specs}
    made = {alias: storages[alias] for alias in specs}
    monkeypatch.setattr(Evidence._meta.get_field("file"), "storage", made["evidence"])
    monkeypatch.setattr(Certificate._meta.get_field("pdf"), "storage", made["certificates"])
    return made


def disk_specs(folder) -> dict[str, dict]:
    return {
        location: {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder / location},
        }
        for location in ("evidence", "certificates")
    }
