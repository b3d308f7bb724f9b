"""seed_scale: fill the database to national size for benchmarks (see scale/seeding.py)."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from certificates.models import Certificate
from certificates.pdf import MissingFontsError
from scale import seeding


class _Bar:
    """A progress bar per phase on stderr: rows done of the total, and rows a second."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.phase = None
        self.started = 0.0
        self.shown = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if phase != self.phase:
            self.phase, self.started, self.shown = phase, now, 0.0
        finished = done >= total
        if not finished and now - self.shown < 0.5:
            return
        self.shown = now
        elapsed = max(now - self.started, 1e-6)
        filled = int(self.WIDTH * done / total) if total else self.WIDTH
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(
            f"\r{phase:<11} [{bar}] {done:>10,}/{total:<10,} {done / elapsed:>9,.0f}/s "
            f"{elapsed:6.1f} s"
        )
        if finished:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic national-scale data for benchmarks (PostgreSQL: COPY). "
        "Run again with the same sizes it does nothing; --replace starts over."
    )

    def add_arguments(self, parser):
        defaults = seeding.Sizes()
        parser.add_argument("--workers", type=int, default=defaults.workers)
        parser.add_argument("--organisations", type=int, default=defaults.organisations)
        parser.add_argument("--assessments", type=int, default=defaults.assessments)
        parser.add_argument("--certificates", type=int, default=defaults.certificates)
        parser.add_argument("--years", type=int, default=defaults.years)
        parser.add_argument(
            "--small",
            action="store_true",
            help="1/100 of the default sizes (100 workers, 5 organisations, 10,000 assessments, "
            "200 certificates).",
        )
        parser.add_argument("--random-seed", type=int, default=17)
        parser.add_argument(
            "--rendered",
            type=int,
            default=seeding.RENDERED_SAMPLE,
            help="How many certificates the real renderer draws (at least 1); the rest share "
            "the first one's PDF, each made different by a line after its end.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Drop the database (PostgreSQL, or an SQLite file), migrate it afresh and seed.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even under production settings (never on a live service's database).",
        )

    def handle(self, *args, **options):
        try:
            sizes = (
                seeding.SMALL_SIZES
                if options["small"]
                else seeding.Sizes(
                    workers=options["workers"],
                    organisations=options["organisations"],
                    assessments=options["assessments"],
                    certificates=options["certificates"],
                    years=options["years"],
                )
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if not settings.DEMO_DATA_ALLOWED and not options["force"]:
            raise CommandError(
                "Seeding is refused under production settings: it creates sign-ins with a "
                "published password. Give --force only for a benchmark database."
            )
        if options["replace"]:
            self._start_over()
        self.stdout.write(f"Seeding {sizes.describe()} into {self._database()}.")
        try:
            summary = seeding.seed(
                sizes,
                random_seed=options["random_seed"],
                progress=_Bar(self.stderr._out),
                force=options["force"],
                rendered=options["rendered"],
            )
        except (seeding.SeedRefused, MissingFontsError) as error:
            raise CommandError(str(error)) from error
        if summary.reused:
            self.stdout.write(self.style.SUCCESS("Already seeded with these sizes: nothing to do."))
        else:
            phases = ", ".join(
                f"{phase} {seconds:.1f} s" for phase, seconds in summary.seconds.items()
            )
            self.stdout.write(
                self.style.SUCCESS(f"Seeded in {summary.total_seconds:.1f} s ({phases}).")
            )
            for table, count in summary.counts.items():
                if count:
                    self.stdout.write(
                        f"  {table:<40} {count:>10,} rows  "
                        f"{summary.write_seconds.get(table, 0):6.1f} s writing"
                    )
        self.stdout.write(
            f"Sign in with password {seeding.SEED_PASSWORD!r} as {seeding.NATIONAL_MANAGER_EMAIL}"
            f" (every organisation), {seeding.BIG_MANAGER_EMAIL} ({seeding.BIG_ORGANISATION}), "
            f"{seeding.SMALL_MANAGER_EMAIL}, {seeding.ASSESSOR_EMAIL} or "
            f"{seeding.TYPICAL_WORKER_EMAIL}."
        )

    def _database(self) -> str:
        name = connection.settings_dict["NAME"]
        return f"{connection.vendor} database {name}"

    def _start_over(self) -> None:
        """Drop and recreate the whole database: the seed never deletes kept records."""
        found = seeding.non_seed_data()
        if found:
            raise CommandError(
                "--replace drops the whole database, and this one holds data the seed did not "
                "make (" + "; ".join(found) + "). Drop it yourself if you mean it."
            )
        name = connection.settings_dict["NAME"]
        self.stdout.write(f"Dropping {self._database()} and migrating it afresh.")
        # The seed's certificate PDFs go with it (the files of a database holding only the seed).
        storage = Certificate._meta.get_field("pdf").storage
        for stored in Certificate.objects.values_list("pdf", flat=True).iterator():
            storage.delete(stored)
        if connection.vendor == "postgresql":
            connection.close()
            import psycopg

            params = {
                key: value
                for key, value in connection.get_connection_params().items()
                if key in ("host", "port", "user", "password")
            }
            with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
                quoted = connection.ops.quote_name(name)
                admin.execute(f"DROP DATABASE IF EXISTS {quoted}")
                admin.execute(f"CREATE DATABASE {quoted}")
        elif connection.vendor == "sqlite" and not connection.is_in_memory_db():
            connection.close()
            Path(name).unlink(missing_ok=True)
        else:
            raise CommandError("--replace needs PostgreSQL or an SQLite file.")
        call_command("migrate", verbosity=0, interactive=False)
