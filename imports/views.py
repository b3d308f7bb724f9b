"""Imports and reports pages: upload a spreadsheet, preview every row, confirm; download reports.

Managers and assessors import assessments for the link workers in their organisations; managers
import rosters of their organisations' staff. Only the person who uploaded a file sees its
preview and may confirm it; anyone else gets a 404. Reports hold only what the person
downloading them may see.
"""

import base64
import logging
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from competencies import resources, selectors, services, tasks
from competencies.import_rows import ImportReport, RowOutcome
from competencies.importing import (
    EXPORT_ONLY_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    may_import,
)
from competencies.models import AssessmentImport, ImportStatus
from workforce import roster
from workforce import services as workforce_services
from workforce.models import Role
from workforce.permissions import Action, organisations_for, role_required, subjects_of
from workforce.refusals import refusal_text
from workforce.spreadsheets import attachment, download, export_bytes

from .forms import assessment_form, roster_form

# Files larger than this are checked and saved by a background task, with a progress bar;
# smaller ones (about 1,500 CSV rows) are done while the page loads.
BACKGROUND_BYTES = 100 * 1024
ROWS_PER_PAGE = 250
PROBLEMS_SHOWN = 2000
ROSTER_PREVIEW_MAX_AGE = 60 * 60  # seconds
ROSTER_FORM_OVERHEAD = 4 * 1024  # the CSRF token and form encoding beside the signed roster
FINISHED = {ImportStatus.READY, ImportStatus.REFUSED, ImportStatus.SAVED, ImportStatus.FAILED}
FAILED_MESSAGE = (
    "Something went wrong on our side while {doing} {filename}, and nothing was imported. "
    "Try again later; if it happens again, tell your administrator."
)

logger = logging.getLogger(__name__)


def importer_required(view):
    """Signed in as a manager or assessor somewhere today."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not may_import(request.user):
            raise PermissionDenied(
                "Imports and reports are for managers and assessors in an organisation."
            )
        return view(request, *args, **kwargs)

    return wrapper


# --- Assessment import ------------------------------------------------------------------------


@importer_required
def assessment_import(request: HttpRequest) -> HttpResponse:
    form = assessment_form((request.POST, request.FILES) if request.method == "POST" else ())
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = services.assessment_import_upload(
                actor=request.user, filename=upload.name, data=upload.read()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if upload.size > BACKGROUND_BYTES:
                tasks.check_assessment_import.enqueue(str(record.pk))
            else:
                try:
                    services.assessment_import_check(assessment_import=record)
                except Exception:
                    # As the background task does: never leave the import "Checking" for ever.
                    _failed(request, record, doing="checking")
            return redirect("imports:import_detail", record.pk)
    return render(
        request,
        "imports/assessment_import.html",
        {
            "form": form,
            "columns": REQUIRED_COLUMNS,
            "optional_columns": OPTIONAL_COLUMNS,
            "ignored_columns": EXPORT_ONLY_COLUMNS,
            "recent": _recent_imports(request.user),
        },
    )


def _failed(request: HttpRequest, record: AssessmentImport, *, doing: str) -> None:
    logger.exception("Assessment import %s failed while %s", record.pk, doing)
    services.assessment_import_fail(assessment_import_id=str(record.pk))
    messages.error(request, FAILED_MESSAGE.format(doing=doing, filename=record.filename))


def _own_import_or_404(request: HttpRequest, pk) -> AssessmentImport:
    record = get_object_or_404(
        AssessmentImport.objects.defer("data"), pk=pk, created_by=request.user
    )
    if _names_people_out_of_reach(request.user, record):
        raise Http404("No such import among yours.")
    return record


def _names_people_out_of_reach(user, record: AssessmentImport) -> bool:
    """Whether the import names a link worker its uploader could import for on the day they
    uploaded it but not today: whoever leaves an organisation leaves its imports behind."""
    emails = {row.get("worker_email") for row in (record.report or {}).get("rows", [])}
    emails.discard(None)
    emails.discard("")
    if not emails:
        return False
    then = subjects_of(
        user, Action.IMPORT_ASSESSMENTS, on=timezone.localdate(record.created_at)
    ).filter(email__in=emails)
    return then.exclude(pk__in=subjects_of(user, Action.IMPORT_ASSESSMENTS)).exists()


def _recent_imports(user) -> list[AssessmentImport]:
    """The person's last ten imports, less those naming people they have since lost."""
    recent = AssessmentImport.objects.filter(created_by=user).defer("data")[:10]
    return [record for record in recent if not _names_people_out_of_reach(user, record)]


@importer_required
def import_detail(request: HttpRequest, pk) -> HttpResponse:
    record = _own_import_or_404(request, pk)
    report = ImportReport.from_json(record.report) if record.report else None
    context = {
        "record": record,
        "report": report,
        "Status": ImportStatus,
        "progress_text": progress_text(record),
    }
    if report is not None:
        problems = report.problems()
        page = Paginator(report.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            problems=problems[:PROBLEMS_SHOWN],
            problem_total=len(problems),
            refused_rows=len({p["row"] for p in problems if p["row"]}),
            page=page,
            outcomes=RowOutcome,
        )
    if record.status == ImportStatus.SAVED:
        context["organisations"] = organisations_for(request.user, Action.MANAGE)
    return render(request, "imports/assessment_import_detail.html", context)


def progress_text(record: AssessmentImport) -> str:
    """What the progress bar stands for, in words (also announced to screen readers)."""
    if record.status == ImportStatus.SAVING:
        # Saving is one transaction (all or none), so nothing outside it can count its rows.
        return (
            f"Saving: all {record.total_rows} rows were checked; checking them again and "
            "saving them in one go, all or none."
        )
    return (
        f"{record.get_status_display()}: {record.processed_rows} of "
        f"{record.total_rows or '?'} rows."
    )


@importer_required
def import_status(request: HttpRequest, pk) -> JsonResponse:
    record = _own_import_or_404(request, pk)
    return JsonResponse(
        {
            "status": record.status,
            "label": record.get_status_display(),
            "processed": record.processed_rows,
            "total": record.total_rows,
            "finished": record.status in FINISHED,
            "text": progress_text(record),
            # No count to show while saving: the page shows a busy bar instead of a stuck one.
            "indeterminate": record.status == ImportStatus.SAVING,
        }
    )


@importer_required
def import_problems(request: HttpRequest, pk) -> HttpResponse:
    record = _own_import_or_404(request, pk)
    if not record.report:
        raise Http404("This file has not been checked yet.")
    report = ImportReport.from_json(record.report)
    response = HttpResponse(
        ("\ufeff" + report.problems_csv()).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
    )
    workforce_services.export_record(
        actor=request.user,
        report="import-problems",
        file_format="csv",
        rows=len(report.problems()),
        scope={"assessment_import": str(record.pk)},
    )
    stem = record.filename.rsplit(".", 1)[0][:60]
    return attachment(response, f"{_safe(stem) or 'import'}-problems.csv")


def _safe(name: str) -> str:
    """Letters (in any script), digits, - and _; anything else, a path separator included, a -."""
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)


@importer_required
@require_POST
def import_confirm(request: HttpRequest, pk) -> HttpResponse:
    record = _own_import_or_404(request, pk)
    try:
        if record.total_rows * 80 > BACKGROUND_BYTES:  # about as many rows as a large file
            services.assessment_import_queue(assessment_import=record, actor=request.user)
            tasks.confirm_assessment_import.enqueue(str(record.pk))
        else:
            try:
                record = services.assessment_import_confirm(
                    assessment_import=record, actor=request.user
                )
            except (ValidationError, PermissionDenied):
                raise
            except Exception:
                # Rolled back, as the background task's would be: say so, rather than a 500.
                _failed(request, record, doing="saving")
                return redirect("imports:import_detail", record.pk)
    except (ValidationError, PermissionDenied) as refused:
        messages.error(request, refusal_text(refused))
        return redirect("imports:import_detail", record.pk)
    record.refresh_from_db()
    if record.status == ImportStatus.SAVED:
        messages.success(
            request,
            f"{record.created_count} assessment{'s' if record.created_count != 1 else ''} "
            f"imported from {record.filename}.",
        )
    return redirect("imports:import_detail", record.pk)


# --- Reports ----------------------------------------------------------------------------------


@importer_required
def reports(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "imports/reports.html",
        {
            "organisations": _report_organisations(request.user),
            "worker_count": selectors.visible_workers(request.user).count(),
        },
    )


def _report_organisations(user):
    return organisations_for(user, Action.VIEW_RECORDS)


@importer_required
def history_export(request: HttpRequest, file_format: str) -> HttpResponse:
    rows = selectors.assessment_history_rows(selectors.visible_workers(request.user))
    resource = resources.AssessmentHistoryResource()
    data = export_bytes(resource, rows, file_format)
    workforce_services.export_record(
        actor=request.user,
        report="assessment-history",
        file_format=file_format,
        rows=resource.exported_rows,
    )
    return download(data, file_format, "assessment-history")


def _matrix_or_404(request: HttpRequest, organisation_id: int):
    organisation = get_object_or_404(_report_organisations(request.user), pk=organisation_id)
    curriculum = selectors.default_curriculum()
    if curriculum is None:
        raise Http404("No curriculum is published yet.")
    return organisation, selectors.progress_matrix(organisation.pk, curriculum.framework)


@importer_required
def progress_matrix(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation, matrix = _matrix_or_404(request, organisation_id)
    return render(
        request,
        "imports/progress_matrix.html",
        {"organisation": organisation, "matrix": matrix},
    )


@importer_required
def progress_matrix_export(
    request: HttpRequest, organisation_id: int, file_format: str
) -> HttpResponse:
    organisation, matrix = _matrix_or_404(request, organisation_id)
    data = export_bytes(resources.ProgressMatrixResource(matrix), matrix.rows, file_format)
    workforce_services.export_record(
        actor=request.user,
        report="progress-matrix",
        file_format=file_format,
        rows=len(matrix.rows),
        organisation=organisation,
    )
    return download(data, file_format, f"progress-{_safe(organisation.name.lower())}")


# --- Roster import ----------------------------------------------------------------------------


def _roster_salt(request: HttpRequest) -> str:
    # Per user, so one person's signed preview cannot be confirmed by another.
    return f"workforce.roster-import:{request.user.pk}"


ROSTER_FAILED = (
    "Something went wrong on our side while {doing} the roster, and nothing was imported. "
    "Try again later; if it happens again, tell your administrator."
)


@role_required(Role.MANAGER)
def roster_import(request: HttpRequest) -> HttpResponse:
    organisations = organisations_for(request.user, Action.MANAGE)
    context = {"organisations": organisations, "columns": roster.COLUMNS}
    if request.method == "POST" and "payload" in request.POST:
        return _roster_confirm(request, context)
    form = roster_form((request.POST, request.FILES) if request.method == "POST" else ())
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            plan = roster.check_roster(data=data, filename=upload.name, actor=request.user)
        except Exception:
            logger.exception("Checking the roster %s failed", upload.name)
            messages.error(request, ROSTER_FAILED.format(doing="checking"))
            return redirect("imports:roster_import")
        context.update(plan=plan, form=form)
        if plan.ok:
            # The file itself rides in the signed form (base64: a third larger, not double
            # as hex); `roster.MAX_BYTES` keeps it well under the request size limit.
            payload = signing.dumps(
                {"roster": base64.b64encode(data).decode("ascii"), "filename": upload.name},
                salt=_roster_salt(request),
                compress=True,
            )
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if limit is not None and len(payload) + ROSTER_FORM_OVERHEAD > limit:
                plan.file_errors.append(
                    "The roster is too large to confirm in one go. Split it into smaller "
                    "files, for example one per organisation, and import each."
                )
            else:
                context["payload"] = payload
        return render(request, "imports/roster_preview.html", context)
    return render(request, "imports/roster_import.html", {**context, "form": form})


def _roster_confirm(request: HttpRequest, context: dict) -> HttpResponse:
    try:
        payload = signing.loads(
            request.POST["payload"], salt=_roster_salt(request), max_age=ROSTER_PREVIEW_MAX_AGE
        )
        roster_data = base64.b64decode(payload["roster"], validate=True)
    except (signing.BadSignature, KeyError, ValueError):
        # KeyError: a preview signed before the roster was carried as base64.
        messages.error(
            request,
            "The preview could not be verified or has expired, so nothing was imported: "
            "upload the file again.",
        )
        return redirect("imports:roster_import")
    try:
        plan = workforce_services.roster_import(
            data=roster_data,
            filename=payload["filename"],
            actor=request.user,
        )
    except (ValidationError, IntegrityError) as error:
        # Someone changed these people between the check and the save (the same person added
        # twice at once, a role started meanwhile): everything was rolled back.
        reasons = error.messages if isinstance(error, ValidationError) else []
        messages.error(
            request,
            " ".join(
                [
                    "Nothing was imported: someone changed these people's accounts while the "
                    "roster was being saved.",
                    *reasons,
                    "Upload the file again to see what it would do now.",
                ]
            ),
        )
        return redirect("imports:roster_import")
    except Exception:
        logger.exception("Saving the roster %s failed", payload["filename"])
        messages.error(request, ROSTER_FAILED.format(doing="saving"))
        return redirect("imports:roster_import")
    if not plan.ok:
        return render(request, "imports/roster_preview.html", {**context, "plan": plan})
    messages.success(request, plan.summary(done=True))
    if plan.not_emailed:
        messages.warning(
            request,
            "The email with a link to set a password could not be sent to "
            + ", ".join(plan.not_emailed)
            + ". Their accounts were added: ask them to use “Forgotten your password?” at "
            + settings.SITE_BASE_URL
            + reverse("password_reset")
            + ", or try again later.",
        )
    return redirect("imports:roster_import")
