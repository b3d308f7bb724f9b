"""python manage.py import_framework PATH [--rules RULES] [--dry-run]: import a Moodle framework
CSV, with the rules file (evidence rules, method caps, refreshers) exported beside it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curriculum import selectors, services
from curriculum.moodle import MoodleImportError, ParsedFramework, parse_framework_files


class Command(BaseCommand):
    help = (
        "Import a competency framework from a Moodle competency framework CSV "
        "(tool_lpimportcsv). All or nothing: any problem and nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file exported from Moodle.")
        parser.add_argument(
            "--rules",
            help="The rules file (JSON) exported beside the CSV: evidence rules, method caps, "
            "refreshers, scale level descriptors, level-4 descriptors, senior routes and national "
            "framework references, which Moodle's CSV cannot hold.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and summarise it; save nothing."
        )

    def handle(self, *args, path: str, rules: str | None, dry_run: bool, **options):
        data = self.read(path)
        rules_data = None if rules is None else self.read(rules)
        try:
            parsed = parse_framework_files(data, rules_data)
            if dry_run:
                # The real import would refuse it for this reason, so the dry run does too.
                if taken := selectors.framework_id_number_taken(id_number=parsed.id_number):
                    raise MoodleImportError([taken])
                framework = None
            else:
                framework = services.framework_import(data=data, rules_data=rules_data)
        except MoodleImportError as error:
            for line in error.errors:
                self.stderr.write(line)
            raise CommandError(
                f"{path}: {len(error.errors)} problem(s) found; nothing was imported."
            ) from error
        self.stdout.write(self.summary(parsed))
        if framework is None:
            self.stdout.write("Dry run: nothing was saved.")
        else:
            state = "published as version 1" if framework.live else "saved as a draft"
            if not framework.live and rules_data is None:
                state += " (Moodle's CSV has no scale level descriptors: add them, then publish)"
            self.stdout.write(self.style.SUCCESS(f"Imported {framework.id_number}, {state}."))

    def read(self, path: str) -> bytes:
        try:
            return Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error

    def summary(self, parsed: ParsedFramework) -> str:
        levels = [
            f"{level.value} {level.name}"
            + (" (proficient)" if level.is_proficient else "")
            + (" (default)" if level.is_default else "")
            for level in parsed.scale
        ]
        lines = [
            f"Framework: {parsed.id_number} – {parsed.short_name}",
            f"Scale: {'; '.join(levels)}",
            f"Competencies: {len(parsed.competencies)}",
            *(f"  at depth {depth}: {count}" for depth, count in parsed.depth_counts().items()),
        ]
        return "\n".join(lines)
