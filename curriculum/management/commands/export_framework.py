"""python manage.py export_framework ID_NUMBER [--output PATH] [--rules PATH]: write a Moodle
framework CSV, and the rules file that Moodle has no column for beside it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curriculum import selectors
from curriculum.moodle import write_framework_csv, write_framework_rules


class Command(BaseCommand):
    help = (
        "Export a competency framework as a Moodle competency framework CSV "
        "(tool_lpimportcsv), to standard output or a file."
    )

    def add_arguments(self, parser):
        parser.add_argument("id_number", help="The framework's ID number, e.g. SPLW-CORE.")
        parser.add_argument("--output", help="Write to this file instead of standard output.")
        parser.add_argument(
            "--rules",
            help="Also write the rules file (JSON: evidence rules, method caps, refreshers, "
            "scale level descriptors, level-4 descriptors, senior routes and national framework "
            "references) to this file; import_framework --rules reads it back.",
        )

    def handle(self, *args, id_number: str, output: str | None, rules: str | None, **options):
        with_rules = rules is not None
        framework = selectors.framework_for_export(id_number=id_number, with_rules=with_rules)
        if framework is None:
            raise CommandError(f"No competency framework has the ID number {id_number}.")
        try:
            text = write_framework_csv(framework)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if rules is not None:
            self.write(rules, write_framework_rules(framework))
            self.stdout.write(f"Wrote the rules of {framework.id_number} to {rules}.")
        if output is None:
            self.stdout.write(text, ending="")
            return
        self.write(output, text)
        self.stdout.write(f"Wrote {framework.id_number} to {output}.")

    def write(self, path: str, text: str) -> None:
        try:
            # newline="" writes the CSV's line endings as they are, on any platform.
            Path(path).write_text(text, encoding="utf-8", newline="")
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from error
