"""Spreadsheets of assessments checked row by row against the assessment rules, nothing saved.

A file is read (`workforce.spreadsheets`), each cell normalised (dates as ISO, UK or Excel date
cells; levels as number or name; methods as code or name), people and competencies looked up in
a handful of queries for the whole file, and every row put through `assessment_rule_errors` —
the very rules `assessment_record` applies — answered from those preloaded lookups. The result
is an `ImportReport` (every row and every problem, with row number, column, value and reason)
and the unsaved assessments that `services.assessments_import` writes when nothing is refused.
"""

import csv
import datetime
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper

from curriculum.models import AssessmentMethod, Competency, CurriculumVersion, ScaleLevel
from workforce.models import Membership, Role, User
from workforce.permissions import holds_role
from workforce.spreadsheets import Cell, SpreadsheetError, neutralise, read_table, restore

from .models import Assessment
from .selectors import assessor_candidates, importable_workers
from .services import UNPUBLISHED, RuleLookups, assessment_rule_errors, describe_scale

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


def _text(value: Cell) -> str:
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
    text = _text(value)
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
    text = _text(value)
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


class _Row:
    """One row being checked: its cells, what they resolved to, and its problems."""

    def __init__(self, number: int, cells: dict[str, Cell]):
        self.number = number
        self.cells = cells
        self.errors: list[dict] = []

    def text(self, column: str) -> str:
        return _text(self.cells.get(column))

    def refuse(self, column: str, reason: str) -> None:
        value = self.cells.get(column) if column else ""
        if isinstance(value, datetime.datetime | datetime.date):
            value = value.strftime("%d/%m/%Y")
        self.errors.append({"column": column, "value": _text(value), "reason": reason})

    def required(self, column: str, what: str) -> str:
        text = self.text(column)
        if not text:
            self.refuse(column, f"Enter the {what}.")
        return text


def _competencies_by_code(codes: set[str]) -> dict[str, list[Competency]]:
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


def _current_versions(framework_ids: set[int]) -> dict[int, CurriculumVersion]:
    versions: dict[int, CurriculumVersion] = {}
    for version in CurriculumVersion.objects.filter(framework_id__in=framework_ids).order_by(
        "framework_id", "-number"
    ):
        versions.setdefault(version.framework_id, version)
    return versions


def check_assessments(
    *,
    data: bytes,
    filename: str,
    actor: User | None,
    on_progress: Callable[[int, int], None] | None = None,
) -> CheckedImport:
    """Check a spreadsheet of assessments for `actor` (None: an administrator's command).

    Reads only: a fixed number of queries for the whole file, plus one for the wording of each
    distinct refusal of an assessor.
    """
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
    rows = [_Row(number, cells) for number, cells in sheet.rows]
    total = len(rows)
    if on_progress:
        on_progress(0, total)

    emails = {row.text(c).lower() for row in rows for c in ("worker_email", "assessor_email")}
    codes = {row.text("competency_code").upper() for row in rows}
    workers = {
        user.email.lower(): user for user in importable_workers(actor).filter(email__in=emails)
    }
    assessors = {
        user.email.lower(): user for user in assessor_candidates(actor).filter(email__in=emails)
    }
    competencies = _competencies_by_code(codes)
    all_competencies = [c for found in competencies.values() for c in found]
    versions = _current_versions({c.framework_id for c in all_competencies})
    methods = list(AssessmentMethod.objects.all())
    methods_by_code = {method.code.upper(): method for method in methods}
    methods_by_name = {method.name.casefold(): method for method in methods}
    lookups = PreloadedLookups(
        workers=workers.values(), assessors=assessors.values(), competencies=all_competencies
    )
    existing = set(
        Assessment.objects.filter(
            worker__in=[w.pk for w in workers.values()],
            competency__in=[c.pk for c in all_competencies],
        ).values_list(
            "worker_id", "competency_id", "level", "method_id", "assessed_on", "assessor_id"
        )
    )
    scope = "in your organisations" if actor is not None else "known here"

    prepared: list[Assessment] = []
    first_seen: dict[tuple, int] = {}
    for index, row in enumerate(rows, start=1):
        worker = competency = method = level = assessed_on = assessor = None
        if email := row.required("worker_email", "link worker's email address").lower():
            worker = workers.get(email)
            if worker is None:
                row.refuse("worker_email", f"No link worker with this email address is {scope}.")
        if code := row.required("competency_code", "competency code").upper():
            found = competencies.get(code, [])
            if not found:
                row.refuse("competency_code", "No competency has this code.")
            elif len(found) > 1:
                row.refuse(
                    "competency_code",
                    "This code is in more than one framework ("
                    + ", ".join(c.framework.id_number for c in found)
                    + "): ask an administrator to import it.",
                )
            elif not found[0].parent_id_number:
                row.refuse(
                    "competency_code",
                    f"{found[0].id_number} is a domain, not a competency: assess the "
                    "competencies under it.",
                )
            elif found[0].framework_id not in versions:
                row.refuse("competency_code", UNPUBLISHED)
            else:
                competency = found[0]
        if raw_method := row.required("method", "assessment method"):
            method = methods_by_code.get(raw_method.upper()) or methods_by_name.get(
                raw_method.casefold()
            )
            if method is None:
                row.refuse(
                    "method",
                    "No assessment method has this code or name; use one of "
                    + ", ".join(sorted(methods_by_code))
                    + ".",
                )
        if row.required("level", "level") and competency is not None:
            try:
                level = parse_level(row.cells["level"], lookups.scale(competency))
            except CellError as error:
                row.refuse("level", str(error))
        if row.required("assessed_on", "date assessed"):
            try:
                assessed_on = parse_date(row.cells["assessed_on"])
            except CellError as error:
                row.refuse("assessed_on", str(error))
        if email := row.required("assessor_email", "assessor's email address").lower():
            assessor = assessors.get(email)
            if assessor is None:
                row.refuse("assessor_email", f"No assessor with this email address is {scope}.")
        notes = restore(row.text("notes"))

        outcome = RowOutcome.REFUSED
        resolved = None not in (worker, competency, method, level, assessed_on, assessor)
        if resolved and not row.errors:
            key = (worker.pk, competency.pk, level, method.pk, assessed_on, assessor.pk)
            if key in first_seen:
                row.refuse(
                    "",
                    f"Repeats row {first_seen[key]}: the same assessment is in the file twice. "
                    "Remove one of them.",
                )
            elif key in existing:
                first_seen[key] = row.number
                outcome = RowOutcome.UNCHANGED
            else:
                first_seen[key] = row.number
                rule_errors = assessment_rule_errors(
                    worker=worker,
                    competency=competency,
                    level=level,
                    method=method,
                    assessed_on=assessed_on,
                    assessor=assessor,
                    lookups=lookups,
                )
                for error in ValidationError(rule_errors).error_list:
                    row.refuse(RULE_COLUMNS.get(error.code, ""), error.message)
                if not rule_errors:
                    outcome = RowOutcome.NEW
                    prepared.append(
                        Assessment(
                            worker=worker,
                            competency=competency,
                            framework_version=versions[competency.framework_id],
                            level=level,
                            method=method,
                            assessed_on=assessed_on,
                            assessor=assessor,
                            notes=notes,
                        )
                    )
        report.rows.append(
            {
                "row": row.number,
                "outcome": outcome if not row.errors else RowOutcome.REFUSED,
                "worker": str(worker) if worker else row.text("worker_email"),
                "worker_email": worker.email if worker else row.text("worker_email"),
                "competency": competency.id_number if competency else row.text("competency_code"),
                "level": level if level is not None else row.text("level"),
                "level_name": lookups.scale(competency).get(level, "") if competency else "",
                "method": method.code if method else row.text("method"),
                "assessed_on": assessed_on.isoformat() if assessed_on else row.text("assessed_on"),
                "assessor": str(assessor) if assessor else row.text("assessor_email"),
                "errors": row.errors,
            }
        )
        if on_progress and (index % PROGRESS_EVERY == 0 or index == total):
            on_progress(index, total)
    return CheckedImport(report, prepared if report.ok else [])
