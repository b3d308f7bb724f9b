"""Spreadsheets of assessments read, normalised and checked row by row against the assessment rules.

A file is read (`workforce.spreadsheets`), each cell normalised (dates as ISO, UK or Excel date
cells; levels as number or name; methods as code or name), people and competencies looked up in
a handful of queries for the whole file, and every row put through `assessment_rule_errors` —
the very rules `assessment_record` applies — answered from those preloaded lookups. The result
is an `ImportReport` (every row and every problem, with row number, column, value and reason)
and the assessments it prepared. The rows go through a django-import-export resource
(`resources.AssessmentImportResource`), which applies all this per row and saves in bulk.
"""

import csv
import datetime
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import tablib
from django.db import models
from django.db.models.functions import Upper

from curriculum.models import Competency, CurriculumVersion, ScaleLevel
from workforce.models import Membership, Role, User
from workforce.permissions import holds_role
from workforce.spreadsheets import Cell, SpreadsheetError, neutralise, read_table

from .models import Assessment
from .services import RuleLookups, describe_scale

REQUIRED_COLUMNS = (
    "worker_email",
    "competency_code",
    "level",
    "method",
    "assessed_on",
    "assessor_email",
)
OPTIONAL_COLUMNS = ("notes",)
# Our assessment history export adds these for people to read; an import accepts and ignores
# them, so an exported file can come straight back.
EXPORT_ONLY_COLUMNS = (
    "worker_name",
    "competency_title",
    "level_name",
    "method_name",
    "assessor_name",
    "framework_version",
    "current",
    "recorded_at",
)
IMPORT_ROLES = (Role.MANAGER, Role.ASSESSOR)
PROGRESS_EVERY = 250  # rows between progress reports
ROW_NUMBER = "_row"  # the row's number in the spreadsheet, carried beside its cells

# The assessment rules' refusal codes, and the column each one is about.
RULE_COLUMNS = {
    "not_permitted": "assessor_email",
    "future_date": "assessed_on",
    "retired": "competency_code",
    "method_not_accepted": "method",
    "level_off_scale": "level",
}

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class RowOutcome(models.TextChoices):
    """What an import does, or would do, with one row."""

    NEW = "new", "New"
    UNCHANGED = "unchanged", "Already recorded"
    REFUSED = "refused", "Refused"


def may_import(user: User) -> bool:
    """Managers and assessors import, for link workers in their organisations."""
    return any(holds_role(user, role) for role in IMPORT_ROLES)


@dataclass
class ImportReport:
    """Every row of a file and every problem in it; JSON-ready for storing and pages."""

    filename: str
    notices: list[str] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    saved: bool = False

    def count(self, outcome: RowOutcome) -> int:
        return sum(row["outcome"] == outcome for row in self.rows)

    @property
    def new(self) -> int:
        return self.count(RowOutcome.NEW)

    @property
    def unchanged(self) -> int:
        return self.count(RowOutcome.UNCHANGED)

    @property
    def refused(self) -> int:
        return self.count(RowOutcome.REFUSED)

    @property
    def ok(self) -> bool:
        """Nothing refused: the file may be saved."""
        return not self.file_errors and not self.refused

    def problems(self) -> list[dict]:
        """Every problem: file-level ones first (no row), then by row."""
        found = [
            {"row": None, "column": "", "value": "", "reason": reason}
            for reason in self.file_errors
        ]
        for row in self.rows:
            found.extend({"row": row["row"], **error} for error in row["errors"])
        return found

    def to_json(self) -> dict:
        return {
            "filename": self.filename,
            "notices": self.notices,
            "file_errors": self.file_errors,
            "rows": self.rows,
            "saved": self.saved,
        }

    @classmethod
    def from_json(cls, data: dict) -> "ImportReport":
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})

    def summary(self) -> str:
        if self.file_errors:
            return "The file could not be read; nothing was imported."
        verb = "were imported" if self.saved else "would be imported"
        return (
            f"{len(self.rows)} rows: {self.new} new assessment{'s' if self.new != 1 else ''} "
            f"{verb}, {self.unchanged} already recorded (unchanged), {self.refused} refused."
        )

    def lines(self) -> list[str]:
        """The report as text, as the command prints it."""
        lines = [*(f"Note: {notice}" for notice in self.notices)]
        for problem in self.problems():
            where = f"Row {problem['row']}" if problem["row"] else "File"
            if problem["column"]:
                where += f", {problem['column']} “{problem['value']}”"
            lines.append(f"{where}: {problem['reason']}")
        for row in self.rows:
            if row["outcome"] != RowOutcome.REFUSED:
                lines.append(
                    f"Row {row['row']}: {RowOutcome(row['outcome']).label} – "
                    f"{row['competency']} level {row['level']} for {row['worker']} "
                    f"on {row['assessed_on']} by {row['assessor']}"
                )
        lines.append(self.summary())
        return lines

    def problems_csv(self) -> str:
        """Every problem as a CSV for download; values from the file are made formula-safe."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["row", "column", "value", "reason"])
        for problem in self.problems():
            writer.writerow(
                [
                    problem["row"] or "",
                    problem["column"],
                    neutralise(problem["value"]),
                    neutralise(problem["reason"]),
                ]
            )
        return out.getvalue()


@dataclass
class CheckedImport:
    report: ImportReport
    prepared: list[Assessment]


class PreloadedLookups(RuleLookups):
    """The assessment rules' lookups answered from data loaded once for a whole file.

    Memberships are loaded for the people in the file; whether an assessor may assess a
    worker on a day is worked out from them as `workforce.permissions.denial_reason` does,
    and a refusal's wording comes from `denial_reason` itself, so the message is the same.
    """

    def __init__(self, *, workers: Iterable[User], assessors: Iterable[User], competencies):
        worker_ids = {worker.pk for worker in workers}
        assessor_ids = {assessor.pk for assessor in assessors}
        self._worker_spans = self._spans(worker_ids, Role.LINK_WORKER)
        self._assessor_spans = self._spans(assessor_ids, Role.ASSESSOR)
        self._methods = {
            competency.pk: {method.code for method in competency.accepted_methods.all()}
            for competency in competencies
        }
        framework_ids = {competency.framework_id for competency in competencies}
        self._scales: dict[int, dict[int, str]] = defaultdict(dict)
        for level in ScaleLevel.objects.filter(framework_id__in=framework_ids):
            self._scales[level.framework_id][level.value] = level.name
        self._denials: dict[tuple, str | None] = {}
        self._today = super().today()

    @staticmethod
    def _spans(user_ids: set[int], role: Role) -> dict[int, list[tuple]]:
        spans = defaultdict(list)
        memberships = Membership.objects.filter(user_id__in=user_ids, role=role).values_list(
            "user_id", "organisation_id", "starts_on", "ends_on"
        )
        for user_id, organisation_id, starts_on, ends_on in memberships:
            spans[user_id].append((organisation_id, starts_on, ends_on))
        return spans

    @staticmethod
    def _organisations(spans: list[tuple], day: datetime.date) -> set[int]:
        return {
            organisation_id
            for organisation_id, starts_on, ends_on in spans
            if starts_on <= day and (ends_on is None or ends_on >= day)
        }

    def assess_denial(self, assessor: User, worker: User, on: datetime.date) -> str | None:
        key = (assessor.pk, worker.pk, on)
        if key not in self._denials:
            shared = (
                assessor.is_active
                and assessor.pk != worker.pk
                and self._organisations(self._assessor_spans[assessor.pk], on)
                & self._organisations(self._worker_spans[worker.pk], on)
            )
            # Only a refusal asks the database, for its exact wording.
            self._denials[key] = None if shared else super().assess_denial(assessor, worker, on)
        return self._denials[key]

    def accepted_methods(self, competency: Competency) -> set[str]:
        return self._methods[competency.pk]

    def scale(self, competency: Competency) -> dict[int, str]:
        return self._scales[competency.framework_id]

    def today(self) -> datetime.date:
        return self._today


# --- Cells ------------------------------------------------------------------------------------


class CellError(ValueError):
    pass


def cell_text(value: Cell) -> str:
    """A cell as trimmed text: 3.0 as "3", a date-time as its date."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).strip()


def parse_date(value: Cell) -> datetime.date:
    """A date from an ISO or UK text (2026-03-01, 01/03/2026) or an Excel date cell."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        raise CellError(
            "This is a number, not a date: format the cell as a date, or write the date as "
            "2026-03-01 or 01/03/2026."
        )
    text = cell_text(value)
    if match := _ISO_DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _UK_DATE.match(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise CellError("Write the date as 2026-03-01 or 01/03/2026 (day/month/year).")
    try:
        return datetime.date(year, month, day)
    except ValueError as error:
        raise CellError(f"{text} is not a real date ({error}).") from None


def parse_level(value: Cell, scale: dict[int, str]) -> int:
    """A level from its number (3, 3.0, "3") or its name on the scale ("Competent")."""
    if isinstance(value, bool):
        raise CellError("Give the level as a number or a name on the scale.")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(f"Levels are whole numbers ({describe_scale(scale)}).")
    text = cell_text(value)
    if re.fullmatch(r"\d+(\.0+)?", text):
        return int(float(text))
    by_name = {name.casefold(): number for number, name in scale.items()}
    if text.casefold() in by_name:
        return by_name[text.casefold()]
    raise CellError(
        f"“{text}” is not a level number or name on the framework's scale "
        f"({describe_scale(scale)})."
    )


# --- Checking ---------------------------------------------------------------------------------


class CheckedRow:
    """One row being checked: its cells, what they resolved to, and its problems."""

    def __init__(self, number: int, cells: dict[str, Cell]):
        self.number = number
        self.cells = cells
        self.errors: list[dict] = []

    def text(self, column: str) -> str:
        return cell_text(self.cells.get(column))

    def refuse(self, column: str, reason: str) -> None:
        value = self.cells.get(column) if column else ""
        if isinstance(value, datetime.datetime | datetime.date):
            value = value.strftime("%d/%m/%Y")
        self.errors.append({"column": column, "value": cell_text(value), "reason": reason})

    def required(self, column: str, what: str) -> str:
        text = self.text(column)
        if not text:
            self.refuse(column, f"Enter the {what}.")
        return text


def competencies_by_code(codes: set[str]) -> dict[str, list[Competency]]:
    found = defaultdict(list)
    competencies = (
        Competency.objects.annotate(code=Upper("id_number"))
        .filter(code__in=codes)
        .select_related("framework")
        .prefetch_related("accepted_methods")
    )
    for competency in competencies:
        found[competency.code].append(competency)
    return found


def current_versions(framework_ids: set[int]) -> dict[int, CurriculumVersion]:
    versions: dict[int, CurriculumVersion] = {}
    for version in CurriculumVersion.objects.filter(framework_id__in=framework_ids).order_by(
        "framework_id", "-number"
    ):
        versions.setdefault(version.framework_id, version)
    return versions


def import_assessments(
    *,
    data: bytes,
    filename: str,
    actor: User | None,
    on_progress: Callable[[int, int], None] | None = None,
    dry_run: bool = True,
) -> CheckedImport:
    """Put a spreadsheet of assessments through `resources.AssessmentImportResource`.

    `actor` None is an administrator's command. A dry run (the preview) saves nothing and
    reads only: a fixed number of queries for the whole file, plus one for the wording of each
    distinct refusal of an assessor. Otherwise every new row is saved in bulk, or, if any row
    is refused, none (the caller's transaction holds the whole import). A dry run reporting
    progress goes through the file in steps of PROGRESS_EVERY rows, each its own dry run, so
    that the progress written between them is not rolled back with them.
    """
    from .resources import AssessmentImportResource  # the resource reads this module

    report = ImportReport(filename=filename)
    try:
        sheet = read_table(
            data,
            filename,
            required=REQUIRED_COLUMNS,
            optional=OPTIONAL_COLUMNS,
            ignored=EXPORT_ONLY_COLUMNS,
            what="assessments",
        )
    except SpreadsheetError as error:
        report.file_errors = error.errors
        return CheckedImport(report, [])
    report.notices = sheet.notices
    headers = [*sheet.columns, ROW_NUMBER]
    table = [[cells[column] for column in sheet.columns] + [number] for number, cells in sheet.rows]
    whole = tablib.Dataset(*table, headers=headers)
    total = len(table)
    step = PROGRESS_EVERY if (on_progress and dry_run) else max(total, 1)
    if on_progress:
        on_progress(0, total)
    resource = AssessmentImportResource(actor=actor, report=report)
    for start in range(0, total, step):
        part = (
            whole
            if step >= total
            else tablib.Dataset(*table[start : start + step], headers=headers)
        )
        result = resource.import_data(
            part,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            file=whole,
            # Saving: serialise with any other import saving rows for the same workers.
            lock_workers=not dry_run,
        )
        _raise_unexpected(result)
        if on_progress:
            on_progress(min(start + step, total), total)
    return CheckedImport(report, resource.prepared if report.ok else [])


def _raise_unexpected(result) -> None:
    """A row refused by the rules is in the report; anything else is a fault, not a refusal."""
    errors = [*result.base_errors, *(e for _, found in result.row_errors() for e in found)]
    if errors:
        raise errors[0].error
