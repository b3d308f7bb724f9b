"""Backups: the database and every stored file, with a manifest of their SHA-256s, to and from a
folder or an S3 bucket; restoring one into an empty database and checking every certificate.

A backup is a folder `backup-<UTC time>/` in the place it is written to, holding:
- `manifest.json`: when and from which code it was made, the database engine, and each file's
  name, size and SHA-256;
- `database.pgdump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite: a copy
  made by SQLite's online backup API, consistent while the site runs);
- `files/<storage>/<name>`: every file of the evidence, certificate and media storages, read and
  written through Django's storage API, so local folders and S3 both work, either way round.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import connection
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.executor import MigrationExecutor

from certificates.models import Certificate
from certificates.services import certificate_checks_flush
from competencies.models import Evidence

FORMAT = 1
MANIFEST = "manifest.json"
PREFIX = "backup-"
CHUNK = 1024 * 1024
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}

# progress(phase, done, total): called as work goes on, for a progress bar.
Progress = Callable[[str, int, int], None]


class BackupError(Exception):
    """A backup or restore that cannot go on, with what to do about it."""


@dataclass
class BackupReport:
    location: str
    database_bytes: int
    files: int
    file_bytes: int


@dataclass
class RestoreReport:
    location: str
    engine: str
    files_restored: int = 0
    files_present: int = 0
    certificates: int = 0
    certificates_matching: int = 0
    certificate_problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def file_storages() -> dict[str, Storage]:
    """The storages a backup holds, by the name their files have in it: the storages the models
    write to (whatever the settings made them: local folders or S3), and the media of the CMS."""
    return {
        "evidence": Evidence._meta.get_field("file").storage,
        "certificates": Certificate._meta.get_field("pdf").storage,
        "media": default_storage,
    }


def place(where: str) -> Storage:
    """The storage of a place backups go: a folder, or `s3://bucket/prefix` on the S3 store the
    settings name (STORAGE_S3_ENDPOINT_URL, STORAGE_S3_REGION and the AWS keys)."""
    if where.startswith("s3://"):
        from storages.backends.s3 import S3Storage

        bucket, _, prefix = where.removeprefix("s3://").partition("/")
        if not bucket:
            raise BackupError(f"{where} names no bucket: write s3://bucket/prefix.")
        endpoint = settings.STORAGE_S3_ENDPOINT_URL
        return S3Storage(
            bucket_name=bucket,
            location=prefix.strip("/"),
            endpoint_url=endpoint,
            region_name=settings.STORAGE_S3_REGION,
            default_acl=None,  # the bucket owner's alone (see config.settings.base.s3_storage)
            querystring_auth=True,
            file_overwrite=True,
            # A file read back (a database dump of gigabytes) spills to disk past 8 MiB rather
            # than being held in memory whole.
            max_memory_size=8 * CHUNK,
            signature_version="s3v4",
            addressing_style="path" if endpoint else None,
        )
    if not where:
        raise BackupError("Say where the backups are: a folder, or s3://bucket/prefix.")
    return FileSystemStorage(location=Path(where).expanduser().resolve())


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local storage nothing was ever saved to
        return
    for name in sorted(files):
        yield posixpath.join(folder, name)
    for name in sorted(folders):
        yield from _walk(storage, posixpath.join(folder, name))


def _copy(source: IO[bytes], target: IO[bytes]) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def _digest(storage: Storage, name: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _save_exactly(storage: Storage, name: str, content: IO[bytes]) -> None:
    saved = storage.save(name, File(content, name=posixpath.basename(name)))
    if saved != name:
        storage.delete(saved)
        raise BackupError(f"{name} could not be written under its own name (it became {saved}).")


def _app_facts() -> dict:
    pyproject = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())["project"]
    try:
        commit = subprocess.run(  # noqa: S603 - a fixed command
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = None  # not a git checkout: the version is what there is
    return {"name": pyproject["name"], "version": pyproject["version"], "git_commit": commit}


def _engine() -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"Backups cover PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def _postgres_command(program: str) -> tuple[list[str], dict[str, str]]:
    """The program with the configured database's connection options, and its environment (the
    password and SSL settings travel there, as psql's do for `manage.py dbshell`)."""
    if shutil.which(program) is None:
        raise BackupError(
            f"{program} is not installed. Install PostgreSQL's client programs "
            "(Debian: postgresql-client) in the version of the server or newer."
        )
    args, env = DatabaseClient.settings_to_cmd_args_env(connection.settings_dict, [])
    # psql's own arguments less its name, and less the database, which comes last and which
    # pg_dump and pg_restore take as --dbname.
    options = args[1:]
    database = connection.settings_dict.get("NAME")
    if database and options and options[-1] == database:
        options = options[:-1]
    if database:
        options.append(f"--dbname={database}")
    return [program, *options], {**os.environ, **(env or {})}


def _dump_database(path: Path, engine: str, progress: Progress) -> None:
    if engine == "postgresql":
        command, env = _postgres_command("pg_dump")
        progress("database", 0, 1)
        done = subprocess.run(  # noqa: S603 - PostgreSQL's tool, with the settings' options
            [*command, "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        progress("database", 1, 1)
        return
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        # SQLite's online backup: a consistent copy while others write, never a copy of the
        # file. In one step: a backup made in steps starts again whenever another connection
        # writes, and on a busy site might never finish.
        connection.connection.backup(
            target, progress=lambda _, left, total: progress("database", total - left, total)
        )
    finally:
        target.close()


def backup(where: str, *, progress: Progress | None = None) -> BackupReport:
    """Write a backup of the database and every stored file into a new folder at `where`."""
    report = progress or (lambda phase, done, total: None)
    engine = _engine()
    target = place(where)
    stamp = datetime.datetime.now(datetime.UTC)
    folder = f"{PREFIX}{stamp:%Y%m%dT%H%M%SZ}"
    if target.exists(f"{folder}/{MANIFEST}"):
        raise BackupError(f"{where} already holds {folder}; try again in a second.")
    manifest = {
        "format": FORMAT,
        "created_at": stamp.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "app": _app_facts(),
        "database": {"engine": engine, "name": connection.settings_dict["NAME"]},
        "files": [],
    }
    # Public checks still counted in the shared cache go into the database first: a restore
    # clears the cache, and they would be lost with it.
    certificate_checks_flush()
    with tempfile.TemporaryDirectory(prefix="academy-backup-") as scratch:
        dump = Path(scratch) / DUMP_NAMES[engine]
        _dump_database(dump, engine, report)
        with dump.open("rb") as handle:
            size, sha256 = _copy(handle, _Discard())
            handle.seek(0)
            _save_exactly(target, f"{folder}/{dump.name}", handle)
        manifest["database"] |= {"file": dump.name, "size": size, "sha256": sha256}

    # Names first, so that the progress bar knows the total.
    storages = file_storages()
    names = [(alias, name) for alias, storage in storages.items() for name in _walk(storage)]
    total_bytes = 0
    for done, (alias, name) in enumerate(names, start=1):
        kept = f"files/{alias}/{name}"
        try:
            source = storages[alias].open(name, "rb")
        except FileNotFoundError:
            # Deleted since it was listed (a failed issue cleaning up after itself): the
            # database, dumped before the listing, never referred to it.
            report("files", done, len(names))
            continue
        # Spooled: small files stay in memory, large ones go to a temporary file, never whole
        # into memory; read once, hashed on the way.
        with source, tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as spooled:
            size, sha256 = _copy(source, spooled)
            spooled.seek(0)
            _save_exactly(target, f"{folder}/{kept}", spooled)
        manifest["files"].append(
            {"storage": alias, "name": name, "file": kept, "size": size, "sha256": sha256}
        )
        total_bytes += size
        report("files", done, len(names))
    manifest["counts"] = {
        alias: sum(1 for entry in manifest["files"] if entry["storage"] == alias)
        for alias in storages
    }
    # The manifest last: a backup without one was interrupted, and restore does not see it.
    text = json.dumps(manifest, indent=1).encode()
    with tempfile.SpooledTemporaryFile() as handle:
        handle.write(text)
        handle.seek(0)
        _save_exactly(target, f"{folder}/{MANIFEST}", handle)
    return BackupReport(
        location=_describe(where, folder),
        database_bytes=manifest["database"]["size"],
        files=len(manifest["files"]),
        file_bytes=total_bytes,
    )


class _Discard:
    def write(self, chunk: bytes) -> None:
        pass


def _describe(where: str, folder: str) -> str:
    if where.startswith("s3://"):
        return f"{where.rstrip('/')}/{folder}"
    return str(Path(where).expanduser().resolve() / folder)


# --- Restore ------------------------------------------------------------------------------------


def _find(source: Storage, where: str) -> str:
    """The folder of the backup at `where` (relative to it): `where` itself when it holds a
    manifest, otherwise its newest backup-* folder."""
    if source.exists(MANIFEST):
        return ""
    try:
        folders, _ = source.listdir("")
    except FileNotFoundError:
        raise BackupError(f"{where} does not exist.") from None
    for folder in sorted((f for f in folders if f.startswith(PREFIX)), reverse=True):
        if source.exists(f"{folder}/{MANIFEST}"):
            return folder
    raise BackupError(
        f"{where} holds no backup: no {MANIFEST} there, nor in a {PREFIX}* folder in it."
    )


def _read_manifest(source: Storage, path: str, shown: str) -> dict:
    try:
        with source.open(path, "rb") as handle:
            manifest = json.loads(handle.read())
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{shown} is corrupt: it is not readable JSON ({error}).") from None
    try:
        if manifest["format"] != FORMAT:
            raise BackupError(
                f"{shown} is of backup format {manifest['format']}; this code reads format "
                f"{FORMAT}."
            )
        database = manifest["database"]
        entries = [database, *manifest["files"]]
        for entry in entries:
            _ = entry["file"], entry["size"], entry["sha256"]  # all must be there
        for entry in manifest["files"]:
            _ = entry["storage"], entry["name"]
    except (KeyError, TypeError) as error:
        raise BackupError(f"{shown} is corrupt: an entry lacks {error}.") from None
    return manifest


def _check_backup(source: Storage, folder: str, manifest: dict, progress: Progress) -> None:
    """Every file of the backup is there with the size and SHA-256 its manifest gives."""
    entries = [manifest["database"], *manifest["files"]]
    problems = []
    for done, entry in enumerate(entries, start=1):
        path = posixpath.join(folder, entry["file"])
        try:
            size, sha256 = _digest(source, path)
        except FileNotFoundError:
            problems.append(f"{path} is missing")
        else:
            if (size, sha256) != (entry["size"], entry["sha256"]):
                problems.append(
                    f"{path} is corrupt: {size} bytes with SHA-256 {sha256}, where the manifest "
                    f"says {entry['size']} bytes with SHA-256 {entry['sha256']}"
                )
        progress("checking the backup", done, len(entries))
    if problems:
        shown = "; ".join(problems[:10]) + (
            f"; and {len(problems) - 10} more" if len(problems) > 10 else ""
        )
        raise BackupError(f"The backup is damaged, so nothing was restored: {shown}.")


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _database_label() -> str:
    return f"{ENGINE_NAMES[connection.vendor]} database {connection.settings_dict['NAME']}"


def _conflicts(manifest: dict, storages: dict[str, Storage]) -> tuple[set, list[str]]:
    """The backup's files already in the storages with the same content (nothing to do), and
    those there with other content (in the way)."""
    wanted = {(entry["storage"], entry["name"]): entry for entry in manifest["files"]}
    same, different = set(), []
    for alias, storage in storages.items():
        for name in _walk(storage):
            entry = wanted.get((alias, name))
            if entry is None:
                continue
            if _digest(storage, name) == (entry["size"], entry["sha256"]):
                same.add((alias, name))
            else:
                different.append(f"{alias}/{name}")
    return same, different


def _load_postgres(dump: Path, force: bool) -> None:
    if force:
        # Everything goes, tables a later migration made included, not only what the dump holds.
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    command, env = _postgres_command("pg_restore")
    options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    done = subprocess.run(  # noqa: S603 - PostgreSQL's tool, with the settings' options
        [*command, *options, str(dump)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


def _load_sqlite(dump: Path) -> None:
    source = sqlite3.connect(dump)
    try:
        if (result := source.execute("PRAGMA integrity_check").fetchone()[0]) != "ok":
            raise BackupError(f"{dump.name} is not a sound SQLite database: {result}")
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


def restore(where: str, *, force: bool = False, progress: Progress | None = None) -> RestoreReport:
    """Restore the backup at `where` into the configured database, which must be empty unless
    `force`, and its files into the configured storages; then check every certificate's file."""
    report = progress or (lambda phase, done, total: None)
    engine = _engine()
    source = place(where)
    folder = _find(source, where)
    location = _describe(where, folder) if folder else where
    manifest = _read_manifest(source, posixpath.join(folder, MANIFEST), f"{location}/{MANIFEST}")
    if manifest["database"].get("engine") != engine:
        raise BackupError(
            f"The backup holds a {ENGINE_NAMES.get(manifest['database'].get('engine'), '?')} "
            f"database and the configured one is {ENGINE_NAMES[engine]}: restore it into a "
            "database of its own kind (DATABASE_URL)."
        )
    _check_backup(source, folder, manifest, report)

    tables = _tables()
    if tables and not force:
        raise BackupError(
            f"The {_database_label()} is not empty (it has {len(tables)} tables), so nothing was "
            "restored. Restore into a new, empty database, or pass --force (make restore FORCE=1) "
            "to replace everything in this one."
        )
    storages = file_storages()
    unknown = {entry["storage"] for entry in manifest["files"]} - storages.keys()
    if unknown:
        raise BackupError(f"The backup has files of storages this code lacks: {sorted(unknown)}.")
    present, different = _conflicts(manifest, storages)
    if different and not force:
        raise BackupError(
            f"{len(different)} stored files differ from the backup's under the same name "
            f"(such as {different[0]}), so nothing was restored. Restore into empty storages, or "
            "pass --force to replace them."
        )

    result = RestoreReport(location=location, engine=ENGINE_NAMES[engine])
    with tempfile.TemporaryDirectory(prefix="academy-restore-") as scratch:
        dump = Path(scratch) / manifest["database"]["file"]
        kept = posixpath.join(folder, manifest["database"]["file"])
        with source.open(kept, "rb") as handle, dump.open("wb") as copy:
            _copy(handle, copy)
        report("database", 0, 1)
        if engine == "postgresql":
            _load_postgres(dump, force)
        else:
            _load_sqlite(dump)
        report("database", 1, 1)
    # What this process remembered of the old database no longer holds.
    ContentType.objects.clear_cache()
    for cache in caches.all():
        cache.clear()

    for done, entry in enumerate(manifest["files"], start=1):
        key = (entry["storage"], entry["name"])
        if key in present:
            result.files_present += 1
        else:
            storage = storages[entry["storage"]]
            if storage.exists(entry["name"]):  # in the way, and --force was given
                storage.delete(entry["name"])
            with source.open(posixpath.join(folder, entry["file"]), "rb") as handle:
                _save_exactly(storage, entry["name"], handle)
            result.files_restored += 1
        report("files", done, len(manifest["files"]))

    if Certificate._meta.db_table in _tables():
        _check_certificates(result, report)
    else:
        result.notes.append("The restored database has no certificates table: it was empty.")
    result.notes += _migration_notes()
    return result


def _check_certificates(result: RestoreReport, progress: Progress) -> None:
    """Each certificate's stored SHA-256 against the file now in storage."""
    certificates = Certificate.objects.only("number", "pdf", "pdf_sha256").order_by("pk")
    total = certificates.count()
    for done, certificate in enumerate(certificates.iterator(chunk_size=1000), start=1):
        result.certificates += 1
        try:
            _, sha256 = _digest(certificate.pdf.storage, certificate.pdf.name)
        except FileNotFoundError:
            result.certificate_problems.append(f"{certificate.number}: its PDF is missing")
        else:
            if sha256 == certificate.pdf_sha256:
                result.certificates_matching += 1
            else:
                result.certificate_problems.append(
                    f"{certificate.number}: its PDF's SHA-256 is {sha256}, the certificate "
                    f"says {certificate.pdf_sha256}"
                )
        if done % 100 == 0 or done == total:
            progress("checking certificates", done, total)


def _migration_notes() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return [
            f"The restored database is {len(plan)} migrations behind this code: run "
            "`python manage.py migrate` before serving it."
        ]
    return []


class ProgressBar:
    """A progress bar per phase on a stream (stderr): done of the total, at most twice a second."""

    WIDTH = 30

    def __init__(self, stream: IO[str]):
        self.stream = stream
        self.phase: str | None = None
        self.started = self.shown = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase != self.phase:
            self.phase, self.started, self.shown = phase, now, 0.0
        finished = done >= total
        # A terminal sees the bar move; a log gets each phase's last line only.
        if not finished and (now - self.shown < 0.5 or not self.stream.isatty()):
            return
        self.shown = now
        filled = int(self.WIDTH * done / total) if total else self.WIDTH
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(
            f"\r{phase:<21} [{bar}] {done:>9,}/{total:<9,} {now - self.started:6.1f} s"
        )
        if finished:
            self.stream.write("\n")
        self.stream.flush()
