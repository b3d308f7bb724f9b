"""One `make bench` run: the databases seeded or reused, the server started, every chosen
scenario measured against its baseline, the table printed and bench-results.json written."""

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management import call_command

from config.runtime import settle_after_start_up
from scale.seeding import vacuum_analyze

from .results import Result, format_table, write_json
from .scenarios import SCENARIOS, Options, Run, small_database_url, write_static_copies
from .server import BenchError, Server
from .world import find_world

# The 1/100th database's sizes, as seed_scale's options (its defaults are the national sizes).
SMALL_SIZE_OPTIONS = ("--small",)
SEED_SETTINGS = "config.settings.dev"


def _database_exists(url: str) -> bool:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found:
            return True
        conn.execute(f'CREATE DATABASE "{name}"')  # a name of our own URL, not input
    return False


def _manage(args: list[str], *, database_url: str, say: Callable[[str], None]) -> list[str]:
    """Run a manage.py command against `database_url` under the development settings (seeding
    is refused under production's), its output shown as it goes; stderr (seed_scale's
    progress bar) goes straight to the terminal. Returns the lines it printed."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": SEED_SETTINGS}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip())
        say(f"    {line.rstrip()}")
    if process.wait() != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed on {urlsplit(database_url).path}")
    return lines


def prepare_database(
    url: str, *, seed_options: tuple[str, ...], say: Callable[[str], None]
) -> tuple[float, bool]:
    """Create, migrate and seed the database at `url` when it needs it: the seconds seeding
    took, and whether seed_scale found it seeded already (and reused it)."""
    name = urlsplit(url).path.lstrip("/")
    if not _database_exists(url):
        say(f"  created the database {name}")
    say(f"  migrating {name}")
    _manage(["migrate", "--noinput", "-v0"], database_url=url, say=say)
    say(f"  seeding {name} (seed_scale {' '.join(seed_options)})".rstrip())
    started = time.perf_counter()
    printed = _manage(["seed_scale", *seed_options], database_url=url, say=say)
    reused = any("Already seeded" in line for line in printed)
    return time.perf_counter() - started, reused


def run_bench(
    *,
    options: Options,
    only: list[str] | None = None,
    seed: bool = True,
    output: Path | None = None,
    say: Callable[[str], None] = print,
) -> tuple[list[Result], dict]:
    chosen = only or list(SCENARIOS)
    unknown = [name for name in chosen if name not in SCENARIOS]
    if unknown:
        raise BenchError(f"no scenario {', '.join(unknown)}; there are {', '.join(SCENARIOS)}")
    full_url = os.environ.get("DATABASE_URL", "")
    small_url = options.small_database_url or (full_url and small_database_url(full_url))
    meta: dict = {
        "scenarios": chosen,
        "quick": options.quick,
        "database": urlsplit(full_url).path.lstrip("/")
        or str(settings.DATABASES["default"]["NAME"]),
        "settings": os.environ.get("DJANGO_SETTINGS_MODULE", ""),
        "options": {k: v for k, v in vars(options).items() if k != "small_database_url"},
        "cpus": os.cpu_count(),
    }
    started = time.perf_counter()
    if seed and full_url.startswith("postgres"):
        say("Databases")
        seconds, reused = prepare_database(full_url, seed_options=(), say=say)
        meta["seed_seconds"], meta["seed_reused"] = round(seconds, 1), reused
        seconds, reused = prepare_database(small_url, seed_options=SMALL_SIZE_OPTIONS, say=say)
        meta["small_seed_seconds"], meta["small_seed_reused"] = round(seconds, 1), reused
    # Served and in-process pages alike name the collected, hashed files.
    say("Static files (production settings serve the collected, hashed files)")
    call_command("collectstatic", interactive=False, verbosity=0)
    # As an app's database is kept by autovacuum: earlier runs' rolled-back writes are gone.
    vacuum_analyze()
    world = find_world()
    run = Run(options=options, world=world, say=say)
    results: list[Result] = []
    served = [name for name in chosen if SCENARIOS[name][1]]
    in_process = [name for name in chosen if not SCENARIOS[name][1]]
    if served:
        write_static_copies(run)
        server = Server(workers=options.workers)
        say(f"Starting gunicorn ({options.workers} workers) on {server.base}")
        try:
            server.start()
            run.server = server
        except BenchError as error:
            say(f"  {error}")
        try:
            for name in served:
                results += _scenario(run, name, say)
        finally:
            server.stop()
    # Measured in this process, which is then settled as an app server is (config/wsgi.py).
    settle_after_start_up()
    for name in in_process:
        results += _scenario(run, name, say)
    meta["seconds"] = round(time.perf_counter() - started, 1)
    if output is not None:
        write_json(output, results, meta=meta)
    return results, meta


def _scenario(run: Run, name: str, say: Callable[[str], None]) -> list[Result]:
    function, _ = SCENARIOS[name]
    say(f"Scenario {name}")
    started = time.perf_counter()
    try:
        rows = function(run)
    except Exception as error:  # one scenario's failure is reported, the others still run
        say(f"  failed: {error}")
        rows = [
            Result(scenario=name, title=name, unit="", kind="report", target=None, error=str(error))
        ]
    for row in rows:
        row.details["scenario_seconds"] = round(time.perf_counter() - started, 1)
    return rows


def summary(results: list[Result], meta: dict) -> str:
    lines = [format_table(results), ""]
    if "seed_seconds" in meta:
        lines.append(
            f"Seed time this run: national {_seed_text(meta, 'seed')}, "
            f"1/100th {_seed_text(meta, 'small_seed')}."
        )
    met = sum(result.met for result in results)
    lines.append(f"{met} of {len(results)} targets met; the run took {meta['seconds']:.0f} s.")
    return "\n".join(lines)


def _seed_text(meta: dict, key: str) -> str:
    seconds = meta.get(f"{key}_seconds")
    if seconds is None:
        return "not prepared"
    if meta.get(f"{key}_reused"):
        return f"reused (checked in {seconds:.1f} s)"
    return f"seeded in {seconds:.1f} s"
