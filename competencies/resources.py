"""django-import-export resources: the assessment import, assessment history, a team's matrix.

The import resource applies, row by row, the very rules `services.assessment_record` applies
(`rules.assessment_rule_errors`, answered from lookups loaded once per file), and saves new
rows in bulk. Columns of the history are those the import reads (and export-only columns it
knows to ignore), so an exported file imports straight back as "already recorded". Every text
cell of an export is made formula-safe by `workforce.spreadsheets.SafeResource`.
"""

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.base import ModelState
from django.utils import timezone
from import_export import resources
from import_export.results import RowResult

from curriculum.models import AssessmentMethod
from workforce.models import User
from workforce.refusals import Refusal, refuse
from workforce.spreadsheets import SafeResource, column, restore

from .import_rows import (
    ROW_NUMBER,
    RULE_COLUMNS,
    CellError,
    CheckedRow,
    ImportReport,
    RowOutcome,
    cell_text,
    competencies_by_code,
    current_versions,
    parse_date,
    parse_level,
)
from .models import Assessment
from .rules import UNPUBLISHED, PreloadedLookups, assessment_rule_errors
from .selectors import ProgressMatrix, assessor_candidates, importable_workers

IMPORT_BATCH_SIZE = 2500  # rows an INSERT; each batch also costs a savepoint's round trips
# `import_data`'s options about its transaction, which a dry run (without one) does not need.
TRANSACTION_OPTIONS = ("use_transactions", "rollback_on_validation_errors")
# An assessment's columns in the order `Assessment(*values)` takes them, and the relations an
# import sets, in `AssessmentImportResource._assessment`'s order.
ASSESSMENT_FIELDS = Assessment._meta.concrete_fields
ASSESSMENT_RELATIONS = [
    Assessment._meta.get_field(name)
    for name in ("worker", "competency", "framework_version", "method", "assessor", "recorded_by")
]


def _new_assessment() -> Assessment:
    """An assessment with no values yet and a fresh state, as `Model.__init__` leaves one
    before it sets the fields."""
    assessment = Assessment.__new__(Assessment)
    assessment._state = ModelState()
    return assessment


class AssessmentImportResource(resources.ModelResource):
    """Rows of an assessment spreadsheet into new assessments: checked, then saved in bulk.

    Each row's cells are parsed and checked in `import_row` (`_check_row`); a refused row is
    marked invalid with its ValidationError, a row already recorded is skipped, and a new one is
    queued for `bulk_create`. Every row, with its problems, goes into the `ImportReport` given.
    Use `import_data(..., use_transactions=True, rollback_on_validation_errors=True)`: then a
    refused row anywhere undoes the whole file; when saving, also `lock_workers=True`, so that
    imports of the same people take turns. A dry run writes nothing at all (not even to roll it
    back); its new rows are in `prepared`.
    """

    class Meta:
        model = Assessment
        fields = ()  # no generic column widgets: cells are read by `_check_row`
        force_init_instance = True  # every row is a new assessment or none (append-only)
        use_bulk = True
        batch_size = IMPORT_BATCH_SIZE
        skip_diff = True
        clean_model_instances = False  # `assessment_rule_errors` is the check

    def __init__(
        self,
        *,
        actor: User | None,
        report: ImportReport,
        source_import_id=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.actor = actor
        self.source_import_id = source_import_id
        self.report = report
        self._made: list[Assessment] = []
        self._unmade: list[tuple] = []  # a dry run's new rows, made into assessments if asked
        self._loaded = False
        self._first_seen: dict[tuple, int] = {}
        # What every new assessment of the file has in common: the defaults, who entered it
        # and from which file.
        self._columns = {field.attname: field.get_default() for field in ASSESSMENT_FIELDS}
        self._columns["recorded_by_id"] = actor.pk if actor is not None else None
        self._columns["source_import_id"] = source_import_id
        self._cache_names = [field.cache_name for field in ASSESSMENT_RELATIONS]

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """ModelResource's `import_data`, but a dry run opens no transaction.

        A dry run writes nothing here (`bulk_create` only keeps its rows), so there is nothing
        to roll back: ModelResource's transaction, and its savepoints around each stage, would
        be round trips to the database for nothing, for each step of a file checked in steps.
        """
        if dry_run:
            return self.import_data_inner(
                dataset,
                dry_run,
                raise_errors,
                False,  # using_transactions
                kwargs.pop("collect_failed_rows", False),
                **{k: v for k, v in kwargs.items() if k not in TRANSACTION_OPTIONS},
            )
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    # --- Lookups for the whole file, loaded once ------------------------------------------------

    def before_import(self, dataset, **kwargs):
        # A file checked in steps passes all of it as `file`: load once, for every row.
        if not self._loaded:
            self._load(kwargs.get("file") or dataset, lock=kwargs.get("lock_workers", False))
            self._loaded = True

    def _load(self, dataset, *, lock: bool = False) -> None:
        columns = [c for c in dataset.headers if c in ("worker_email", "assessor_email")]
        emails = {cell_text(value).lower() for c in columns for value in dataset[c]}
        codes = {cell_text(value).upper() for value in dataset["competency_code"]}
        actor = self.actor
        self.workers = {
            user.email.lower(): user for user in importable_workers(actor).filter(email__in=emails)
        }
        self.assessors = {
            user.email.lower(): user for user in assessor_candidates(actor).filter(email__in=emails)
        }
        self.competencies = competencies_by_code(codes)
        found = [c for same_code in self.competencies.values() for c in same_code]
        self.versions = current_versions({c.framework_id for c in found})
        methods = list(AssessmentMethod.objects.all())
        self.methods_by_code = {method.code.upper(): method for method in methods}
        self.methods_by_name = {method.name.casefold(): method for method in methods}
        self.lookups = PreloadedLookups(
            workers=self.workers.values(), assessors=self.assessors.values(), competencies=found
        )
        if lock:
            self._lock(self.workers.values())
        self.existing = set(
            Assessment.objects.filter(
                worker__in=[w.pk for w in self.workers.values()],
                competency__in=[c.pk for c in found],
            ).values_list(
                "worker_id", "competency_id", "level", "method_id", "assessed_on", "assessor_id"
            )
        )
        self.scope = "in your organisations" if actor is not None else "known here"

    @staticmethod
    def _lock(workers) -> None:
        """Hold the workers' rows until the import's transaction ends, before it looks for
        assessments already recorded.

        Two imports saving rows for the same people at once (two uploaders, or a page and the
        command) would otherwise both find a row not yet recorded and both save it. The second
        now waits for the first to commit, then sees its rows and reports them unchanged. Locked
        in primary key order, so two imports never wait for each other. (SQLite has no row locks
        and ignores this; it lets one writer at a time through anyway.)
        """
        pks = sorted(worker.pk for worker in workers)
        list(User.objects.filter(pk__in=pks).order_by("pk").select_for_update().values_list("pk"))

    # --- One row ------------------------------------------------------------------------------

    def import_row(self, row, instance_loader, **kwargs):
        """Check one row (`_check_row`) and queue it for `bulk_create` if it is new.

        ModelResource's own `import_row` makes, compares, validates and describes a model
        instance for every row, which costs more than the checking itself and is of no use
        here: every row is a new assessment, one already recorded (skipped) or refused. So
        the result keeps only each row's outcome, its refusal or an unexpected error.
        """
        row_result = self.get_row_result_class()()
        try:
            assessment = self._check_row(row)
        except ValidationError as refusal:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = refusal
        except Exception as error:  # a fault, raised by `importing` once the import is done
            row_result.import_type = RowResult.IMPORT_TYPE_ERROR
            row_result.errors.append(
                self.get_error_result_class()(error, row=row, number=kwargs.get("row_number"))
            )
        else:
            if assessment is None:
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            else:
                row_result.import_type = RowResult.IMPORT_TYPE_NEW
                if kwargs.get("dry_run"):
                    self._unmade.append(assessment)
                else:
                    self.create_instances.append(self._assessment(assessment))
        return row_result

    @property
    def prepared(self) -> list[Assessment]:
        """The file's new assessments so far (a dry run's are made when first asked for)."""
        if self._unmade:
            self._made.extend(self._assessment(new) for new in self._unmade)
            self._unmade.clear()
        return self._made

    def _assessment(self, new: tuple) -> Assessment:
        """A new assessment from a checked row's values.

        Made as `Model.__init__` makes one from its columns in field order, without the
        per-field work of the general case (keyword arguments, descriptors, the init signals,
        to which no receiver listens for an assessment): for a large file that cost more than
        checking its rows did. The related rows the import found are put in their caches (the
        audit names them)."""
        worker, competency, version, level, method, assessed_on, assessor, notes, pending = new
        assessment = _new_assessment()
        assessment.__dict__.update(self._columns)
        assessment.__dict__.update(
            worker_id=worker.pk,
            competency_id=competency.pk,
            framework_version_id=version.pk,
            level=level,
            method_id=method.pk,
            assessed_on=assessed_on,
            assessor_id=assessor.pk,
            notes=notes,
            needs_confirmation=pending,
        )
        assessment._state.fields_cache.update(
            zip(
                self._cache_names,
                (worker, competency, version, method, assessor, self.actor),
                strict=True,
            )
        )
        return assessment

    def _check_row(self, row) -> tuple | None:
        """The values of the row's new assessment (in `_assessment`'s order); None if it is
        recorded already; a refused row raises ValidationError. Either way the row and its
        problems go into the report."""
        checked = CheckedRow(row[ROW_NUMBER], row)
        worker = competency = method = level = assessed_on = assessor = None
        if email := checked.required("worker_email", "link worker's email address").lower():
            worker = self.workers.get(email)
            if worker is None:
                checked.refuse(
                    "worker_email", f"No link worker with this email address is {self.scope}."
                )
        if code := checked.required("competency_code", "competency code").upper():
            competency = self._competency(checked, code)
        if raw_method := checked.required("method", "assessment method"):
            method = self.methods_by_code.get(raw_method.upper()) or self.methods_by_name.get(
                raw_method.casefold()
            )
            if method is None:
                checked.refuse(
                    "method",
                    "No assessment method has this code or name; use one of "
                    + ", ".join(sorted(self.methods_by_code))
                    + ".",
                )
        if checked.required("level", "level") and competency is not None:
            try:
                level = parse_level(row["level"], self.lookups.scale(competency))
            except CellError as error:
                checked.refuse("level", str(error))
        if checked.required("assessed_on", "date assessed"):
            try:
                assessed_on = parse_date(row["assessed_on"])
            except CellError as error:
                checked.refuse("assessed_on", str(error))
        if email := checked.required("assessor_email", "assessor's email address").lower():
            assessor = self.assessors.get(email)
            if assessor is None:
                checked.refuse(
                    "assessor_email", f"No assessor with this email address is {self.scope}."
                )

        outcome = RowOutcome.REFUSED
        assessment = None
        pending = False
        resolved = None not in (worker, competency, method, level, assessed_on, assessor)
        if resolved and not checked.errors:
            key = (worker.pk, competency.pk, level, method.pk, assessed_on, assessor.pk)
            # Recorded already first: our history export holds a correction that changed only
            # the notes as two rows with the same key, and it must come back unchanged.
            if key in self.existing:
                outcome = RowOutcome.UNCHANGED
            elif key in self._first_seen:
                checked.refuse(
                    "",
                    f"Repeats row {self._first_seen[key]}: the same assessment is in the file "
                    "twice. Remove one of them.",
                )
            else:
                self._first_seen[key] = checked.number
                rule_errors = assessment_rule_errors(
                    worker=worker,
                    competency=competency,
                    level=level,
                    method=method,
                    assessed_on=assessed_on,
                    lookups=self.lookups,
                )
                # The service refuses this as PermissionDenied; in a file it is one row's problem.
                if (
                    denial := self.lookups.assess_denial(assessor, worker, assessed_on)
                ) is not None:
                    rule_errors.insert(0, refuse(Refusal.ASSESSOR_OUT_OF_SCOPE, denial))
                for error in ValidationError(rule_errors).error_list if rule_errors else ():
                    checked.refuse(RULE_COLUMNS.get(error.code, ""), error.message)
                if not rule_errors:
                    outcome = RowOutcome.NEW
                    # Who entered it, and from which file. A row in someone else's name (or
                    # from the command line, where nobody is the assessor) counts for nothing
                    # until that assessor confirms it: nobody vouches for a colleague.
                    pending = self.actor is None or assessor.pk != self.actor.pk
                    assessment = (
                        worker,
                        competency,
                        self.versions[competency.framework_id],
                        level,
                        method,
                        assessed_on,
                        assessor,
                        restore(checked.text("notes")),
                        pending,
                    )
        self.report.rows.append(
            {
                "row": checked.number,
                "outcome": outcome,
                "worker": str(worker) if worker else checked.text("worker_email"),
                "worker_email": worker.email if worker else checked.text("worker_email"),
                "competency": competency.id_number
                if competency
                else checked.text("competency_code"),
                "level": level if level is not None else checked.text("level"),
                "level_name": self.lookups.scale(competency).get(level, "") if competency else "",
                "method": method.code if method else checked.text("method"),
                "assessed_on": assessed_on.isoformat()
                if assessed_on
                else checked.text("assessed_on"),
                "assessor": str(assessor) if assessor else checked.text("assessor_email"),
                "pending": pending,
                "errors": checked.errors,
            }
        )
        if checked.errors:
            raise ValidationError([error["reason"] for error in checked.errors])
        return assessment

    def _competency(self, checked: CheckedRow, code: str):
        found = self.competencies.get(code, [])
        if not found:
            checked.refuse("competency_code", "No competency has this code.")
        elif len(found) > 1:
            checked.refuse(
                "competency_code",
                "This code is in more than one framework ("
                + ", ".join(c.framework.id_number for c in found)
                + "): ask an administrator to import it.",
            )
        elif not found[0].parent_id_number:
            checked.refuse(
                "competency_code",
                f"{found[0].id_number} is a domain, not a competency: assess the "
                "competencies under it.",
            )
        elif found[0].framework_id not in self.versions:
            checked.refuse("competency_code", UNPUBLISHED)
        else:
            return found[0]
        return None

    # --- Saving -------------------------------------------------------------------------------

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # Nothing to write in a dry run, nor once a row is refused: the file is all or nothing.
        if dry_run or self.report.refused:
            self._made.extend(self.create_instances)
            self.create_instances.clear()
            return
        self._made.extend(self.create_instances)
        if connection.vendor != "postgresql" or not self.create_instances:
            super().bulk_create(using_transactions, dry_run, raise_errors, batch_size, result)
            return
        try:
            copy_assessments(self.create_instances)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()

    def after_import(self, dataset, result, **kwargs):
        """Nothing to do: ModelResource's resets ID sequences, and ours come from the database."""


def copy_assessments(assessments: list[Assessment]) -> None:
    """Write new assessments on PostgreSQL by COPY, each value as it is (psycopg adapts the
    integers, text, dates, times, booleans and UUIDs these columns hold, as the fields would
    prepare them): for a large file a fraction of `bulk_create`'s time, which prepares and binds
    every value as a parameter. Their ids are drawn from the table's sequence first, in one
    query, so each assessment has its id afterwards, as `bulk_create` gives it (the audit names
    it). The database checks the constraints and foreign keys as for an INSERT."""
    table = Assessment._meta.db_table
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in ASSESSMENT_FIELDS)
    recorded_at = timezone.now()  # `auto_now_add`, which only save() and bulk_create() apply
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, Assessment._meta.pk.column, len(assessments)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for assessment, pk in zip(assessments, ids, strict=True):
                assessment.pk = pk
                assessment.recorded_at = recorded_at
                copy.write_row([getattr(assessment, field.attname) for field in ASSESSMENT_FIELDS])
    for assessment in assessments:
        assessment._state.adding = False
        assessment._state.db = connection.alias


class AssessmentHistoryResource(SafeResource):
    """Every assessment, corrections included; `current` says whether it still stands."""

    worker_email = column("worker_email", lambda a: a.worker.email)
    worker_name = column("worker_name", lambda a: a.worker.full_name)
    competency_code = column("competency_code", lambda a: a.competency.id_number)
    competency_title = column("competency_title", lambda a: a.competency.short_name)
    level = column("level", lambda a: a.level)
    method = column("method", lambda a: a.method.code)
    method_name = column("method_name", lambda a: a.method.name)
    assessed_on = column("assessed_on", lambda a: a.assessed_on)
    assessor_email = column("assessor_email", lambda a: a.assessor.email)
    assessor_name = column("assessor_name", lambda a: a.assessor.full_name)
    notes = column("notes", lambda a: a.notes)
    framework_version = column(
        "framework_version",
        lambda a: f"{a.framework_version.framework.id_number} v{a.framework_version.number}",
    )
    current = column("current", lambda a: "no" if _is_superseded(a) else "yes")
    recorded_at = column(
        "recorded_at", lambda a: timezone.localtime(a.recorded_at).strftime("%Y-%m-%d %H:%M")
    )

    class Meta:
        export_order = (
            "worker_email",
            "worker_name",
            "competency_code",
            "competency_title",
            "level",
            "method",
            "method_name",
            "assessed_on",
            "assessor_email",
            "assessor_name",
            "notes",
            "framework_version",
            "current",
            "recorded_at",
        )

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if field.column_name == "assessed_on" and not kwargs.get("force_native_type"):
            return value.isoformat()
        return value


def _is_superseded(assessment: Assessment) -> bool:
    try:
        return assessment.superseded_by is not None
    except Assessment.superseded_by.RelatedObjectDoesNotExist:
        return False


class ProgressMatrixResource(SafeResource):
    """A row per link worker, a column per competency code: the current level (blank: none)."""

    worker_name = column("worker_name", lambda row: row[0].full_name)
    worker_email = column("worker_email", lambda row: row[0].email)

    def __init__(self, matrix: ProgressMatrix, **kwargs):
        super().__init__(**kwargs)
        for index, competency in enumerate(matrix.competencies):
            self.fields[competency.id_number] = column(
                competency.id_number, lambda row, index=index: row[1][index] or None
            )
