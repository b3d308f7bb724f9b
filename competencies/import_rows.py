"""Rows of an assessment spreadsheet: cells parsed, each row's problems, the report of them all."""

import csv
import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.db.models.functions import Upper

from curriculum.models import Competency, CurriculumVersion
from workforce.refusals import Refusal
from workforce.spreadsheets import Cell, neutralise

from .rules import describe_scale

ROW_NUMBER = "_row"  # the row's number in the spreadsheet, carried beside its cells

# The assessment rules' refusal codes, and the column each one is about.
RULE_COLUMNS = {
    Refusal.ASSESSOR_OUT_OF_SCOPE: "assessor_email",
    Refusal.FUTURE_DATE: "assessed_on",
    Refusal.RETIRED: "competency_code",
    Refusal.METHOD_NOT_ACCEPTED: "method",
    Refusal.LEVEL_OFF_SCALE: "level",
}

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class RowOutcome(models.TextChoices):
    """What an import does, or would do, with one row."""

    NEW = "new", "New"
    UNCHANGED = "unchanged", "Already recorded"
    REFUSED = "refused", "Refused"


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
    def pending(self) -> int:
        """New rows in an assessor's name entered by someone else: they count for nothing
        until that assessor confirms them."""
        return sum(
            row["outcome"] == RowOutcome.NEW and row.get("pending", False) for row in self.rows
        )

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
        summary = (
            f"{len(self.rows)} rows: {self.new} new assessment{'s' if self.new != 1 else ''} "
            f"{verb}, {self.unchanged} already recorded (unchanged), {self.refused} refused."
        )
        if self.pending:
            wait = "wait" if self.saved else "will wait"
            summary += (
                f" {self.pending} of the new assessments {wait} for the assessor named on them "
                "to confirm them, and count for nothing until they do."
            )
        return summary

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
                waits = " (waits for the assessor to confirm)" if row.get("pending") else ""
                lines.append(
                    f"Row {row['row']}: {RowOutcome(row['outcome']).label} – "
                    f"{row['competency']} level {row['level']} for {row['worker']} "
                    f"on {row['assessed_on']} by {row['assessor']}{waits}"
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


# --- Cells ------------------------------------------------------------------------------------


class CellError(ValueError):
    pass


def cell_text(value: Cell) -> str:
    """A cell as trimmed text: 3.0 as "3", a date-time as its date."""
    if type(value) is str:  # nearly every cell, and every cell of a CSV: the rest need no tests
        return value.strip()
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
        .prefetch_related("accepted_methods", "required_methods")
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
