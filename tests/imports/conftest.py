"""Spreadsheets generated for the import tests (CSV and XLSX, built here, never committed)."""

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.utils import timezone

from competencies.models import Assessment
from curriculum import services as curriculum_services
from curriculum.content_files import demo_content
from curriculum.models import AssessmentMethod, CompetencyFramework
from curriculum.rules import ScaleLevelData

HEADERS = [
    "worker_email",
    "competency_code",
    "level",
    "method",
    "assessed_on",
    "assessor_email",
    "notes",
]
FORMATS = ["csv", "xlsx"]


def as_csv(rows, headers=HEADERS, *, encoding="utf-8", bom=False) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    if headers is not None:
        writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def as_xlsx(rows, headers=HEADERS, *, extra_sheets=()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Assessments"
    if headers is not None:
        sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    for title in extra_sheets:
        book.create_sheet(title).append(["anything"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def spreadsheet(file_format: str, rows, headers=HEADERS) -> tuple[bytes, str]:
    """The rows as a file of that format, with a file name to match."""
    if file_format == "csv":
        return as_csv(rows, headers), "assessments.csv"
    return as_xlsx(rows, headers), "assessments.xlsx"


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def assessment_count() -> int:
    return Assessment.objects.count()


@pytest.fixture
def methods(db) -> dict[str, AssessmentMethod]:
    """The demo's assessment methods (KT, DOP, SIM, …)."""
    for method in demo_content().latest.framework.methods:
        AssessmentMethod.objects.get_or_create(
            code=method.code, defaults={"name": method.name, "description": method.description}
        )
    return {method.code: method for method in AssessmentMethod.objects.all()}


@pytest.fixture
def small_framework(methods) -> CompetencyFramework:
    """A published framework, quicker to build than the demo curriculum: the demo's scale
    (1 Aware … 4 Advanced), a domain ROL, SPLW-ROL-01 (DOP or SIM), SPLW-ROL-02 (KT or CBD) and
    a retired SPLW-ROL-03."""
    return curriculum_services.framework_create(
        id_number="SPLW-CORE",
        short_name="Link worker core competencies",
        scale=[
            ScaleLevelData(
                value=level.value,
                name=level.name,
                description=level.description,
                is_proficient=level.proficient,
            )
            for level in demo_content().latest.framework.scale
        ],
        competencies=[
            {"id_number": "ROL", "short_name": "The role"},
            {
                "id_number": "SPLW-ROL-01",
                "parent_id_number": "ROL",
                "short_name": "Explain the role",
                "accepted_methods": ["DOP", "SIM"],
                "is_core": True,
            },
            {
                "id_number": "SPLW-ROL-02",
                "parent_id_number": "ROL",
                "short_name": "Know the boundaries",
                "accepted_methods": ["KT", "CBD"],
                "is_core": True,
            },
            {
                "id_number": "SPLW-ROL-03",
                "parent_id_number": "ROL",
                "short_name": "An old competency",
                "accepted_methods": ["DOP"],
                "is_retired": True,
            },
        ],
    )


@pytest.fixture
def row(link_worker, assessor, small_framework):
    """A good row (SPLW-ROL-01 level 3 by DOP, yesterday); override any column by keyword."""

    def make(**overrides) -> list:
        values = {
            "worker_email": link_worker.email,
            "competency_code": "SPLW-ROL-01",
            "level": 3,
            "method": "DOP",
            "assessed_on": yesterday().isoformat(),
            "assessor_email": assessor.email,
            "notes": "Observed a first conversation.",
        } | overrides
        return [values[header] for header in HEADERS]

    return make


def truncated_xlsx(data: bytes) -> bytes:
    """A copy of an XLSX workbook whose zip is sound but whose first sheet's XML is cut in half,
    as a failed copy or download leaves it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            copy.writestr(item, content)
    return out.getvalue()
