"""Import pages (upload, preview, confirm, progress, problems), the command, and the exports."""

import csv
import datetime
import io
import re
import threading
import time
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import ModelLogEntry

from competencies.models import Assessment, AssessmentImport, ImportStatus
from imports import views as import_views
from tests.imports.conftest import (
    as_csv,
    assessment_count,
    spreadsheet,
    truncated_xlsx,
    yesterday,
)

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("imports:assessment_import"),
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
    )


# --- Pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("background", [False, True], ids=["in-request", "background-task"])
def test_upload_preview_confirm(client, row, manager, link_worker, monkeypatch, background):
    if background:
        monkeypatch.setattr(import_views, "BACKGROUND_BYTES", 0)
    client.force_login(manager)
    data, name = spreadsheet("xlsx", [row(), row(competency_code="SPLW-ROL-02", method="KT")])

    page = upload(client, data, name)

    record = AssessmentImport.objects.get()
    assert record.status == ImportStatus.READY
    html = page.content.decode()
    assert "This is a preview: nothing has been saved yet." in html
    assert "Confirm and import 2 assessments" in html
    assert escape(str(link_worker)) in html
    assert assessment_count() == 0

    done = client.post(reverse("imports:import_confirm", args=[record.pk]), follow=True)

    assert assessment_count() == 2
    record.refresh_from_db()
    assert record.status == ImportStatus.SAVED
    assert record.created_count == 2
    assert "2 assessments imported from assessments.xlsx." in done.content.decode()
    status = client.get(reverse("imports:import_status", args=[record.pk])).json()
    assert status == {
        "status": "saved",
        "label": "Imported",
        "processed": 2,
        "total": 2,
        "finished": True,
        "text": "Imported: 2 of 2 rows.",
        "indeterminate": False,
    }


def test_a_background_import_reports_each_stage_in_its_status(client, row, manager, monkeypatch):
    from competencies import importing, tasks

    monkeypatch.setattr(import_views, "BACKGROUND_BYTES", 0)
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 2)
    client.force_login(manager)
    seen = []
    check = importing.import_assessments

    def check_and_watch(**kwargs):
        on_progress = kwargs.pop("on_progress", None)

        def progress(done, total):
            on_progress(done, total)
            record = AssessmentImport.objects.get()
            seen.append(client.get(reverse("imports:import_status", args=[record.pk])).json())

        return check(**kwargs, on_progress=progress if on_progress else None)

    monkeypatch.setattr(importing, "import_assessments", check_and_watch)
    rows = [
        row(assessed_on=(yesterday() - datetime.timedelta(days=d)).isoformat()) for d in range(5)
    ]
    upload(client, *spreadsheet("csv", rows))
    record = AssessmentImport.objects.get()
    status_url = reverse("imports:import_status", args=[record.pk])

    assert [(s["status"], s["processed"], s["total"]) for s in seen] == [
        ("checking", 0, 5),
        ("checking", 2, 5),
        ("checking", 4, 5),
        ("checking", 5, 5),
    ]
    assert seen[1]["text"] == "Checking the file: 2 of 5 rows."
    assert client.get(status_url).json()["status"] == "ready"

    confirm_task, enqueued = tasks.confirm_assessment_import, []
    # Held back, to look at the page while the file waits to be saved.
    monkeypatch.setattr(
        tasks, "confirm_assessment_import", SimpleNamespace(enqueue=enqueued.append)
    )
    client.post(reverse("imports:import_confirm", args=[record.pk]))
    saving = client.get(status_url).json()
    assert saving["status"] == "saving"
    assert saving["processed"] == saving["total"] == 5  # checked; not stuck at 0
    assert saving["indeterminate"] is True
    assert "saving them in one go, all or none" in saving["text"]
    page = client.get(reverse("imports:import_detail", args=[record.pk])).content.decode()
    assert "saving them in one go" in page
    assert 'value="' not in page.split("<progress", 1)[1].split(">", 1)[0]  # a busy bar

    confirm_task.call(*enqueued)
    done = client.get(status_url).json()
    assert (done["status"], done["finished"], done["indeterminate"]) == ("saved", True, False)
    assert assessment_count() == 5


def test_an_unexpected_error_in_a_background_import_marks_it_failed(
    client, row, manager, monkeypatch
):
    from competencies import services, tasks

    client.force_login(manager)
    record = services.assessment_import_upload(
        actor=manager, filename="a.csv", data=spreadsheet("csv", [row()])[0]
    )

    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "assessment_import_check", broken)
    with pytest.raises(RuntimeError):
        tasks.check_assessment_import.call(str(record.pk))

    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED
    assert record.finished_at is not None
    assert assessment_count() == 0
    assert ModelLogEntry.objects.filter(action="competencies.assessment.import_fail").count() == 1


def test_a_file_with_errors_shows_every_problem_and_offers_a_download(client, row, manager):
    client.force_login(manager)
    data, name = spreadsheet("csv", [row(), row(level=9), row(method="=cmd|' /C calc'!A0")])

    page = upload(client, data, name)

    html = page.content.decode()
    assert "Nothing was imported: the file has problems" in html
    assert "2 of 3 rows were refused." in html
    assert escape("Level 9 is not on the framework's scale") in html
    record = AssessmentImport.objects.get()
    assert record.status == ImportStatus.REFUSED
    confirm = client.post(reverse("imports:import_confirm", args=[record.pk]), follow=True)
    assert "This import cannot be confirmed" in confirm.content.decode()
    assert assessment_count() == 0

    download = client.get(reverse("imports:import_problems", args=[record.pk]))
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["row", "column", "value", "reason"]
    assert rows[1][:3] == ["3", "level", "9"]
    # The value from the file is written so that a spreadsheet cannot run it.
    assert rows[2][:3] == ["4", "method", "'=cmd|' /C calc'!A0"]


def test_a_file_over_the_limit_is_refused_at_upload(client, row, manager, settings):
    client.force_login(manager)
    data, name = spreadsheet("csv", [row()])
    settings.IMPORT_MAX_BYTES = 10
    page = upload(client, data, name)
    assert "more than the limit of" in page.content.decode()
    assert not AssessmentImport.objects.exists()


def test_only_the_uploader_sees_or_confirms_an_import(client, row, manager, assessor):
    client.force_login(manager)
    data, name = spreadsheet("csv", [row()])
    upload(client, data, name)
    record = AssessmentImport.objects.get()

    client.force_login(assessor)  # may import too, but this is not their file
    assert client.get(reverse("imports:import_detail", args=[record.pk])).status_code == 404
    assert client.get(reverse("imports:import_status", args=[record.pk])).status_code == 404
    confirm = client.post(reverse("imports:import_confirm", args=[record.pk]))
    assert confirm.status_code == 404
    assert assessment_count() == 0


def test_link_workers_and_strangers_cannot_open_the_import_page(client, link_worker, nobody):
    for person in (link_worker, nobody):
        client.force_login(person)
        assert client.get(reverse("imports:assessment_import")).status_code == 403
        assert client.get(reverse("imports:reports")).status_code == 403
    client.logout()
    assert client.get(reverse("imports:assessment_import")).status_code == 302


def test_confirm_checks_again_and_refuses_what_changed_since_the_preview(
    client, row, manager, assessor
):
    client.force_login(manager)
    data, name = spreadsheet("csv", [row()])
    upload(client, data, name)
    record = AssessmentImport.objects.get()
    assessor.is_active = False  # the assessor's account was closed meanwhile
    assessor.save()

    client.post(reverse("imports:import_confirm", args=[record.pk]))

    record.refresh_from_db()
    assert record.status == ImportStatus.REFUSED
    assert assessment_count() == 0


# --- Command ----------------------------------------------------------------------------------


def test_command_dry_run_reports_and_saves_nothing(tmp_path, row, small_framework):
    path = tmp_path / "a.csv"
    path.write_bytes(spreadsheet("csv", [row()])[0])
    out = io.StringIO()
    call_command("import_assessments", str(path), "--dry-run", stdout=out)
    assert "1 new assessment would be imported" in out.getvalue()
    assert "Dry run: nothing was saved." in out.getvalue()
    assert assessment_count() == 0


def test_command_imports_a_good_file(tmp_path, row, small_framework):
    path = tmp_path / "a.xlsx"
    path.write_bytes(spreadsheet("xlsx", [row()])[0])
    out = io.StringIO()
    call_command("import_assessments", str(path), stdout=out)
    assert "Imported 1 new assessment(s)." in out.getvalue()
    assert assessment_count() == 1


@pytest.mark.parametrize("dry_run", [False, True])
def test_command_exits_non_zero_on_any_refused_row_and_saves_nothing(
    tmp_path, row, small_framework, dry_run
):
    path = tmp_path / "a.csv"
    path.write_bytes(spreadsheet("csv", [row(), row(level=9)])[0])
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 problem\\(s\\) found; nothing was imported"):
        call_command(
            "import_assessments", str(path), *(["--dry-run"] if dry_run else []), stdout=out
        )
    assert "Row 3, level “9”: Level 9 is not on the framework's scale" in out.getvalue()
    assert assessment_count() == 0


def test_command_as_a_manager_is_limited_to_their_organisations(
    tmp_path, row, manager, outside_link_worker
):
    path = tmp_path / "a.csv"
    path.write_bytes(spreadsheet("csv", [row(worker_email=outside_link_worker.email)])[0])
    with pytest.raises(CommandError):
        call_command("import_assessments", str(path), "--as", manager.email, stdout=io.StringIO())
    assert assessment_count() == 0


# --- Exports ----------------------------------------------------------------------------------


@pytest.fixture
def recorded(row, manager, outside_link_worker, outside_assessor, other_organisation):
    """Assessments in the manager's organisation (one with formula-like notes), and one outside."""
    from competencies import services

    data, name = spreadsheet(
        "csv",
        [
            row(),
            row(
                competency_code="SPLW-ROL-02", method="KT", level=2, notes='=HYPERLINK("http://x")'
            ),
        ],
    )
    assert services.assessments_import(data=data, filename=name, actor=manager).saved
    outside = spreadsheet(
        "csv",
        [row(worker_email=outside_link_worker.email, assessor_email=outside_assessor.email)],
    )
    assert services.assessments_import(data=outside[0], filename="o.csv", actor=None).saved
    return Assessment.objects.all()


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def test_history_export_holds_only_what_the_exporter_may_see(
    client, recorded, manager, link_worker, outside_link_worker
):
    client.force_login(manager)
    rows = read_csv(client.get(reverse("imports:history_export", args=["csv"])))
    assert {r["worker_email"] for r in rows} == {link_worker.email}
    assert len(rows) == 2
    sheet = read_xlsx(client.get(reverse("imports:history_export", args=["xlsx"])))
    assert sheet[0][:3] == ["worker_email", "worker_name", "competency_code"]
    assert len(sheet) == 3
    assert outside_link_worker.email not in str(sheet)


def test_exports_neutralise_formulas_in_csv_and_xlsx(client, recorded, manager):
    client.force_login(manager)
    rows = read_csv(client.get(reverse("imports:history_export", args=["csv"])))
    assert '\'=HYPERLINK("http://x")' in {r["notes"] for r in rows}
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("imports:history_export", args=["xlsx"])).content)
    )
    cells = [c for r in book.worksheets[0].iter_rows() for c in r if c.value]
    assert not [c for c in cells if c.data_type == "f"]  # no formula cell at all
    assert '\'=HYPERLINK("http://x")' in {c.value for c in cells}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_round_trip_export_then_import_creates_nothing(client, recorded, manager, file_format):
    from competencies import services

    client.force_login(manager)
    exported = client.get(reverse("imports:history_export", args=[file_format])).content
    before = assessment_count()

    report = services.assessments_import(
        data=exported, filename=f"history.{file_format}", actor=manager
    )

    assert report.ok, report.problems()
    assert report.unchanged == 2
    assert report.new == 0
    assert assessment_count() == before


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_round_trip_with_a_notes_only_correction_creates_nothing(
    client, recorded, manager, assessor, link_worker, file_format
):
    from competencies import services

    original = Assessment.objects.filter(worker=link_worker, notes__startswith="Observed").get()
    services.assessment_correct(
        original=original,
        assessor=assessor,
        level=original.level,
        method=original.method,
        assessed_on=original.assessed_on,
        reason="Notes were incomplete.",
        notes="Observed a first conversation, and a follow-up call.",
    )
    client.force_login(manager)
    exported = client.get(reverse("imports:history_export", args=[file_format])).content
    before = assessment_count()

    report = services.assessments_import(
        data=exported, filename=f"history.{file_format}", actor=manager
    )

    assert report.ok, report.problems()
    assert len(report.rows) == 3  # the original and its correction share one key
    assert report.unchanged == 3
    assert report.new == 0
    assert not report.problems()
    assert assessment_count() == before


def test_progress_matrix_export_has_a_row_per_worker_and_a_column_per_code(
    client, manager, organisation, link_worker, assessor, demo_curriculum
):
    from competencies import services
    from tests.imports.conftest import yesterday

    data = as_csv(
        [[link_worker.email, "SPLW-ROL-01", 3, "DOP", yesterday().isoformat(), assessor.email, ""]]
    )
    # Imported by the assessor named in it: counted at once (in another's name it would wait).
    assert services.assessments_import(data=data, filename="a.csv", actor=assessor).saved
    client.force_login(manager)
    url = reverse("imports:progress_matrix_export", args=[organisation.pk, "xlsx"])
    sheet = read_xlsx(client.get(url))
    header, body = sheet[0], sheet[1:]
    assert header[:2] == ["worker_name", "worker_email"]
    assert "SPLW-ROL-01" in header
    assert "SPLW-ROL-02" in header
    assert len(body) == 1
    assert body[0][1] == link_worker.email
    assert body[0][header.index("SPLW-ROL-01")] == 3
    assert body[0][header.index("SPLW-ROL-02")] is None
    page = client.get(reverse("imports:progress_matrix", args=[organisation.pk]))
    assert escape(link_worker.full_name) in page.content.decode()


def test_progress_matrix_of_another_organisation_is_not_found(
    client, manager, other_organisation, demo_curriculum
):
    client.force_login(manager)
    for url in (
        reverse("imports:progress_matrix", args=[other_organisation.pk]),
        reverse("imports:progress_matrix_export", args=[other_organisation.pk, "csv"]),
    ):
        assert client.get(url).status_code == 404


def test_link_workers_cannot_export(client, link_worker):
    client.force_login(link_worker)
    assert client.get(reverse("imports:history_export", args=["csv"])).status_code == 403


# --- Damaged files, unexpected errors ---------------------------------------------------------


@pytest.mark.parametrize("background", [False, True], ids=["in-request", "background-task"])
def test_a_damaged_workbook_is_refused_with_a_clear_message_and_not_left_checking(
    client, row, manager, monkeypatch, background
):
    if background:
        monkeypatch.setattr(import_views, "BACKGROUND_BYTES", 0)
    client.force_login(manager)
    rows = [
        row(assessed_on=(yesterday() - datetime.timedelta(days=d)).isoformat()) for d in range(40)
    ]
    # The zip is sound; the sheet's XML stops half way, which only reading its rows finds.
    data = truncated_xlsx(spreadsheet("xlsx", rows)[0])

    page = upload(client, data, "assessments.xlsx")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Nothing was imported: the file has problems" in html
    assert "The XLSX file is damaged or not a spreadsheet: save it again from Excel" in html
    record = AssessmentImport.objects.get()
    assert record.status == ImportStatus.REFUSED
    assert client.get(reverse("imports:import_status", args=[record.pk])).json()["finished"]
    assert assessment_count() == 0


def test_an_unexpected_error_while_checking_in_the_request_marks_the_import_failed(
    client, row, manager, monkeypatch
):
    from competencies import services

    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "assessment_import_check", broken)
    client.force_login(manager)

    page = upload(client, *spreadsheet("csv", [row()]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Something went wrong on our side while checking assessments.csv" in html
    assert "nothing was imported" in html
    record = AssessmentImport.objects.get()
    assert record.status == ImportStatus.FAILED
    assert record.finished_at is not None
    assert ModelLogEntry.objects.filter(action="competencies.assessment.import_fail").count() == 1
    assert assessment_count() == 0


def test_an_unexpected_error_while_saving_in_the_request_marks_the_import_failed(
    client, row, manager, monkeypatch
):
    from competencies import services

    client.force_login(manager)
    upload(client, *spreadsheet("csv", [row()]))
    record = AssessmentImport.objects.get()
    assert record.status == ImportStatus.READY

    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "assessment_import_confirm", broken)
    page = client.post(reverse("imports:import_confirm", args=[record.pk]), follow=True)

    assert page.status_code == 200
    assert "Something went wrong on our side while saving" in page.content.decode()
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED
    assert assessment_count() == 0


# --- Overlapping confirms ---------------------------------------------------------------------


def test_a_confirm_of_rows_saved_meanwhile_reports_them_unchanged_and_creates_nothing(
    tmp_path, row, manager, assessor
):
    """Two people upload the same rows; both previews say "new"; the second confirm (or the
    command, run meanwhile) must find the first one's rows and save nothing twice."""
    from competencies import services

    data, name = spreadsheet("csv", [row(), row(competency_code="SPLW-ROL-02", method="KT")])
    first, second = (
        services.assessment_import_check(
            assessment_import=services.assessment_import_upload(
                actor=person, filename=name, data=data
            )
        )
        for person in (manager, assessor)
    )
    assert first.status == second.status == ImportStatus.READY
    assert first.created_count == second.created_count == 2

    services.assessment_import_confirm(assessment_import=first, actor=manager)
    late = services.assessment_import_confirm(assessment_import=second, actor=assessor)

    assert assessment_count() == 2
    assert late.status == ImportStatus.SAVED
    assert (late.created_count, late.unchanged_count) == (0, 2)
    assert {row["outcome"] for row in late.report["rows"]} == {"unchanged"}
    path = tmp_path / name
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_assessments", str(path), stdout=out)
    assert "Imported 0 new assessment(s)." in out.getvalue()
    assert assessment_count() == 2


@pytest.mark.parametrize("how", ["page", "command"])
def test_saving_locks_the_files_workers_before_looking_for_rows_already_recorded(
    tmp_path, row, manager, link_worker, how
):
    """The lock that makes overlapping saves take turns (a no-op on SQLite, which has no row
    locks and lets one writer through at a time)."""
    from django.test.utils import CaptureQueriesContext

    from competencies import services

    data, name = spreadsheet("csv", [row()])
    with CaptureQueriesContext(connection) as queries:
        if how == "page":
            record = services.assessment_import_check(
                assessment_import=services.assessment_import_upload(
                    actor=manager, filename=name, data=data
                )
            )
            start = len(queries)
            services.assessment_import_confirm(assessment_import=record, actor=manager)
        else:
            start = 0
            assert services.assessments_import(data=data, filename=name, actor=None).saved
    sql = [query["sql"] for query in queries.captured_queries[start:]]
    # The lock reads only the workers' ids, in id order.
    lock = re.compile(
        r'^SELECT "workforce_user"\."id"( AS "pk")? FROM "workforce_user" '
        r'WHERE "workforce_user"\."id" IN \((?P<ids>[^)]*)\) ORDER BY'
    )
    locks = [(i, match["ids"]) for i, text in enumerate(sql) if (match := lock.match(text))]
    lookups = [
        i
        for i, text in enumerate(sql)
        if text.startswith("SELECT") and 'FROM "competencies_assessment"' in text
    ]
    assert [ids for _, ids in locks] == [str(link_worker.pk)], sql
    assert locks[0][0] < lookups[0]
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in sql[locks[0][0]]
    assert assessment_count() == 1


# --- Download names ---------------------------------------------------------------------------


def test_downloads_named_in_any_script_are_attachments_with_an_ascii_header(
    client, manager, organisation, link_worker, assessor, demo_curriculum
):
    organisation.name = "Łódź Wschód PCN"
    organisation.save()
    client.force_login(manager)

    matrix = client.get(reverse("imports:progress_matrix_export", args=[organisation.pk, "xlsx"]))
    bad = [link_worker.email, "SPLW-ROL-01", 9, "DOP", yesterday().isoformat(), assessor.email, ""]
    upload(client, as_csv([bad]), "Oceny łódzkie.csv")
    record = AssessmentImport.objects.get()
    problems = client.get(reverse("imports:import_problems", args=[record.pk]))
    history = client.get(reverse("imports:history_export", args=["csv"]))

    day = timezone.localdate().isoformat()
    for response, name in [
        (matrix, f"progress-%C5%82%C3%B3d%C5%BA-wsch%C3%B3d-pcn-{day}.xlsx"),
        (problems, "Oceny-%C5%82%C3%B3dzkie-problems.csv"),
    ]:
        header = response["Content-Disposition"]
        assert header.isascii(), header  # not MIME-encoded (=?utf-8?b?…?=)
        assert header == f"attachment; filename*=utf-8''{name}"
        assert response["Cache-Control"] == "private, no-store"
    assert history["Content-Disposition"] == f'attachment; filename="assessment-history-{day}.csv"'


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_overlapping_confirms_of_the_same_rows_save_them_once(
    row, manager, assessor, monkeypatch
):
    """Really at once. On PostgreSQL the lock on the workers serialises the two (without it both
    save: 4 rows); SQLite lets one writing transaction at a time, which has the same effect."""
    from competencies import services
    from competencies.resources import AssessmentImportResource

    data, name = spreadsheet("csv", [row(), row(competency_code="SPLW-ROL-02", method="KT")])
    first, second = (
        services.assessment_import_check(
            assessment_import=services.assessment_import_upload(
                actor=person, filename=name, data=data
            )
        )
        for person in (manager, assessor)
    )
    save, first_checked = AssessmentImportResource.bulk_create, threading.Event()

    def hold_then_save(resource, *args, **kwargs):
        if threading.current_thread().name == "first":
            # The first has checked its rows and is about to save them: the second starts now.
            first_checked.set()
            time.sleep(1)
        return save(resource, *args, **kwargs)

    monkeypatch.setattr(AssessmentImportResource, "bulk_create", hold_then_save)
    saved = {}

    def confirm(record, actor):
        try:
            saved[actor] = services.assessment_import_confirm(assessment_import=record, actor=actor)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=confirm, args=(first, manager), name="first"),
        threading.Thread(target=confirm, args=(second, assessor), name="second"),
    ]
    threads[0].start()
    assert first_checked.wait(10)
    threads[1].start()
    for thread in threads:
        thread.join(20)

    assert assessment_count() == 2
    assert saved[manager].created_count == 2
    assert (saved[assessor].created_count, saved[assessor].unchanged_count) == (0, 2)
