"""Append the public checks still counted in the shared cache (VERIFICATION_CACHE)."""

from django.core.management.base import BaseCommand

from certificates.services import certificate_checks_flush


class Command(BaseCommand):
    help = (
        "Write to the database the public checks counted in the shared cache that no later "
        "check has written yet. Run it every few minutes; it does nothing without the cache."
    )

    def handle(self, *args, **options):
        written = certificate_checks_flush()
        self.stdout.write(f"Wrote {written} counted check{'s' if written != 1 else ''}.")
