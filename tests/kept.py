"""Setting up kept records in tests: dates and names that only time would otherwise change."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from workforce.append_only import REWRITE_SETTING


@contextmanager
def rewriting_kept_records() -> Iterator[None]:
    """Let a test rewrite kept rows (a certificate issued years ago, say) with queryset updates.

    PostgreSQL's triggers refuse such updates unless the session asks, as only the database
    owner may; SQLite has no triggers, and the ORM guard leaves queryset updates alone.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL {REWRITE_SETTING} = 'on'")
        try:
            yield
        finally:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL {REWRITE_SETTING} = 'off'")
