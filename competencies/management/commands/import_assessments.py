"""python manage.py import_assessments PATH [--dry-run] [--as EMAIL]: assessments from a file."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from competencies import services
from workforce.models import User
from workforce.refusals import refusal_text


class Command(BaseCommand):
    help = (
        "Import assessments from a CSV or XLSX file (columns worker_email, competency_code, "
        "level, method, assessed_on, assessor_email, notes). All or nothing: if any row is "
        "refused, nothing is saved and the command exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV or XLSX file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; save nothing."
        )
        parser.add_argument(
            "--as",
            dest="as_email",
            metavar="EMAIL",
            help="Import as this manager or assessor, limited to their organisations' link "
            "workers (default: as an administrator, for any link worker).",
        )

    def handle(self, *args, path: str, dry_run: bool, as_email: str | None, **options):
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        actor = None
        if as_email:
            actor = User.objects.filter(email__iexact=as_email, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active account has the email address {as_email}.")
        try:
            report = services.assessments_import(
                data=data, filename=Path(path).name, actor=actor, dry_run=dry_run
            )
        except (ValidationError, PermissionDenied) as refused:
            raise CommandError(refusal_text(refused)) from refused
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                f"{path}: {len(report.problems())} problem(s) found; nothing was imported."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {report.new} new assessment(s)."))
