"""Spreadsheets of assessments read, normalised and checked row by row against the assessment rules.

A file is read (`workforce.spreadsheets`), each cell normalised (dates as ISO, UK or Excel date
cells; levels as number or name; methods as code or name), people and competencies looked up in
a handful of queries for the whole file, and every row put through `assessment_rule_errors` —
the very rules `assessment_record` applies — answered from those preloaded lookups. The result
is an `ImportReport` (every row and every problem, with row number, column, value and reason)
and the assessments it prepared. The rows go through a django-import-export resource
(`resources.AssessmentImportResource`), which applies all this per row and saves in bulk.

This module is the importer's entry point, called by the services. It imports the resource,
which imports the rows (`import_rows`) and the rules (`rules`); none of them imports back up.
"""

from collections.abc import Callable
from dataclasses import dataclass

import tablib

from workforce.models import Role, User
from workforce.permissions import holds_role
from workforce.spreadsheets import SpreadsheetError, read_table

from .import_rows import ROW_NUMBER, ImportReport
from .models import Assessment
from .resources import AssessmentImportResource

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
PROGRESS_EVERY = 1_000  # rows between progress reports (each its own dry run and a query)


def may_import(user: User) -> bool:
    """Managers and assessors import, for link workers in their organisations."""
    return any(holds_role(user, role) for role in IMPORT_ROLES)


@dataclass
class CheckedImport:
    report: ImportReport
    resource: AssessmentImportResource | None = None

    @property
    def prepared(self) -> list[Assessment]:
        """The file's new assessments, saved or (a dry run's) not; none if any row is refused.
        A dry run's are made only when asked for: the preview needs none of them."""
        if self.resource is None or not self.report.ok:
            return []
        return self.resource.prepared


def import_assessments(
    *,
    data: bytes,
    filename: str,
    actor: User | None,
    on_progress: Callable[[int, int], None] | None = None,
    dry_run: bool = True,
    source_import_id=None,
) -> CheckedImport:
    """Put a spreadsheet of assessments through `resources.AssessmentImportResource`.

    `actor` None is an administrator's command. A dry run (the preview) saves nothing and
    reads only: a fixed number of queries for the whole file, plus one for the wording of each
    distinct refusal of an assessor. Otherwise every new row is saved in bulk, or, if any row
    is refused, none (the caller's transaction holds the whole import), each saved one naming
    `actor` as who entered it and `source_import_id` as its file. A dry run reporting
    progress goes through the file in steps of PROGRESS_EVERY rows, each its own dry run, so
    that the progress written between them is not rolled back with them.
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
        return CheckedImport(report)
    report.notices = sheet.notices
    headers = [*sheet.columns, ROW_NUMBER]
    table = [[cells[column] for column in sheet.columns] + [number] for number, cells in sheet.rows]
    whole = tablib.Dataset(*table, headers=headers)
    total = len(table)
    step = PROGRESS_EVERY if (on_progress and dry_run) else max(total, 1)
    if on_progress:
        on_progress(0, total)
    resource = AssessmentImportResource(
        actor=actor, report=report, source_import_id=source_import_id
    )
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
    return CheckedImport(report, resource)


def _raise_unexpected(result) -> None:
    """A row refused by the rules is in the report; anything else is a fault, not a refusal."""
    errors = [*result.base_errors, *(e for _, found in result.row_errors() for e in found)]
    if errors:
        raise errors[0].error
