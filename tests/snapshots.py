"""Test worlds built once per test process and put back, row for row, in each test that asks.

Building the demo curriculum through its loader (Wagtail pages, two editions, revisions and
logs) takes seconds, and hundreds of tests ask for it. `put_back(name, build)` runs `build()` the
first time, records every row it wrote (and every file it stored), rolls it back and writes the
rows again itself; later tests get the same rows with a few bulk INSERTs, inside their own
transaction, so what each test sees is what the builder would have made.

The rows are put back only when the tables the builder read or wrote hold exactly what they
held when it was recorded, and on the same day (builders date things "today"); otherwise the
builder runs again and its rows are recorded as another variant (a test that made its own pages
first, say). A builder that leaves work for after the commit is never replayed: its rows could
not say what that work would do. The one exception is work that reads no rows and is listed in
`REPLAYED_AFTER_COMMIT` (retiring the kept curriculum pages after a publish): putting the rows
back asks for it again.
"""

import functools
import re
import shutil
import tempfile
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from curriculum.caching import retire_kept_pages
from workforce.append_only import REWRITE_SETTING

# The tables a statement names, as Django writes them ("FROM", "JOIN", "INTO", "UPDATE").
_TABLE = re.compile(r'\b(?:FROM|JOIN|INTO|UPDATE)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)
# Variants kept per builder: a test world that differs each time would otherwise pile up.
MAX_VARIANTS = 4
_ROWS_PER_STATEMENT = 500
# After-commit work a build may leave that depends on no row: asked for again when put back.
REPLAYED_AFTER_COMMIT = frozenset({retire_kept_pages})

Rows = dict[Hashable, tuple]


@dataclass
class _Table:
    name: str
    columns: tuple[str, ...]
    key: str  # the column (or SQLite's rowid) that names a row
    sequence: str | None = None  # PostgreSQL's sequence for the key, if it has one


@dataclass
class _Variant:
    day: object
    before: dict[str, Rows]  # every table read or written, as it was before the build
    tables: dict[str, _Table]
    inserts: dict[str, list[tuple]] = field(default_factory=dict)
    updates: dict[str, list[tuple]] = field(default_factory=dict)
    deletes: dict[str, list[Hashable]] = field(default_factory=dict)
    files: Path | None = None  # the files the build stored, by storage folder
    after_commit: tuple[Callable[[], object], ...] = ()  # from REPLAYED_AFTER_COMMIT
    uses: int = 0


@dataclass
class _Builder:
    variants: list[_Variant] = field(default_factory=list)
    replayable: bool = True


_builders: dict[tuple[str, Hashable], _Builder] = {}
_file_store: Path | None = None
stats = {"put back": 0, "recorded": 0, "built": 0}


def put_back(name: str, build: Callable[[], object], *, key: Hashable = (), using=None) -> None:
    """Leave the database and the stored files as `build()` would: from recorded rows when the
    tables it depends on are as they were when it was recorded, else by building."""
    connection = connections[using or DEFAULT_DB_ALIAS]
    builder = _builders.setdefault((name, key), _Builder())
    if builder.replayable:
        # Recorded on another day, its dates are a day out (a run may cross midnight).
        builder.variants = [v for v in builder.variants if v.day == timezone.localdate()]
        with transaction.atomic(using=connection.alias):
            for variant in builder.variants:
                if _matches(connection, variant):
                    _apply(connection, variant)
                    _restore_files(variant)
                    variant.uses += 1
                    stats["put back"] += 1
                    return
            if len(builder.variants) >= MAX_VARIANTS:
                # Make room by forgetting a variant no later test has matched, if there is one.
                unused = [variant for variant in builder.variants if not variant.uses]
                if unused:
                    builder.variants.remove(unused[0])
            if len(builder.variants) < MAX_VARIANTS:
                variant = _record(connection, build)
                if variant is not None:
                    builder.variants.append(variant)
                    stats["recorded"] += 1
                    return
                builder.replayable = False
    stats["built"] += 1
    build()


# --- Reading tables ---------------------------------------------------------------------------


@functools.cache
def _models_by_table() -> dict[str, object]:
    return {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}


def _describe(connection, name: str) -> _Table:
    model = _models_by_table().get(name)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quote(name)} WHERE 1 = 0")  # noqa: S608 - a table name
        columns = tuple(column[0] for column in cursor.description)
    key = model._meta.pk.column if model is not None else None
    if key not in columns:
        if connection.vendor != "sqlite":
            raise RuntimeError(f"{name} has no key column to put its rows back by")
        key = "rowid"  # SQLite's full-text table, say: its rows are named by rowid
    sequence = None
    if connection.vendor == "postgresql" and key in columns:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [quote(name), key])
            sequence = cursor.fetchone()[0]
    return _Table(name=name, columns=columns, key=key, sequence=sequence)


def _value(value):
    return bytes(value) if isinstance(value, memoryview) else value


def _rows(connection, table: _Table) -> Rows:
    quote = connection.ops.quote_name
    extra = "rowid, " if table.key not in table.columns else ""
    columns = ", ".join(quote(column) for column in table.columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {extra}{columns} FROM {quote(table.name)}")  # noqa: S608
        found = cursor.fetchall()
    if extra:
        return {row[0]: tuple(_value(v) for v in row[1:]) for row in found}
    at = table.columns.index(table.key)
    return {row[at]: tuple(_value(v) for v in row) for row in found}


def _matches(connection, variant: _Variant) -> bool:
    return all(
        _rows(connection, variant.tables[name]) == rows for name, rows in variant.before.items()
    )


# --- Recording --------------------------------------------------------------------------------


def _record(connection, build: Callable[[], object]) -> _Variant | None:
    """Build inside a savepoint, noting the tables its statements name and the rows and files
    it left; roll it back; then put the rows back as any later test would get them."""
    touched: set[str] = set()

    def note_tables(execute, sql, params, many, context):
        touched.update(_TABLE.findall(sql))
        return execute(sql, params, many, context)

    every_table = _existing_tables(connection)
    all_before = {name: _rows(connection, _describe(connection, name)) for name in every_table}
    files_before = _file_listing()
    day = timezone.localdate()
    pending = len(connection.run_on_commit)
    with transaction.atomic(using=connection.alias):
        with connection.execute_wrapper(note_tables):
            build()
        left = [callback for _, callback, _ in connection.run_on_commit[pending:]]
        if any(callback not in REPLAYED_AFTER_COMMIT for callback in left):
            transaction.set_rollback(True, using=connection.alias)
            return None
        # Rows that triggers write (SQLite's full-text index) are written again by the same
        # triggers when the rows they follow are put back.
        replayed = touched & every_table - _kept_by_triggers(connection)
        tables = {name: _describe(connection, name) for name in sorted(replayed)}
        after = {name: _rows(connection, table) for name, table in tables.items()}
        changed = {
            name
            for name in every_table
            if _rows(connection, _describe(connection, name)) != all_before[name]
        }
        files = _stored_files(files_before)
        transaction.set_rollback(True, using=connection.alias)
    if unseen := changed - set(tables) - _kept_by_triggers(connection):
        raise RuntimeError(f"The build changed tables none of its statements named: {unseen}")
    before = {name: all_before[name] for name in tables}
    variant = _Variant(
        day=day, before=before, tables=tables, files=files, after_commit=tuple(dict.fromkeys(left))
    )
    for name in tables:
        old, new = before[name], after[name]
        if inserted := [row for k, row in new.items() if k not in old]:
            variant.inserts[name] = inserted
        if updated := [row for k, row in new.items() if k in old and old[k] != row]:
            variant.updates[name] = updated
        if deleted := [k for k in old if k not in new]:
            variant.deletes[name] = deleted
    _apply(connection, variant)
    return variant


def _kept_by_triggers(connection) -> set[str]:
    """Tables that triggers write (on SQLite: the search index's full-text table)."""
    if connection.vendor != "sqlite":
        return set()  # PostgreSQL's triggers here only refuse changes to kept records
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
        bodies = [row[0].split(" BEGIN ", 1)[-1] for row in cursor.fetchall() if row[0]]
    return {name for body in bodies for name in _TABLE.findall(body)}


def _existing_tables(connection) -> set[str]:
    names = set(connection.introspection.table_names())
    return {name for name in names if name in _models_by_table()}


# --- Putting back -----------------------------------------------------------------------------


def _apply(connection, variant: _Variant) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        rewriting = connection.vendor == "postgresql" and (variant.updates or variant.deletes)
        if rewriting:  # kept records' triggers refuse these otherwise (tests/kept.py)
            cursor.execute(f"SET LOCAL {REWRITE_SETTING} = 'on'")
        for name, keys in variant.deletes.items():
            table = variant.tables[name]
            cursor.executemany(
                f"DELETE FROM {quote(name)} WHERE {quote(table.key)} = %s",  # noqa: S608
                [(k,) for k in keys],
            )
        for name, rows in variant.updates.items():
            table = variant.tables[name]
            at = table.columns.index(table.key)
            assignments = ", ".join(f"{quote(column)} = %s" for column in table.columns)
            cursor.executemany(
                f"UPDATE {quote(name)} SET {assignments} WHERE {quote(table.key)} = %s",  # noqa: S608
                [(*row, row[at]) for row in rows],
            )
        for name, rows in variant.inserts.items():
            _insert(cursor, quote, variant.tables[name], rows)
        if rewriting:
            cursor.execute(f"SET LOCAL {REWRITE_SETTING} = 'off'")
        for name, rows in variant.inserts.items():
            table = variant.tables[name]
            if table.sequence:  # later rows must not be given the ids put back
                at = table.columns.index(table.key)
                cursor.execute(
                    f"SELECT setval(%s, GREATEST(%s, last_value)) FROM {table.sequence}",  # noqa: S608
                    [table.sequence, max(row[at] for row in rows)],
                )
    for callback in variant.after_commit:
        transaction.on_commit(callback, using=connection.alias)


def _insert(cursor, quote, table: _Table, rows: list[tuple]) -> None:
    columns = table.columns
    if table.key not in columns:  # rows named by rowid carry it first
        columns = ("rowid", *columns)
    names = ", ".join(quote(column) for column in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # A few hundred rows a statement: SQLite allows 32,766 parameters in one.
    per_statement = max(1, min(_ROWS_PER_STATEMENT, 32_000 // len(columns)))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        cursor.execute(
            f"INSERT INTO {quote(table.name)} ({names}) VALUES "  # noqa: S608
            + ", ".join([one] * len(chunk)),
            [value for row in chunk for value in row],
        )


# --- Stored files -----------------------------------------------------------------------------


def _storage_folders() -> dict[str, Path]:
    """The folders of the file storages in use, by name (the test's own: tests/conftest.py)."""
    folders = {"MEDIA_ROOT": Path(settings.MEDIA_ROOT)}
    for name, storage in settings.STORAGES.items():
        location = storage.get("OPTIONS", {}).get("location")
        if storage["BACKEND"].endswith("FileSystemStorage") and location:
            folders[name] = Path(location)
    return folders


def _file_listing() -> dict[tuple[str, str], tuple[int, int]]:
    listing = {}
    for name, folder in _storage_folders().items():
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file():
                    stat = path.stat()
                    listing[name, str(path.relative_to(folder))] = (stat.st_size, stat.st_mtime_ns)
    return listing


def _stored_files(before: dict) -> Path | None:
    """A copy of each file the build stored (new or changed), kept for the later tests."""
    global _file_store
    new = {item for item, stat in _file_listing().items() if before.get(item) != stat}
    if not new:
        return None
    if _file_store is None:
        _file_store = Path(tempfile.mkdtemp(prefix="test-snapshots-"))
    copy = Path(tempfile.mkdtemp(dir=_file_store))
    folders = _storage_folders()
    for name, relative in new:
        target = copy / name / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folders[name] / relative, target)
    return copy


def _restore_files(variant: _Variant) -> None:
    if variant.files is None:
        return
    for name, folder in _storage_folders().items():
        if (variant.files / name).is_dir():
            shutil.copytree(variant.files / name, folder, dirs_exist_ok=True)


def discard() -> None:
    """Forget every recording and delete the copies of stored files (at the end of a run)."""
    _builders.clear()
    if _file_store is not None:
        shutil.rmtree(_file_store, ignore_errors=True)
