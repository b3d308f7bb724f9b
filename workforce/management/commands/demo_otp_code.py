"""Prints the security code a demo admin user's authenticator app would show now."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workforce.demo import NoDemoCode, demo_otp_code


class Command(BaseCommand):
    help = (
        "Print the current second-factor code of a demo admin user (trainer@example.org, "
        "reviewer@example.org): demo data only."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", default="trainer@example.org")

    def handle(self, *args, email: str, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo codes are refused under production settings.")
        try:
            self.stdout.write(demo_otp_code(email))
        except NoDemoCode as error:
            raise CommandError(str(error)) from error
