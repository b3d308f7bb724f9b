from django.core.management.base import BaseCommand

from credentials.keys import new_seed


class Command(BaseCommand):
    help = (
        "Print a new credential signing key as CREDENTIAL_SIGNING_KEYS writes it (id=seed). To "
        "rotate, put it first and keep the old key after it, so that what it signed still "
        "verifies. Keep it secret: it is printed, never stored."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("key_id", help="A name for the key, e.g. 2026-11.")

    def handle(self, *args, key_id: str, **options) -> None:
        self.stdout.write(f"{key_id}={new_seed()}")
