"""`manage.py bench`: measure every scenario of DESIGN.md's performance table against its
baseline in one run (`make bench` gives it production settings and the national database)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scale.bench.runner import run_bench, summary
from scale.bench.scenarios import SCENARIOS, Options
from scale.bench.server import BenchError


class Command(BaseCommand):
    help = (
        "Seed or reuse the national-scale database, then measure each scenario against its "
        "baseline in this run: a table of baseline, measured, ratio, target and whether it is "
        "met, written to bench-results.json too. Figures to read, never a test that fails."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--only",
            action="append",
            metavar="SCENARIO",
            help=f"Run only these scenarios (repeat or comma-separate): {', '.join(SCENARIOS)}.",
        )
        parser.add_argument(
            "--quick",
            action="store_true",
            help="A quicker, rougher run: 3 s loads, 5 repeats, 100 renders, 1,000 import rows.",
        )
        parser.add_argument("--no-seed", action="store_true", help="Use the databases as they are.")
        parser.add_argument("--seconds", type=float, help="Each wrk run's duration.")
        parser.add_argument("--repeats", type=int, help="Timings per in-process median.")
        parser.add_argument("--renders", type=int, help="Renders watched for memory growth.")
        parser.add_argument("--import-rows", type=int, help="Rows in the import scenario.")
        parser.add_argument("--workers", type=int, help="gunicorn workers (default 3).")
        parser.add_argument("--connections", type=int, help="wrk connections (default 8).")
        parser.add_argument(
            "--small-database-url",
            default="",
            help="The 1/100th database (default: DATABASE_URL's name with _small).",
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=Path(settings.BASE_DIR) / "bench-results.json",
            help="Where to write the results as JSON.",
        )

    def handle(self, *args, **options) -> None:
        overrides = {
            name: options[name]
            for name in ("seconds", "repeats", "renders", "import_rows", "workers", "connections")
            if options[name] is not None
        }
        overrides["small_database_url"] = options["small_database_url"]
        bench_options = Options.quick_run(**overrides) if options["quick"] else Options(**overrides)
        only = [
            name.strip()
            for item in options["only"] or []
            for name in item.split(",")
            if name.strip()
        ]
        try:
            results, meta = run_bench(
                options=bench_options,
                only=only or None,
                seed=not options["no_seed"],
                output=options["output"],
                say=lambda line: self.stdout.write(line),
            )
        except BenchError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("")
        self.stdout.write(summary(results, meta))
        self.stdout.write(f"Written to {options['output']}")
