"""python manage.py export_framework ID_NUMBER [--output PATH]: write a Moodle framework CSV."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curriculum import selectors
from curriculum.moodle import write_framework_csv


class Command(BaseCommand):
    help = (
        "Export a competency framework as a Moodle competency framework CSV "
        "(tool_lpimportcsv), to standard output or a file."
    )

    def add_arguments(self, parser):
        parser.add_argument("id_number", help="The framework's ID number, e.g. SPLW-CORE.")
        parser.add_argument("--output", help="Write to this file instead of standard output.")

    def handle(self, *args, id_number: str, output: str | None, **options):
        framework = selectors.framework_for_export(id_number=id_number)
        if framework is None:
            raise CommandError(f"No competency framework has the ID number {id_number}.")
        try:
            text = write_framework_csv(framework)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            # newline="" writes the CSV's line endings as they are, on any platform.
            Path(output).write_text(text, encoding="utf-8", newline="")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        self.stdout.write(f"Wrote {framework.id_number} to {output}.")
