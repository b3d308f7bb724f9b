"""Writes about what link workers have shown: each atomic, permission-checked and audited.

Assessments and evidence are append-only: nothing here edits or deletes one. A correction is a
new assessment that supersedes the old; a review is a new record beside the evidence.
"""

import datetime
import hashlib
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from wagtail.log_actions import get_active_log_context, log
from wagtail.models import ModelLogEntry

from curriculum.models import AssessmentMethod, Competency
from curriculum.selectors import current_version
from workforce.models import User
from workforce.permissions import Action, denial_reason, require
from workforce.refusals import Refusal, refuse

from . import importing
from .import_rows import ImportReport
from .models import (
    Assessment,
    AssessmentConfirmation,
    AssessmentImport,
    Countersignature,
    CPDEntry,
    Evidence,
    EvidenceKind,
    EvidenceOutcome,
    EvidenceReview,
    ImportStatus,
    SupervisionKind,
    SupervisionSession,
)
from .rules import UNPUBLISHED, assessment_rule_errors
from .selectors import evidence_with_outcome
from .standings import mark_stale
from .uploads import check_upload

# Evidence kinds told in words, and kinds that are a file.
TEXT_KINDS = {EvidenceKind.REFLECTIVE_ACCOUNT, EvidenceKind.WITNESS_STATEMENT}
FILE_KINDS = {EvidenceKind.DOCUMENT, EvidenceKind.PHOTO, EvidenceKind.ELEARNING_CERTIFICATE}


def _not_in_future(day: datetime.date, what: str) -> None:
    if day > timezone.localdate():
        raise refuse(Refusal.FUTURE_DATE, f"The {what} cannot be in the future ({day:%d %B %Y}).")


@transaction.atomic
def assessment_record(
    *,
    worker: User,
    competency: Competency,
    level: int,
    method: AssessmentMethod,
    assessed_on: datetime.date,
    assessor: User,
    notes: str = "",
    evidence: Iterable[Evidence] = (),
    countersign_requested_from: User | None = None,
    supersedes: Assessment | None = None,
    correction_reason: str = "",
) -> Assessment:
    """Record an assessment against the framework version that is live now."""
    require(assessor, Action.ASSESS, worker, on=assessed_on)
    errors = assessment_rule_errors(
        worker=worker, competency=competency, level=level, method=method, assessed_on=assessed_on
    )
    if errors:
        raise ValidationError(errors)
    version = current_version(competency.framework)
    if version is None:
        raise refuse(Refusal.UNPUBLISHED, UNPUBLISHED)
    evidence = list(evidence)
    if any(item.worker_id != worker.pk for item in evidence):
        raise refuse(
            Refusal.EVIDENCE_NOT_OWN, "Evidence can only come from the link worker being assessed."
        )
    if countersign_requested_from is not None:
        if countersign_requested_from.pk == assessor.pk:
            raise refuse(Refusal.COUNTERSIGNER, "Ask someone other than yourself to countersign.")
        # The person named is refused, not the assessor: a broken rule, not a permission.
        reason = denial_reason(
            countersign_requested_from, Action.COUNTERSIGN, worker, on=timezone.localdate()
        )
        if reason is not None:
            raise refuse(Refusal.COUNTERSIGNER, reason)
    if supersedes is not None:
        _check_correction(supersedes, worker, competency, correction_reason)
    assessment = Assessment.objects.create(
        worker=worker,
        competency=competency,
        framework_version=version,
        level=level,
        method=method,
        assessed_on=assessed_on,
        assessor=assessor,
        notes=notes.strip(),
        supersedes=supersedes,
        correction_reason=correction_reason.strip(),
        countersign_requested_from=countersign_requested_from,
        recorded_by=assessor,
    )
    assessment.evidence.set(evidence)
    log(
        assessment,
        "competencies.assessment.correct" if supersedes else "competencies.assessment.record",
        user=assessor,
        data={
            "worker": worker.pk,
            "competency": competency.id_number,
            "level": level,
            "method": method.code,
            "supersedes": supersedes.pk if supersedes else None,
        },
    )
    return assessment


def _check_correction(
    original: Assessment, worker: User, competency: Competency, reason: str
) -> None:
    if original.worker_id != worker.pk or original.competency_id != competency.pk:
        raise refuse(
            Refusal.CORRECTION, "A correction must be for the same link worker and competency."
        )
    if Assessment.objects.filter(supersedes=original).exists():
        raise refuse(
            Refusal.CORRECTION, "That assessment has already been corrected: correct the newer one."
        )
    if not reason.strip():
        raise refuse(Refusal.CORRECTION_REASON, "Say why the assessment is being corrected.")


@transaction.atomic
def assessment_correct(
    *,
    original: Assessment,
    assessor: User,
    level: int,
    method: AssessmentMethod,
    assessed_on: datetime.date,
    reason: str,
    notes: str = "",
) -> Assessment:
    """Supersede an assessment with a corrected one; both stay in the history."""
    original = Assessment.objects.select_for_update().get(pk=original.pk)
    return assessment_record(
        worker=original.worker,
        competency=original.competency,
        level=level,
        method=method,
        assessed_on=assessed_on,
        assessor=assessor,
        notes=notes,
        evidence=original.evidence.all(),
        supersedes=original,
        correction_reason=reason,
    )


@transaction.atomic
def assessment_countersign(*, assessment: Assessment, supervisor: User) -> Countersignature:
    """The supervisor asked to countersign confirms the assessment."""
    if assessment.countersign_requested_from_id != supervisor.pk:
        raise PermissionDenied("Only the supervisor asked to countersign may do so.")
    require(supervisor, Action.COUNTERSIGN, assessment.worker)
    if Countersignature.objects.filter(assessment=assessment).exists():
        raise refuse(Refusal.ALREADY_COUNTERSIGNED, "This assessment is already countersigned.")
    signature = Countersignature.objects.create(assessment=assessment, supervisor=supervisor)
    log(assessment, "competencies.assessment.countersign", user=supervisor)
    return signature


@transaction.atomic
def evidence_submit(
    *,
    worker: User,
    kind: EvidenceKind,
    title: str,
    competencies: Iterable[Competency],
    text: str = "",
    upload: UploadedFile | None = None,
) -> Evidence:
    """A link worker submits evidence for review, claiming the competencies it shows."""
    competencies = list(competencies)
    title = title.strip()
    if not title:
        raise refuse(Refusal.TITLE, "Give the evidence a title.")
    if not competencies:
        raise refuse(Refusal.COMPETENCIES, "Choose at least one competency this evidence shows.")
    retired = [c.id_number for c in competencies if c.is_retired]
    if retired:
        raise refuse(Refusal.RETIRED, f"{', '.join(retired)} is retired and cannot be claimed.")
    if kind in TEXT_KINDS and not text.strip():
        raise refuse(Refusal.TEXT, f"Write the {EvidenceKind(kind).label.lower()}.")
    content_type = ""
    if kind in FILE_KINDS:
        if upload is None:
            raise refuse(Refusal.FILE, f"Attach the {EvidenceKind(kind).label.lower()} file.")
        content_type = check_upload(upload, images_only=kind == EvidenceKind.PHOTO)
    elif upload is not None:
        content_type = check_upload(upload)
    evidence = Evidence(worker=worker, kind=kind, title=title, text=text.strip())
    if upload is not None:
        evidence.original_filename = upload.name[:255]
        evidence.file_content_type = content_type
        evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    evidence.competencies.set(competencies)
    log(evidence, "competencies.evidence.submit", user=worker, data={"kind": kind})
    return evidence


@transaction.atomic
def evidence_return(*, evidence: Evidence, reviewer: User, feedback: str) -> EvidenceReview:
    """Send evidence back to the link worker with feedback."""
    _check_reviewable(evidence, reviewer)
    if not feedback.strip():
        raise refuse(Refusal.FEEDBACK, "Say what the link worker should change.")
    review = EvidenceReview.objects.create(
        evidence=evidence,
        reviewer=reviewer,
        outcome=EvidenceOutcome.RETURNED,
        feedback=feedback.strip(),
    )
    log(evidence, "competencies.evidence.return", user=reviewer)
    return review


@transaction.atomic
def evidence_accept(
    *,
    evidence: Evidence,
    reviewer: User,
    competency: Competency,
    level: int,
    method: AssessmentMethod,
    assessed_on: datetime.date,
    notes: str = "",
) -> Assessment:
    """Accept evidence into a new assessment of one of the competencies it claims."""
    _check_reviewable(evidence, reviewer)
    if not evidence.competencies.filter(pk=competency.pk).exists():
        raise refuse(
            Refusal.COMPETENCY_NOT_CLAIMED, f"This evidence does not claim {competency.id_number}."
        )
    assessment = assessment_record(
        worker=evidence.worker,
        competency=competency,
        level=level,
        method=method,
        assessed_on=assessed_on,
        assessor=reviewer,
        notes=notes,
        evidence=[evidence],
    )
    EvidenceReview.objects.create(
        evidence=evidence, reviewer=reviewer, outcome=EvidenceOutcome.ACCEPTED
    )
    log(evidence, "competencies.evidence.accept", user=reviewer, data={"assessment": assessment.pk})
    return assessment


def _check_reviewable(evidence: Evidence, reviewer: User) -> None:
    require(reviewer, Action.REVIEW_EVIDENCE, evidence.worker)
    if evidence_with_outcome(Evidence.objects.filter(pk=evidence.pk)).get().outcome != (
        EvidenceOutcome.SUBMITTED
    ):
        raise refuse(Refusal.ALREADY_REVIEWED, "This evidence has already been reviewed.")


@transaction.atomic
def supervision_log(
    *,
    worker: User,
    supervisor: User,
    held_on: datetime.date,
    kind: SupervisionKind,
    reflections: str,
    agreed_actions: str = "",
) -> SupervisionSession:
    """A link worker logs a supervision session; it counts once the supervisor confirms it."""
    _not_in_future(held_on, "supervision date")
    reason = denial_reason(supervisor, Action.COUNTERSIGN, worker, on=held_on)
    if reason is not None:
        raise refuse(
            Refusal.SUPERVISOR,
            f"{supervisor} cannot be your supervisor for that date: they must be an assessor "
            "in an organisation where you are a link worker.",
        )
    if not reflections.strip():
        raise refuse(Refusal.REFLECTIONS, "Write your reflections on the session.")
    session = SupervisionSession.objects.create(
        worker=worker,
        supervisor=supervisor,
        held_on=held_on,
        kind=kind,
        reflections=reflections.strip(),
        agreed_actions=agreed_actions.strip(),
    )
    log(session, "competencies.supervision.log", user=worker)
    return session


@transaction.atomic
def supervision_confirm(*, session: SupervisionSession, supervisor: User) -> SupervisionSession:
    """The supervisor confirms the session took place as logged."""
    session = SupervisionSession.objects.select_for_update().get(pk=session.pk)
    if session.supervisor_id != supervisor.pk:
        raise PermissionDenied("Only the supervisor named on the session may confirm it.")
    # Named on the session is not enough: a supervisor who has left confirms nothing.
    require(supervisor, Action.COUNTERSIGN, session.worker)
    if session.confirmed_at is not None:
        raise refuse(Refusal.ALREADY_CONFIRMED, "This session is already confirmed.")
    session.confirmed_at = timezone.now()
    session.save(update_fields=["confirmed_at"])
    log(session, "competencies.supervision.confirm", user=supervisor)
    return session


MAX_CPD_HOURS = Decimal("100")


@transaction.atomic
def cpd_log(
    *,
    worker: User,
    done_on: datetime.date,
    activity: str,
    hours: Decimal,
    is_formal: bool,
    points: Decimal,
    reflection: str = "",
    evidence: Evidence | None = None,
) -> CPDEntry:
    """A link worker logs a CPD activity."""
    _not_in_future(done_on, "CPD date")
    if not activity.strip():
        raise refuse(Refusal.ACTIVITY, "Say what the activity was.")
    if not Decimal("0") < hours <= MAX_CPD_HOURS:
        raise refuse(Refusal.HOURS, f"Hours must be more than 0 and at most {MAX_CPD_HOURS}.")
    if points < 0:
        raise refuse(Refusal.POINTS, "Points cannot be negative.")
    if evidence is not None and evidence.worker_id != worker.pk:
        raise refuse(Refusal.EVIDENCE_NOT_OWN, "Attach your own evidence only.")
    entry = CPDEntry.objects.create(
        worker=worker,
        done_on=done_on,
        activity=activity.strip(),
        hours=hours,
        is_formal=is_formal,
        points=points,
        reflection=reflection.strip(),
        evidence=evidence,
    )
    log(entry, "competencies.cpd.log", user=worker)
    return entry


# --- Spreadsheet imports --------------------------------------------------------------------
# `competencies.importing` reads a file and, through `competencies.resources`, checks every row
# against the rules `assessment_record` applies (both take them from `competencies.rules`) and
# saves. The importer never imports this module, so the dependency runs one way: services ->
# importing -> resources -> rules. `importing.import_assessments` is looked up when called, so
# that a test can stand in for it.


def _saved(
    checked: importing.CheckedImport, *, actor: User | None, record: AssessmentImport
) -> None:
    """Write the outcome of an import whose new assessments were saved, audited once."""
    # Saved in bulk, without signals: their workers' kept levels are marked stale here.
    mark_stale(assessment.worker_id for assessment in checked.prepared)
    report = checked.report
    report.saved = True
    record.status = ImportStatus.SAVED
    record.report = report.to_json()
    record.total_rows = record.processed_rows = len(report.rows)
    record.created_count = report.new
    record.unchanged_count = report.unchanged
    record.refused_count = 0
    record.finished_at = timezone.now()
    _save_outcome(record)
    log(
        record,
        "competencies.assessment.import",
        user=actor,
        data={
            "filename": record.filename,
            "sha256": record.sha256,
            "created": report.new,
            "unchanged": report.unchanged,
            "pending": report.pending,
        },
    )
    _log_each(
        checked.prepared,
        "competencies.assessment.import_row",
        user=actor,
        data=lambda assessment: {
            "import": str(record.pk),
            "worker": assessment.worker_id,
            "competency": assessment.competency.id_number,
            "level": assessment.level,
            "method": assessment.method.code,
            "assessor": assessment.assessor_id,
            "pending": assessment.needs_confirmation,
        },
    )


LOG_BATCH_SIZE = 1000
LOG_ENTRY_FIELDS = ModelLogEntry._meta.concrete_fields


def _log_each(assessments: list[Assessment], action: str, *, user: User | None, data) -> None:
    """One audit entry per assessment, as `log()` writes it, inserted together: a 10,000-row
    import is audited row by row without 10,000 queries."""
    if not assessments:
        return
    content_type = ContentType.objects.get_for_model(Assessment, for_concrete_model=False)
    context = get_active_log_context()
    user = user or context.user
    common = {field.attname: field.get_default() for field in LOG_ENTRY_FIELDS} | {
        "content_type_id": content_type.pk,
        "action": action,
        "timestamp": timezone.now(),
        "uuid": context.uuid,
        "user_id": user.pk if user is not None else None,
    }
    _insert_log_entries(
        common
        | {"label": str(assessment), "data": data(assessment), "object_id": str(assessment.pk)}
        for assessment in assessments
    )


def _insert_log_entries(entries: Iterable[dict]) -> None:
    """Insert audit entries given as their columns' values (by attribute name).

    On PostgreSQL by COPY, with the values an INSERT would write: for a large import's entries
    this costs a third of `bulk_create`, which binds every value as a parameter. Elsewhere by
    `bulk_create`, each entry made from its columns in field order (as Django makes the rows it
    reads; keyword arguments would go through the relations' descriptors)."""
    if connection.vendor == "postgresql":
        fields = [field for field in LOG_ENTRY_FIELDS if not field.primary_key]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        table = connection.ops.quote_name(ModelLogEntry._meta.db_table)
        # Only the JSON needs its field's adapter: psycopg writes the text, numbers, times and
        # UUIDs as they are, as the fields would prepare them.
        data = ModelLogEntry._meta.get_field("data")
        at = fields.index(data)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for entry in entries:
                row = [entry[field.attname] for field in fields]
                row[at] = data.get_db_prep_save(entry["data"], connection)
                copy.write_row(row)
        return
    ModelLogEntry.objects.bulk_create(
        [ModelLogEntry(*(entry[field.attname] for field in LOG_ENTRY_FIELDS)) for entry in entries],
        batch_size=LOG_BATCH_SIZE,
    )


def _refused(record: AssessmentImport, report: ImportReport) -> None:
    record.status = ImportStatus.REFUSED
    record.report = report.to_json()
    record.total_rows = record.processed_rows = len(report.rows)
    record.created_count = 0
    record.unchanged_count = report.unchanged
    record.refused_count = report.refused
    record.finished_at = timezone.now()
    _save_outcome(record)


# What checking or saving a kept file writes: never the file itself, which is kept as uploaded
# (writing it again costs as much as the rest of the record).
OUTCOME_FIELDS = [
    "status",
    "report",
    "total_rows",
    "processed_rows",
    "created_count",
    "unchanged_count",
    "refused_count",
    "finished_at",
]


def _save_outcome(record: AssessmentImport) -> None:
    # The command's record is saved, whole, only with the file's assessments.
    record.save(update_fields=None if record._state.adding else OUTCOME_FIELDS)


def _may_import(actor: User | None) -> None:
    if actor is not None and not importing.may_import(actor):
        raise PermissionDenied(
            "Only managers and assessors may import assessments, for link workers in their "
            "organisations."
        )


@transaction.atomic
def assessments_import(
    *, data: bytes, filename: str, actor: User | None, dry_run: bool = False
) -> ImportReport:
    """Check a spreadsheet of assessments and, if no row is refused, record every new one.

    All or nothing. Rows matching an existing assessment are left alone (reported unchanged).
    `actor` None is an administrator at the command line: any link worker, no scope. Returns
    the `ImportReport`; `.saved` says whether anything was written.
    """
    _may_import(actor)
    # The record's id exists before it is saved (a UUID), so the assessments can name their
    # import as they are inserted; the record itself is saved only if the file is, in the same
    # transaction (foreign keys are checked at commit), so a refused file leaves no record.
    record = AssessmentImport(
        created_by=actor, filename=filename[:255], data=data, sha256=_sha256(data)
    )
    checked = importing.import_assessments(
        data=data,
        filename=filename,
        actor=actor,
        dry_run=dry_run,
        source_import_id=None if dry_run else record.pk,
    )
    if checked.report.ok and not dry_run:
        _saved(checked, actor=actor, record=record)
    return checked.report


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def assessment_import_upload(*, actor: User, filename: str, data: bytes) -> AssessmentImport:
    """Keep an uploaded spreadsheet for checking; nothing is recorded until it is confirmed."""
    _may_import(actor)
    record = AssessmentImport.objects.create(
        created_by=actor, filename=filename[:255], data=data, sha256=_sha256(data)
    )
    log(record, "competencies.assessment.import_upload", user=actor, data={"sha256": record.sha256})
    return record


# What a check reads back once it has written its progress: all but the file and its report.
REFRESHED_FIELDS = [
    field.attname
    for field in AssessmentImport._meta.concrete_fields
    if field.name not in {"data", "report"}
]


def assessment_import_check(*, assessment_import: AssessmentImport) -> AssessmentImport:
    """Check the kept file and store its report; saves no assessment.

    Deliberately not one transaction: the progress it writes as it goes must be visible to the
    progress page while it runs.
    """
    record = assessment_import
    records = AssessmentImport.objects.filter(pk=record.pk)

    def progress(done: int, total: int) -> None:
        records.update(processed_rows=done, total_rows=total)

    checked = importing.import_assessments(
        data=bytes(record.data),
        filename=record.filename,
        actor=record.created_by,
        on_progress=progress,
    )
    record.refresh_from_db(fields=REFRESHED_FIELDS)
    report = checked.report
    if report.ok:
        record.status = ImportStatus.READY
        record.report = report.to_json()
        record.total_rows = record.processed_rows = len(report.rows)
        record.created_count = report.new
        record.unchanged_count = report.unchanged
        record.refused_count = 0
        _save_outcome(record)
    else:
        _refused(record, report)
    return record


@transaction.atomic
def assessment_import_confirm(
    *, assessment_import: AssessmentImport, actor: User
) -> AssessmentImport:
    """Record every new assessment of a checked file, or none.

    The file is checked again inside this transaction, so a change since the preview (someone
    left an organisation, an assessment was recorded meanwhile) is caught; then the record's
    status says what happened. The check locks the file's workers first (as the command's save
    does), so an import of the same rows confirmed at the same moment waits, then finds them
    recorded and reports them unchanged instead of saving them twice.
    """
    # Not the preview's report (megabytes for a large file): the check writes a new one.
    record = (
        AssessmentImport.objects.select_for_update().defer("report").get(pk=assessment_import.pk)
    )
    if record.created_by_id != actor.pk:
        raise PermissionDenied("Only the person who uploaded the file may confirm its import.")
    if record.status not in {ImportStatus.READY, ImportStatus.SAVING}:
        raise refuse(
            Refusal.IMPORT_STATUS,
            f"This import cannot be confirmed: {record.get_status_display().lower()}.",
        )
    _may_import(actor)
    checked = importing.import_assessments(
        data=bytes(record.data),
        filename=record.filename,
        actor=actor,
        dry_run=False,
        source_import_id=record.pk,
    )
    if checked.report.ok:
        _saved(checked, actor=actor, record=record)
    else:
        _refused(record, checked.report)
    return record


@transaction.atomic
def assessment_import_fail(*, assessment_import_id: str) -> None:
    """Mark an import stopped by an unexpected error; whatever it was doing was rolled back."""
    AssessmentImport.objects.filter(pk=assessment_import_id).update(
        status=ImportStatus.FAILED, finished_at=timezone.now()
    )
    record = AssessmentImport.objects.filter(pk=assessment_import_id).first()
    if record is not None:
        log(record, "competencies.assessment.import_fail", data={"file": record.filename})


@transaction.atomic
def assessment_import_queue(
    *, assessment_import: AssessmentImport, actor: User
) -> AssessmentImport:
    """Mark a checked file as being saved, before a background task saves it.

    Every row was checked (the count stays at the total); the save is one transaction, so the
    progress page shows it as busy rather than counting rows nobody outside it can see.
    """
    record = AssessmentImport.objects.select_for_update().get(pk=assessment_import.pk)
    if record.created_by_id != actor.pk:
        raise PermissionDenied("Only the person who uploaded the file may confirm its import.")
    if record.status != ImportStatus.READY:
        raise refuse(
            Refusal.IMPORT_STATUS,
            f"This import cannot be confirmed: {record.get_status_display().lower()}.",
        )
    record.status = ImportStatus.SAVING
    record.processed_rows = record.total_rows
    record.save(update_fields=["status", "processed_rows"])
    return record


# --- Confirming assessments entered in one's name ---------------------------------------------


@transaction.atomic
def assessment_confirm(*, assessment: Assessment, assessor: User) -> AssessmentConfirmation:
    """The assessor named on an assessment someone else entered confirms it is theirs; from
    then on it counts."""
    return assessments_confirm(assessments=[assessment], assessor=assessor)[0]


@transaction.atomic
def assessments_confirm(
    *, assessments: Iterable[Assessment], assessor: User
) -> list[AssessmentConfirmation]:
    """Confirm several assessments entered in `assessor`'s name at once: all of them or none.

    Only the assessor named on each, only while they may still assess its link worker, and
    only an assessment still waiting: entered by someone else, not confirmed, not corrected.
    """
    pks = sorted({assessment.pk for assessment in assessments})
    if not pks:
        raise refuse(Refusal.NOTHING_CHOSEN, "Choose at least one assessment to confirm.")
    locked = list(
        Assessment.objects.select_for_update(of=("self",))
        .filter(pk__in=pks)
        .select_related("worker", "competency", "method")
        .order_by("pk")
    )
    if len(locked) != len(pks):
        raise PermissionDenied("Only the assessor named on an assessment may confirm it.")
    confirmed = set(
        AssessmentConfirmation.objects.filter(assessment__in=pks).values_list(
            "assessment_id", flat=True
        )
    )
    corrected = set(
        Assessment.objects.filter(supersedes__in=pks).values_list("supersedes_id", flat=True)
    )
    denials: dict[int, str | None] = {}
    for assessment in locked:
        if assessment.assessor_id != assessor.pk:
            raise PermissionDenied("Only the assessor named on an assessment may confirm it.")
        if assessment.worker_id not in denials:
            denials[assessment.worker_id] = denial_reason(
                assessor, Action.ASSESS, assessment.worker
            )
        if (reason := denials[assessment.worker_id]) is not None:
            raise PermissionDenied(reason)
        if not assessment.needs_confirmation:
            raise refuse(
                Refusal.NOT_PENDING,
                f"{assessment} was recorded by its assessor: it needs no confirmation.",
            )
        if assessment.pk in confirmed:
            raise refuse(Refusal.ALREADY_CONFIRMED, f"{assessment} is already confirmed.")
        if assessment.pk in corrected:
            raise refuse(
                Refusal.NOT_PENDING,
                f"{assessment} has been corrected since: the correction stands instead.",
            )
    made = AssessmentConfirmation.objects.bulk_create(
        [
            AssessmentConfirmation(assessment=assessment, confirmed_by=assessor)
            for assessment in locked
        ]
    )
    # A bulk insert sends no signals: the workers' kept levels are marked stale here.
    mark_stale(assessment.worker_id for assessment in locked)
    _log_each(
        locked,
        "competencies.assessment.confirm",
        user=assessor,
        data=lambda assessment: {
            "import": str(assessment.source_import_id) if assessment.source_import_id else None,
            "recorded_by": assessment.recorded_by_id,
        },
    )
    return made


def evidence_download_record(*, evidence: Evidence, actor: User) -> None:
    """Record that `actor` opened `evidence`'s file: the link worker or one of their assessors.

    The view has already checked that `actor` may open it; this only writes the audit entry.
    One INSERT, so it needs no transaction of its own.
    """
    log(
        evidence,
        "competencies.evidence.download",
        user=actor,
        data={"kind": evidence.kind, "by_worker": actor.pk == evidence.worker_id},
    )
