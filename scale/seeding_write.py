"""Bulk writing for `scale.seeding`: rows go to the database by COPY on PostgreSQL (psycopg 3's
`cursor.copy()`) and by batched INSERTs elsewhere (SQLite), with primary keys the seed gives.

Rows are plain tuples in the order of a table's concrete fields; anything a row leaves out takes
the field's default. Nothing here goes through the models' `save()`: the seed writes rows the
services would have written, and `scale.seeding` is what keeps them to the models' rules (the
database checks its constraints and triggers on every row all the same).
"""

import json
import time
from collections.abc import Callable, Iterable

from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

Progress = Callable[[str, int, int], None]

# How many rows a table buffers before they are written: big enough that a COPY's own cost
# vanishes, small enough that a million assessments never sit in memory at once.
FLUSH_ROWS = 20_000


class Table:
    """One table's rows, buffered and written in batches; counts rows and seconds spent."""

    def __init__(self, model: type[models.Model], *, flush_rows: int = FLUSH_ROWS):
        self.model = model
        self.name = model._meta.db_table
        fields = list(model._meta.concrete_fields)
        self.fields = fields
        self.attnames = [field.attname for field in fields]
        self.columns = [field.column for field in fields]
        self._json = [isinstance(field, models.JSONField) for field in fields]
        self._defaults = {
            field.attname: (None if field.primary_key else field.get_default()) for field in fields
        }
        self._index = {name: position for position, name in enumerate(self.attnames)}
        self.flush_rows = flush_rows
        self.rows: list[tuple] = []
        self.written = 0
        self.seconds = 0.0
        self.next_id = 1

    def start_ids_after(self, highest: int | None) -> None:
        self.next_id = (highest or 0) + 1

    def new_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    def add(self, **values) -> None:
        """Buffer a row given by attname (`worker_id`, not `worker`)."""
        row = [values.pop(name, default) for name, default in self._defaults.items()]
        if values:
            raise TypeError(f"{self.name} has no field(s) {', '.join(sorted(values))}")
        self.rows.append(tuple(row))
        if len(self.rows) >= self.flush_rows:
            self.flush()

    def prepared(self) -> list[tuple]:
        """The rows as the database takes them: COPY reads JSON as text and adapts the rest
        itself; elsewhere each field prepares its value (datetimes in UTC, decimals, JSON)."""
        if connection.vendor == "postgresql":
            if not any(self._json):
                return self.rows
            return [
                tuple(
                    json.dumps(value, cls=DjangoJSONEncoder)
                    if is_json and value is not None
                    else value
                    for value, is_json in zip(row, self._json, strict=True)
                )
                for row in self.rows
            ]
        return [
            tuple(
                field.get_db_prep_save(value, connection)
                for value, field in zip(row, self.fields, strict=True)
            )
            for row in self.rows
        ]

    def flush(self) -> None:
        if not self.rows:
            return
        started = time.perf_counter()
        write_rows(self.name, self.columns, self.prepared())
        self.seconds += time.perf_counter() - started
        self.written += len(self.rows)
        self.rows = []


def write_rows(
    table: str, columns: list[str], rows: Iterable[tuple], *, copy: bool | None = None
) -> None:
    """Write `rows` into `table`: COPY on PostgreSQL, batched INSERTs elsewhere (or as `copy`
    says)."""
    if copy is None:
        copy = connection.vendor == "postgresql"
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    name = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if copy:
            with cursor.cursor.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            rows = list(rows)
            # SQLite takes at most 999 parameters in older builds: batch by row, not by value.
            for start in range(0, len(rows), 500):
                cursor.executemany(
                    f"INSERT INTO {name} ({quoted}) VALUES ({placeholders})",  # noqa: S608
                    rows[start : start + 500],
                )


def highest_id(model: type[models.Model]) -> int | None:
    return model._default_manager.order_by().aggregate(highest=models.Max("pk"))["highest"]


def reset_sequences(tables: Iterable[Table]) -> None:
    """After rows were written with the seed's own keys, the next key the database gives is
    past them (PostgreSQL; SQLite follows the highest key by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [table.model for table in tables])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
