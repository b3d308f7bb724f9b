"""Two django-tasks-db workers against one PostgreSQL database never run a task twice.

A worker claims a task in one transaction: SELECT ... FOR UPDATE SKIP LOCKED of the first ready
row, then marks it running (django_tasks_db.models.DBTaskResultQuerySet.get_locked and
DBTaskResult.claim, called by the db_worker command's loop). Two real `manage.py db_worker`
processes run real enqueued tasks here; each task must run once, by one of them, and a row
that someone else holds locked must be passed over rather than waited for.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

pytestmark = pytest.mark.scale

POSTGRES = os.environ.get("SCALE_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
TASKS = 200
TABLE = "django_tasks_database_dbtaskresult"
WORKERS = ("scale-test-worker-1", "scale-test-worker-2")
# Generous: the machine may be busy; the test ends as soon as the work is done.
TIMEOUT = 240


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
    }


def _manage(database_url: str, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=_env(database_url),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _enqueue(database_url: str, journal: Path, numbers: range, *, priority: int = 0) -> None:
    """Enqueue through the real backend (settings.TASKS: django_tasks_db), in one transaction so
    that the workers find the whole batch at once."""
    code = (
        "from django.db import transaction\n"
        "from tests.scale.worker_tasks import record_run\n"
        "with transaction.atomic():\n"
        f"    for number in {numbers!r}:\n"
        f"        record_run.using(priority={priority}).enqueue(number, {str(journal)!r})\n"
    )
    _manage(database_url, "shell", "--no-imports", "-c", code)


def _wait_until(condition, what: str, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        for process in processes:
            assert process.poll() is None, f"a worker stopped while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.fixture
def tasks_database():
    """A PostgreSQL database of its own with django-tasks-db's table, dropped afterwards."""
    name = f"scaleout_workers_{os.getpid()}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = f"{POSTGRES}/{name}"
    try:
        _manage(url, "migrate", "django_tasks_database", "--noinput")
        yield url
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def test_two_workers_run_every_task_exactly_once(tasks_database, tmp_path):
    journal = tmp_path / "journal"
    journal.touch()
    logs = {worker: tmp_path / f"{worker}.log" for worker in WORKERS}

    # Task 0 comes first in the queue (a higher priority) and is held locked by someone else,
    # as a worker in the middle of claiming it would hold it.
    _enqueue(tasks_database, journal, range(1), priority=10)
    holder = psycopg.connect(tasks_database)
    held_id = holder.execute(
        f"SELECT id FROM {TABLE} WHERE status = 'READY' FOR UPDATE"  # noqa: S608 - a constant
    ).fetchone()[0]

    processes = []
    try:
        for worker, log in logs.items():
            with log.open("w") as output:
                processes.append(
                    subprocess.Popen(  # noqa: S603 - our own interpreter and command
                        [
                            sys.executable,
                            "manage.py",
                            "db_worker",
                            "--no-reload",
                            "--no-startup-delay",
                            "--interval",
                            "0.1",
                            "--worker-id",
                            worker,
                        ],
                        cwd=settings.BASE_DIR,
                        env=_env(tasks_database),
                        stdout=output,
                        stderr=subprocess.STDOUT,
                    )
                )
        _wait_until(
            lambda: all("Starting worker" in log.read_text() for log in logs.values()),
            "both workers to start",
            processes,
        )
        _enqueue(tasks_database, journal, range(1, TASKS))

        with psycopg.connect(tasks_database, autocommit=True) as reader:

            def finished() -> int:
                return reader.execute(
                    f"SELECT count(*) FROM {TABLE} WHERE finished_at IS NOT NULL"  # noqa: S608
                ).fetchone()[0]

            # Everything but the held task runs: the workers pass over the locked row (SKIP
            # LOCKED) instead of queueing behind it.
            _wait_until(lambda: finished() == TASKS - 1, "the unheld tasks to run", processes)
            status, worker_ids = reader.execute(
                f"SELECT status, worker_ids FROM {TABLE} WHERE id = %s",  # noqa: S608
                [held_id],
            ).fetchone()
            assert (status, worker_ids) == ("READY", [])

            holder.commit()  # released: now one of the workers takes it
            _wait_until(lambda: finished() == TASKS, "the released task to run", processes)
            rows = reader.execute(
                f"SELECT status, worker_ids, return_value, args_kwargs FROM {TABLE}"  # noqa: S608
            ).fetchall()
    finally:
        holder.close()
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    # Each task's result row: succeeded, claimed by exactly one worker, its own return value.
    assert len(rows) == TASKS
    assert {status for status, *_ in rows} == {"SUCCESSFUL"}
    assert all(len(worker_ids) == 1 for _, worker_ids, _, _ in rows)
    assert sorted(value for _, _, value, _ in rows) == list(range(TASKS))
    assert all(value == arguments["args"][0] for _, _, value, arguments in rows)
    # Both workers took part: this was a race between two, not one worker doing it all.
    claims = [worker_ids[0] for _, worker_ids, _, _ in rows]
    assert set(claims) == set(WORKERS), {worker: claims.count(worker) for worker in WORKERS}

    # The side effect: one journal line per task, each number once, written by the two
    # worker processes and no one else.
    lines = [line.split() for line in journal.read_text().splitlines()]
    assert sorted(int(number) for number, _ in lines) == list(range(TASKS))
    assert {int(pid) for _, pid in lines} == {process.pid for process in processes}
