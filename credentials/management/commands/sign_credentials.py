from django.core.management.base import BaseCommand

from credentials.services import credentials_sign_missing


class Command(BaseCommand):
    help = (
        "Sign the Open Badges credential of every certificate that has none yet (those issued "
        "before credentials were signed). Safe to run again: signed ones are left as they are."
    )

    def handle(self, *args, **options) -> None:
        signed = credentials_sign_missing()
        self.stdout.write(f"Signed {signed} certificate credential{'s' if signed != 1 else ''}.")
