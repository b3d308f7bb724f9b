"""Assessment import through the service: each bad input refused with its message, nothing saved."""

import datetime

import pytest
import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from import_export.results import RowResult
from wagtail.models import ModelLogEntry

from competencies import services
from competencies.import_rows import ROW_NUMBER, ImportReport
from competencies.models import Assessment, AssessmentImport
from competencies.resources import AssessmentImportResource
from competencies.rules import PreloadedLookups
from tests.factories import MembershipFactory
from tests.imports.conftest import (
    FORMATS,
    HEADERS,
    as_csv,
    as_xlsx,
    assessment_count,
    spreadsheet,
    yesterday,
)
from workforce.models import Role
from workforce.permissions import Action, denial_reason

pytestmark = pytest.mark.django_db


def refused(manager, data: bytes, filename: str, *, message: str):
    """Import `data`; assert it was refused with `message` and that nothing was saved."""
    before = assessment_count()
    report = services.assessments_import(data=data, filename=filename, actor=manager)
    reasons = [problem["reason"] for problem in report.problems()]
    assert not report.ok
    assert not report.saved
    assert any(message in reason for reason in reasons), reasons
    assert assessment_count() == before
    assert not AssessmentImport.objects.exists()
    return report


def problem_at(report, row: int, column: str) -> dict:
    found = [p for p in report.problems() if p["row"] == row and p["column"] == column]
    assert found, report.problems()
    return found[0]


# --- A good file -------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_good_file_is_previewed_then_saved_like_assessment_record(
    file_format, row, manager, link_worker, assessor, small_framework
):
    data, name = spreadsheet(
        file_format,
        [
            row(notes="  Observed a first conversation.  "),
            row(competency_code="SPLW-ROL-02", method="KT"),
        ],
    )

    preview = services.assessments_import(data=data, filename=name, actor=manager, dry_run=True)
    assert preview.ok
    assert preview.new == 2
    assert not preview.saved
    assert assessment_count() == 0

    report = services.assessments_import(data=data, filename=name, actor=manager)

    assert report.saved
    assert report.new == 2
    first = Assessment.objects.get(competency__id_number="SPLW-ROL-01")
    assert (first.worker, first.assessor, first.level, first.method.code) == (
        link_worker,
        assessor,
        3,
        "DOP",
    )
    assert first.assessed_on == yesterday()
    assert first.notes == "Observed a first conversation."
    assert first.framework_version == small_framework.versions.get()
    assert first.recorded_at is not None
    assert first.supersedes is None
    record = AssessmentImport.objects.get()
    entry = ModelLogEntry.objects.get(action="competencies.assessment.import")
    assert entry.object_id == str(record.pk)
    assert entry.user_id == manager.pk
    assert entry.data["created"] == 2


@pytest.mark.parametrize("file_format", FORMATS)
def test_reimporting_the_same_file_reports_rows_unchanged_and_creates_nothing(
    file_format, row, manager
):
    data, name = spreadsheet(file_format, [row(), row(level=2, assessed_on="01/02/2025")])
    services.assessments_import(data=data, filename=name, actor=manager)

    again = services.assessments_import(data=data, filename=name, actor=manager)

    assert again.ok
    assert again.unchanged == 2
    assert again.new == 0
    assert assessment_count() == 2


def test_headings_in_any_order_and_case_levels_and_methods_by_name_uk_dates(row, manager):
    headers = [
        "Assessor_Email",
        "NOTES",
        "Assessed On",
        "Method",
        "Level",
        "Competency_Code",
        "Worker_Email",
    ]
    good = row(
        level="proficient", method="Direct observation of practice", assessed_on="01/03/2025"
    )
    by_header = dict(zip(HEADERS, good, strict=True))
    ordered = [by_header[h.lower().replace(" ", "_")] for h in headers]

    report = services.assessments_import(
        data=as_csv([ordered], headers), filename="x.csv", actor=manager
    )

    assert report.saved, report.problems()
    assessment = Assessment.objects.get()
    assert (assessment.level, assessment.method.code) == (3, "DOP")
    assert assessment.assessed_on == datetime.date(2025, 3, 1)


def test_excel_date_cells_are_read(row, manager):
    report = services.assessments_import(
        data=as_xlsx([row(assessed_on=datetime.datetime(2025, 3, 1))]),
        filename="x.xlsx",
        actor=manager,
    )
    assert report.saved, report.problems()
    assert Assessment.objects.get().assessed_on == datetime.date(2025, 3, 1)


def test_a_utf8_bom_is_accepted(row, manager, link_worker):
    data = as_csv([row(notes="Siân’s first observation")], bom=True)
    report = services.assessments_import(data=data, filename="bom.csv", actor=manager)
    assert report.saved, report.problems()
    assert Assessment.objects.get().notes == "Siân’s first observation"


def test_windows_1252_is_detected_read_and_said(row, manager):
    notes = "Observed Siân and Zoë at the café: a good first conversation about the walking group"
    data = as_csv([row(notes=notes)] * 1, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    report = services.assessments_import(data=data, filename="excel.csv", actor=manager)

    assert report.saved, report.problems()
    assert Assessment.objects.get().notes == notes
    assert any("not UTF-8" in notice for notice in report.notices)


@pytest.mark.parametrize("file_format", FORMATS)
def test_empty_rows_are_skipped_and_row_numbers_stay_the_spreadsheets(file_format, row, manager):
    blank = [None] * len(HEADERS)
    data, name = spreadsheet(file_format, [row(), blank, row(level=9)])
    report = refused(manager, data, name, message="Level 9 is not on the framework's scale")
    assert len(report.rows) == 2
    assert problem_at(report, 4, "level")["value"] == "9"


def test_a_workbook_with_several_sheets_uses_the_first_and_says_so(row, manager):
    data = as_xlsx([row()], extra_sheets=["Notes", "Old"])
    report = services.assessments_import(data=data, filename="x.xlsx", actor=manager)
    assert report.saved
    assert any("only the first, “Assessments”, was read" in n for n in report.notices)
    assert assessment_count() == 1


# --- Bad files --------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", FORMATS)
def test_missing_columns_are_refused(file_format, row, manager):
    headers = [h for h in HEADERS if h not in {"level", "method"}]
    values = [v for h, v in zip(HEADERS, row(), strict=True) if h in headers]
    data, name = spreadsheet(file_format, [values], headers)
    refused(manager, data, name, message="The file has no level, method columns")


@pytest.mark.parametrize("file_format", FORMATS)
def test_unknown_columns_are_refused(file_format, row, manager):
    data, name = spreadsheet(file_format, [[*row(), "x"]], [*HEADERS, "Grade"])
    refused(manager, data, name, message="Unknown column: Grade")


@pytest.mark.parametrize("file_format", FORMATS)
def test_duplicate_rows_in_one_file_are_refused(file_format, row, manager):
    data, name = spreadsheet(file_format, [row(), row(notes="same again")])
    report = refused(manager, data, name, message="Repeats row 2")
    assert problem_at(report, 3, "")


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("worker_email", "nobody@example.org", "No link worker with this email address"),
        ("competency_code", "SPLW-NOPE-99", "No competency has this code."),
        ("competency_code", "ROL", "is a domain, not a competency"),
        ("competency_code", "SPLW-ROL-03", "SPLW-ROL-03 is retired"),
        ("assessor_email", "nobody@example.org", "No assessor with this email address"),
        ("level", 5, "Level 5 is not on the framework's scale (1 Aware, 2 Developing"),
        ("level", 0, "Level 0 is not on the framework's scale"),
        ("level", "Expert", "“Expert” is not a level number or name"),
        (
            "method",
            "KT",
            "SPLW-ROL-01 is not assessed by Knowledge test (KT); it accepts DOP, SIM.",
        ),
        ("method", "Telepathy", "No assessment method has this code or name"),
        ("assessed_on", "31/02/2025", "31/02/2025 is not a real date"),
        ("assessed_on", "2025-13-01", "2025-13-01 is not a real date"),
        ("assessed_on", "March 1st", "Write the date as 2026-03-01 or 01/03/2026"),
        ("assessed_on", "", "Enter the date assessed."),
        ("worker_email", "", "Enter the link worker's email address."),
    ],
)
def test_each_bad_value_is_refused_with_its_column_and_reason(
    file_format, column, value, message, row, manager
):
    data, name = spreadsheet(file_format, [row(), row(**{column: value}, notes="second")])
    report = refused(manager, data, name, message=message)
    problem = problem_at(report, 3, column)
    assert message in problem["reason"]
    assert report.rows[0]["outcome"] == "new"  # the good row is still shown, not saved


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_future_date_is_refused(file_format, row, manager):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data, name = spreadsheet(file_format, [row(assessed_on=tomorrow.isoformat())])
    report = refused(manager, data, name, message="The assessment date cannot be in the future")
    assert problem_at(report, 2, "assessed_on")


@pytest.mark.parametrize("file_format", FORMATS)
def test_an_assessor_not_allowed_to_assess_the_worker_is_refused(
    file_format, row, manager, outside_assessor, organisation
):
    # An assessor of the manager's organisation once, but not on the date assessed.
    MembershipFactory(
        user=outside_assessor,
        organisation=organisation,
        role=Role.ASSESSOR,
        starts_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    long_ago = (timezone.localdate() - datetime.timedelta(days=100)).isoformat()
    data, name = spreadsheet(
        file_format, [row(assessor_email=outside_assessor.email, assessed_on=long_ago)]
    )
    report = refused(manager, data, name, message="To assess")
    assert (
        "you must be a assessor in an organisation where they are a link worker"
        in (problem_at(report, 2, "assessor_email")["reason"])
    )


@pytest.mark.parametrize("file_format", FORMATS)
def test_workers_outside_the_importers_organisations_are_unknown_to_them(
    file_format, row, manager, outside_link_worker
):
    data, name = spreadsheet(file_format, [row(worker_email=outside_link_worker.email)])
    refused(
        manager,
        data,
        name,
        message="No link worker with this email address is in your organisations.",
    )


def test_a_file_over_the_size_limit_is_refused(row, manager, settings):
    for data, name in (spreadsheet("csv", [row()]), spreadsheet("xlsx", [row()])):
        settings.IMPORT_MAX_BYTES = len(data) - 1
        refused(manager, data, name, message="more than the limit of")


def test_a_legacy_xls_file_is_refused_with_how_to_save_it_as_xlsx(manager, small_framework):
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    report = refused(manager, ole2, "old.xls", message="legacy Excel 97–2003 workbook (.xls)")
    assert "Excel Workbook (.xlsx)" in report.file_errors[0]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"\n\n  \n", "blank.csv", "The file is empty."),
        (as_csv([]), "headings.csv", "The file has column headings but no assessments."),
        (as_xlsx([]), "headings.xlsx", "The file has column headings but no assessments."),
        (as_xlsx([], headers=None), "empty.xlsx", "The file is empty."),
        (b"PK\x03\x04 not really a zip", "broken.xlsx", "The XLSX file is damaged or not"),
        (b"\x00\x01\x02\xff\xfe binary", "data.csv", "not a CSV or XLSX spreadsheet"),
        # Valid UTF-8 with a NUL: PostgreSQL refuses NUL in any text, lookups included.
        (as_csv([]) + b"\x00\r\n", "nul.csv", "it holds NUL characters"),
    ],
)
def test_empty_and_unreadable_files_are_refused(data, name, message, manager, small_framework):
    refused(manager, data, name, message=message)


def test_an_undetectable_encoding_is_refused_saying_so(manager, small_framework, monkeypatch):
    from workforce import spreadsheets

    class NoMatch:
        def best(self):
            return None

    monkeypatch.setattr(spreadsheets, "from_bytes", lambda data: NoMatch())
    refused(
        manager,
        "worker_email\n\xe9".encode("latin-1"),
        "x.csv",
        message="its encoding could not be detected",
    )


def test_link_workers_may_not_import(row, link_worker):
    data, name = spreadsheet("csv", [row()])
    with pytest.raises(PermissionDenied, match="Only managers and assessors may import"):
        services.assessments_import(data=data, filename=name, actor=link_worker)
    assert assessment_count() == 0


def test_one_refused_row_among_many_saves_none(row, manager):
    rows = [
        row(assessed_on=(yesterday() - datetime.timedelta(days=n)).isoformat()) for n in range(50)
    ]
    rows.append(row(level=7))
    data, name = spreadsheet("xlsx", rows)
    report = refused(manager, data, name, message="Level 7")
    assert report.new == 50


# --- One set of rules -------------------------------------------------------------------------


def test_preloaded_permission_answers_match_denial_reason(
    small_framework, organisation, other_organisation, link_worker, assessor, outside_assessor
):
    today = timezone.localdate()
    leaver = MembershipFactory(
        organisation=organisation,
        role=Role.ASSESSOR,
        starts_on=today - datetime.timedelta(days=300),
        ends_on=today - datetime.timedelta(days=30),
    ).user
    newcomer = MembershipFactory(
        organisation=organisation, role=Role.ASSESSOR, starts_on=today - datetime.timedelta(days=5)
    ).user
    inactive = MembershipFactory(organisation=organisation, role=Role.ASSESSOR).user
    inactive.is_active = False
    inactive.save()
    people = [link_worker, assessor, outside_assessor, leaver, newcomer, inactive]
    lookups = PreloadedLookups(workers=people, assessors=people, competencies=[])
    days = [today - datetime.timedelta(days=n) for n in (0, 10, 100, 2000)]
    for actor in people:
        for subject in people:
            for day in days:
                expected = denial_reason(actor, Action.ASSESS, subject, on=day)
                assert lookups.assess_denial(actor, subject, day) == expected, (actor, subject, day)


def test_the_single_assessment_service_still_applies_the_rules(
    row, assessor, link_worker, methods, small_framework
):
    competency = small_framework.competencies.get(id_number="SPLW-ROL-01")
    with pytest.raises(ValidationError) as refusal:
        services.assessment_record(
            worker=link_worker,
            competency=competency,
            level=9,
            method=methods["KT"],
            assessed_on=timezone.localdate() + datetime.timedelta(days=2),
            assessor=assessor,
        )
    codes = {error.code for error in refusal.value.error_list}
    assert codes == {"level_off_scale", "method_not_accepted", "future_date"}


def test_the_import_goes_through_the_django_import_export_resource(row, manager, assessor):
    existing = row(competency_code="SPLW-ROL-02", method="KT")
    services.assessments_import(data=as_csv([existing]), filename="a.csv", actor=manager)
    headers = [*HEADERS, ROW_NUMBER]
    dataset = tablib.Dataset(
        [*row(), 2], [*existing, 3], [*row(level=9), 4], [*row(level=2), 5], headers=headers
    )

    report = ImportReport(filename="direct")
    resource = AssessmentImportResource(actor=manager, report=report)
    result = resource.import_data(dataset, dry_run=True, use_transactions=True)

    assert result.totals[RowResult.IMPORT_TYPE_NEW] == 2
    assert result.totals[RowResult.IMPORT_TYPE_SKIP] == 1  # already recorded
    assert result.totals[RowResult.IMPORT_TYPE_INVALID] == 1
    assert [invalid.number for invalid in result.invalid_rows] == [3]
    assert [r["outcome"] for r in report.rows] == ["new", "unchanged", "refused", "new"]
    assert report.rows[2]["errors"][0]["column"] == "level"
    assert len(resource.prepared) == 2
    assert assessment_count() == 1

    # For real, a refused row undoes the rows before it: all or nothing.
    saving = AssessmentImportResource(actor=manager, report=ImportReport(filename="direct"))
    result = saving.import_data(dataset, use_transactions=True, rollback_on_validation_errors=True)
    assert result.has_validation_errors()
    assert assessment_count() == 1
    del dataset[2]  # the refused row
    result = AssessmentImportResource(
        actor=manager, report=ImportReport(filename="direct")
    ).import_data(dataset, use_transactions=True, rollback_on_validation_errors=True)
    assert not result.has_validation_errors()
    assert assessment_count() == 3
