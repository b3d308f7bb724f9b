"""A 10,000-row file imports in the background, with progress, in bulk (issue 6, "Done when")."""

import datetime
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competencies import importing
from competencies.models import AssessmentImport, ImportStatus
from competencies.resources import IMPORT_BATCH_SIZE
from imports import views as import_views
from tests.imports.conftest import as_csv, assessment_count, yesterday

pytestmark = pytest.mark.django_db

ROWS = 10_000
# Far below one query a row: the check writes one progress update every PROGRESS_EVERY rows (11
# for 10,000), the confirmation inserts in batches of IMPORT_BATCH_SIZE.
CHECK_QUERIES_MAX = 100
CONFIRM_QUERIES_MAX = 60


def statements(queries: CaptureQueriesContext) -> list[str]:
    """The queries run, leaving out transaction bookkeeping (savepoints)."""
    bookkeeping = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(bookkeeping)]


def ten_thousand_rows(worker, assessor) -> list[list]:
    """10,000 different assessments of one link worker: 4 competency and method pairs, 4 levels
    and 625 days."""
    ways = [
        ("SPLW-ROL-01", "DOP"),
        ("SPLW-ROL-01", "SIM"),
        ("SPLW-ROL-02", "KT"),
        ("SPLW-ROL-02", "CBD"),
    ]
    days = [yesterday() - datetime.timedelta(days=n) for n in range(ROWS // 16)]
    return [
        [worker.email, code, level, method, day.isoformat(), assessor.email, f"Row {n}"]
        for n, ((code, method), level, day) in enumerate(itertools.product(ways, range(1, 5), days))
    ]


def test_ten_thousand_rows_import_in_the_background_with_progress_and_bulk_writes(
    client, manager, link_worker, assessor, small_framework, monkeypatch
):
    data = as_csv(ten_thousand_rows(link_worker, assessor))
    assert len(data) > import_views.BACKGROUND_BYTES  # so both stages run as background tasks
    progress = []
    check = importing.import_assessments

    def watched(**kwargs):
        if on_progress := kwargs.pop("on_progress", None):

            def report(done, total):
                progress.append((done, total))
                on_progress(done, total)

            kwargs["on_progress"] = report
        return check(**kwargs)

    monkeypatch.setattr(importing, "import_assessments", watched)
    client.force_login(manager)

    with CaptureQueriesContext(connection) as checking:
        client.post(
            reverse("imports:assessment_import"),
            {"file": SimpleUploadedFile("ten-thousand.csv", data)},
        )
    record = AssessmentImport.objects.get()
    assert record.status == ImportStatus.READY
    assert (record.processed_rows, record.total_rows, record.created_count) == (ROWS,) * 3
    steps = ROWS // importing.PROGRESS_EVERY
    assert progress[0] == (0, ROWS)
    assert progress[-1] == (ROWS, ROWS)
    assert len(progress) == steps + 1  # the bar moved every PROGRESS_EVERY rows
    assert assessment_count() == 0

    with CaptureQueriesContext(connection) as confirming:
        client.post(reverse("imports:import_confirm", args=[record.pk]))

    record.refresh_from_db()
    assert record.status == ImportStatus.SAVED
    assert record.created_count == ROWS
    assert assessment_count() == ROWS
    # Queries do not grow with the rows: the check reads the whole file in a fixed number of
    # queries and writes one progress update per step; saving inserts in batches.
    assert len(statements(checking)) < CHECK_QUERIES_MAX, statements(checking)
    assert len(statements(confirming)) < CONFIRM_QUERIES_MAX, statements(confirming)
    assert len(checking) + len(confirming) < ROWS // 10  # savepoints included
    # In batches: on PostgreSQL each batch draws its ids in one query and is written by COPY
    # (which goes round Django's query log), elsewhere one INSERT each.
    if connection.vendor == "postgresql":
        inserts = [q for q in statements(confirming) if "nextval(pg_get_serial_sequence" in q]
    else:
        inserts = [
            q
            for q in statements(confirming)
            if q.startswith('INSERT INTO "competencies_assessment"')
        ]
    assert len(inserts) == ROWS // IMPORT_BATCH_SIZE
