"""Builds the demo: organisations, sign-ins, curriculum and records, through the services."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from certificates import demo as certificates_demo
from certificates.pdf import MissingFontsError, check_fonts_installed
from competencies import demo as competencies_demo
from curriculum import demo as curriculum_demo
from quality import demo as quality_demo
from sharing import demo as sharing_demo
from workforce import demo as workforce_demo
from workforce.models import Role


class Command(BaseCommand):
    help = "Load the demo data (safe to run again: it adds only what is missing)."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Demo data is refused under production settings: it creates sign-ins with a "
                "published password."
            )
        try:
            # The demo issues certificates: say what is missing before building anything.
            check_fonts_installed()
        except MissingFontsError as error:
            raise CommandError(f"The demo cannot be loaded. {error}") from error
        with transaction.atomic():
            added = (
                workforce_demo.load()
                | curriculum_demo.load()
                | competencies_demo.load()
                | quality_demo.load()
                | certificates_demo.load()
                | sharing_demo.load()
            )
        summary = ", ".join(f"{count} {what}" for what, count in added.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready (added {summary})."))
        self.stdout.write(f"Demo sign-ins (password: {workforce_demo.DEMO_PASSWORD}):")
        for person in workforce_demo.SIGN_INS:
            role = person.role.label if person.role else person.group
            self.stdout.write(f"  {person.email:<26} {role}")
        self.stdout.write(f"  {quality_demo.IQA_EMAIL:<26} {Role.IQA.label}")
        self.stdout.write(
            "The trainer and reviewer also give a security code (admin access needs one): "
            "print it with `.venv/bin/python manage.py demo_otp_code trainer@example.org`, or add "
            f"the demo key {workforce_demo.DEMO_TOTP_SECRET} to an authenticator app."
        )
        if address := sharing_demo.share_link_address():
            self.stdout.write(
                f"Aisha's share link “{sharing_demo.AISHA_SHARE_LABEL}” (with competency "
                f"levels), open to anyone without signing in: {address}"
            )
