"""Two app servers and two task workers on one machine, sharing what a national deployment shares.

Usage: .venv/bin/python scripts/scale_demo.py [--database lwa_scale_demo] (or `make scale-demo`)

It runs, until Ctrl+C or SIGTERM:
- one PostgreSQL database (made afresh from a migrated template, with the demo data loaded),
- one Redis database for the cache, sessions, lockouts and rate limits (emptied at start),
- a local S3 server (moto in server mode) holding certificate PDFs and evidence in one bucket,
- two gunicorn app servers under production settings, on two ports of 127.0.0.1,
- two `db_worker` task workers.

Every process gets the same settings from the environment, which is all scaling out needs; the
addresses and the log directory are printed once everything answers. The store is in memory, so
the database is made afresh at each start to match it (the migrated template is kept: the next
start only applies new migrations to it).

Tests use `running()`, which starts the same processes, yields their addresses and stops them.
"""

import argparse
import contextlib
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import psycopg
import redis
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
MANAGE = [PYTHON, str(BASE_DIR / "manage.py")]
MOTO_SERVER = str(Path(PYTHON).parent / "moto_server")

DEFAULT_DATABASE = "lwa_scale_demo"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/7"
BUCKET = "lwa-scale-demo"
REGION = "eu-west-2"
# moto accepts any keys; boto3 insists on having some.
S3_KEYS = {"AWS_ACCESS_KEY_ID": "scale-demo", "AWS_SECRET_ACCESS_KEY": "scale-demo-secret"}
# Slow machines (and CI running beside other work) take a while to start Django.
START_TIMEOUT = 300


class DemoError(Exception):
    """The scale demo could not start (the message says which part and where its log is)."""


class Stop(BaseException):
    """Ctrl+C or SIGTERM arrived: stop everything (a BaseException, like KeyboardInterrupt)."""


@dataclass
class Addresses:
    """Where the running demo answers."""

    servers: list[str]
    s3_endpoint: str
    bucket: str
    database_url: str
    cache_url: str
    log_dir: Path
    worker_ids: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """In the child, before exec: a SIGTERM when the demo's process ends, however it ends, so a
    killed demo leaves no server behind (Linux's PR_SET_PDEATHSIG)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


class ScaleDemo:
    """Starts and stops the demo's processes; `start()` returns the addresses."""

    def __init__(
        self,
        *,
        database: str = DEFAULT_DATABASE,
        postgres: str = DEFAULT_POSTGRES,
        cache_url: str = DEFAULT_CACHE_URL,
        servers: int = 2,
        workers: int = 2,
        gunicorn_workers: int = 2,
        log_dir: Path | None = None,
        say=print,
    ):
        self.database = database
        self.template = f"{database}_template"
        self.postgres = postgres.rstrip("/")
        self.cache_url = cache_url
        self.server_count = servers
        self.worker_count = workers
        self.gunicorn_workers = gunicorn_workers
        self.log_dir = log_dir or Path(tempfile.mkdtemp(prefix="scale-demo-"))
        self.say = say
        self.processes: list[tuple[str, subprocess.Popen]] = []

    # --- The parts --------------------------------------------------------------------------

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(f"{self.postgres}/postgres", autocommit=True)

    def _database_url(self, name: str) -> str:
        return f"{self.postgres}/{name}"

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        """Start a process in a group of its own (gunicorn's workers with it), logging to a file."""
        with (self.log_dir / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(  # noqa: S603 - our interpreter and our own arguments
                command,
                cwd=BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        self.processes.append((name, process))
        return process

    def _run(self, name: str, command: list[str], env: dict[str, str]) -> None:
        """Run a one-off command to its end (stoppable like the rest); fail with its log."""
        process = self._spawn(name, command, env)
        code = process.wait()
        self.processes.remove((name, process))
        if code != 0:
            raise DemoError(f"{name} failed (exit {code}); see {self.log_dir / name}.log")

    def _check_postgres(self) -> None:
        try:
            with self._admin():
                pass
        except psycopg.OperationalError as error:
            raise DemoError(f"PostgreSQL is not answering at {self.postgres}: {error}") from error

    def _check_redis(self) -> None:
        try:
            # The demo's own Redis database: old sessions and counts would outlive the database
            # they belonged to.
            redis.Redis.from_url(self.cache_url).flushdb()
        except redis.RedisError as error:
            raise DemoError(f"Redis is not answering at {self.cache_url}: {error}") from error

    def _start_s3(self) -> str:
        port = free_port()
        endpoint = f"http://127.0.0.1:{port}"
        process = self._spawn(
            "s3", [MOTO_SERVER, "-H", "127.0.0.1", "-p", str(port)], {**os.environ}
        )
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
        )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise DemoError(f"the S3 server stopped; see {self.log_dir / 's3.log'}")
            try:
                client.create_bucket(
                    Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
                )
                return endpoint
            except Exception as error:  # not listening yet: boto3's connection errors vary
                if time.monotonic() > deadline:
                    raise DemoError(f"the S3 server did not answer at {endpoint}") from error
                time.sleep(0.2)

    def _signing_key(self) -> str:
        done = subprocess.run(  # noqa: S603 - our own command
            [*MANAGE, "credential_key", "scale-demo"],
            cwd=BASE_DIR,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise DemoError(f"manage.py credential_key failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def _database(self, env: dict[str, str]) -> None:
        """The template migrated (only new migrations after the first time), then the demo's
        database made afresh from it: seconds instead of a minute or more of migrations."""
        with self._admin() as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.template]
            ).fetchone()
            if not exists:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.template)))
        self.say(f"Migrating the template database {self.template}...")
        self._run(
            "migrate",
            [*MANAGE, "migrate", "--noinput"],
            {**env, "DATABASE_URL": self._database_url(self.template)},
        )
        with self._admin() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.database)
                )
            )
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(self.database), sql.Identifier(self.template)
                )
            )

    def _wait_for_server(self, name: str, process: subprocess.Popen, address: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise DemoError(f"{name} stopped at start-up; see {self.log_dir / name}.log")
            # The sign-in page: a real page through every middleware, and not rate-limited.
            login = f"{address}/accounts/login/"
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(login, timeout=10) as answer,  # noqa: S310 - loopback
            ):
                if answer.status == 200:
                    return
            time.sleep(0.3)
        raise DemoError(f"{name} did not answer within {START_TIMEOUT} s; see its log")

    def _wait_for_worker(self, name: str, process: subprocess.Popen) -> None:
        log = self.log_dir / f"{name}.log"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise DemoError(f"{name} stopped at start-up; see {log}")
            if "Starting worker" in log.read_text(errors="replace"):
                return
            time.sleep(0.3)
        raise DemoError(f"{name} did not start within {START_TIMEOUT} s; see {log}")

    # --- Start and stop ---------------------------------------------------------------------

    def start(self) -> Addresses:
        self.say(f"Logs: {self.log_dir}")
        self._check_postgres()
        self._check_redis()
        self.say("Starting the S3 server (moto)...")
        endpoint = self._start_s3()
        ports = [free_port() for _ in range(self.server_count)]
        servers = [f"http://127.0.0.1:{port}" for port in ports]
        database_url = self._database_url(self.database)
        # What every app server and worker shares: the same database, cache, store and keys.
        shared = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CACHE_URL": self.cache_url,
            "STORAGE_S3_BUCKET": BUCKET,
            "STORAGE_S3_ENDPOINT_URL": endpoint,
            "STORAGE_S3_REGION": REGION,
            **S3_KEYS,
            "CREDENTIAL_SIGNING_KEYS": self._signing_key(),
            # Links printed in certificates (the QR code) point at the first server.
            "SITE_BASE_URL": servers[0],
            "PYTHONUNBUFFERED": "1",
        }
        dev = {**shared, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
        production = {
            **shared,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            # One secret for all: a session signed by one server is read by the other.
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback; behind a real proxy, TLS ends at the proxy.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            # Mail (reminders, password resets) is printed in the logs rather than sent.
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        }
        collect = self._spawn(
            "collectstatic", [*MANAGE, "collectstatic", "--noinput", "-v", "0"], production
        )
        self._database(dev)
        self.say(f"Loading the demo data into {self.database}...")
        # Demo data is refused under production settings (its sign-ins have a published
        # password), so it is loaded with the developer settings against the same parts.
        self._run("load_demo_data", [*MANAGE, "load_demo_data"], dev)
        if collect.wait() != 0:
            raise DemoError(f"collectstatic failed; see {self.log_dir / 'collectstatic.log'}")
        self.processes.remove(("collectstatic", collect))

        self.say(
            f"Starting {self.worker_count} task workers and {self.server_count} app servers..."
        )
        worker_ids = []
        for number in range(1, self.worker_count + 1):
            worker_id = f"scale-demo-worker-{number}"
            worker_ids.append(worker_id)
            self._spawn(
                f"worker-{number}",
                [*MANAGE, "db_worker", "--no-startup-delay", "--worker-id", worker_id],
                production,
            )
        for number, port in enumerate(ports, start=1):
            self._spawn(
                f"server-{number}",
                [
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(self.gunicorn_workers),
                    "--timeout",
                    "120",
                    "--access-logfile",
                    "-",
                    # Two servers on one machine would otherwise share one control socket path.
                    "--no-control-socket",
                ],
                production,
            )
        for name, process in list(self.processes):
            if name.startswith("server-"):
                self._wait_for_server(name, process, servers[int(name.split("-")[1]) - 1])
            elif name.startswith("worker-"):
                self._wait_for_worker(name, process)
        return Addresses(
            servers=servers,
            s3_endpoint=endpoint,
            bucket=BUCKET,
            database_url=database_url,
            cache_url=self.cache_url,
            log_dir=self.log_dir,
            worker_ids=worker_ids,
        )

    def stop(self) -> None:
        """SIGTERM to each process group (servers first, the store last), then SIGKILL to any
        still running after 20 seconds."""
        for _name, process in reversed(self.processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for _name, process in reversed(self.processes):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            # Anything the group's leader left behind (a gunicorn worker mid-request).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()

    def drop_databases(self) -> None:
        """Remove the demo's database and its template (tests clean up after themselves)."""
        with self._admin() as admin:
            for name in (self.database, self.template):
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


@contextlib.contextmanager
def running(**options) -> Iterator[Addresses]:
    """The demo started for the length of a `with` block, then stopped."""
    demo = ScaleDemo(**options)
    try:
        yield demo.start()
    finally:
        demo.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="%(default)s")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("SCALE_DEMO_POSTGRES", DEFAULT_POSTGRES),
        help="PostgreSQL server, without a database name (%(default)s)",
    )
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("SCALE_DEMO_CACHE_URL", DEFAULT_CACHE_URL),
        help="Redis database the demo owns; emptied at start (%(default)s)",
    )
    parser.add_argument("--servers", type=int, default=2, help="app servers (%(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="task workers (%(default)s)")
    parser.add_argument(
        "--gunicorn-workers", type=int, default=2, help="processes per app server (%(default)s)"
    )
    options = parser.parse_args(argv)

    def stop_on(signum, frame) -> None:
        raise Stop(signal.strsignal(signum))

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop_on)
    demo = ScaleDemo(
        database=options.database,
        postgres=options.postgres,
        cache_url=options.cache_url,
        servers=options.servers,
        workers=options.workers,
        gunicorn_workers=options.gunicorn_workers,
        say=lambda text: print(text, flush=True),
    )
    try:
        addresses = demo.start()
        print("\nLink Worker Academy, scaled out on one machine:")
        for number, address in enumerate(addresses.servers, start=1):
            print(f"  app server {number}: {address}/")
        print(f"  task workers: {', '.join(addresses.worker_ids)}")
        print(f"  PostgreSQL:   {addresses.database_url}")
        print(f"  Redis:        {addresses.cache_url} (cache, sessions, rate limits)")
        print(f"  S3 (moto):    {addresses.s3_endpoint}, bucket {addresses.bucket}")
        print(f"  logs:         {addresses.log_dir}")
        print(
            "Sign in on one server and carry on on the other: manager@example.org (password "
            "demo-password) can issue Kwame Mensah's certificate.\nPress Ctrl+C to stop.",
            flush=True,
        )
        while True:
            for name, process in demo.processes:
                if process.poll() is not None:
                    raise DemoError(f"{name} stopped (exit {process.returncode}); see its log")
            time.sleep(1)
    except Stop as why:
        print(f"\n{why}: stopping...", flush=True)
        return 0
    except DemoError as error:
        print(f"scale-demo: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        # A second Ctrl+C while stopping must not leave processes behind.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        demo.stop()
        print("Stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
