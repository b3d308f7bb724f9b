"""Learner and assessor pages: thin views over the competencies selectors and services.

Records of other people are found only within the viewer's scope: anything outside it is a 404,
so guessing numbers in a URL reveals nothing. Evidence files are served only from here.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.formats import date_format
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from curriculum.models import Competency
from workforce.models import Role, User
from workforce.permissions import Action, may, role_required
from workforce.refusals import refusal_text
from workforce.selectors import memberships_of

from . import selectors, services
from .confirmations import awaiting_confirmation
from .forms import (
    AssessmentForm,
    CorrectionForm,
    CPDForm,
    EvidenceAcceptForm,
    EvidenceForm,
    EvidenceReturnForm,
    ServiceForm,
    SupervisionForm,
)
from .models import Assessment, Evidence, EvidenceOutcome, SupervisionSession
from .uploads import IMAGE_TYPES, content_disposition, download_name


def _form_page(
    request: HttpRequest,
    form: ServiceForm,
    *,
    save: Callable[[dict], object],
    done: Callable[[object], tuple[str, str]],
    template: str,
    context: dict,
) -> HttpResponse:
    """Show `form`; save a valid POST through a service and redirect, or show its refusal."""
    if request.method == "POST" and (result := form.submit(save)) is not None:
        message, url = done(result)
        messages.success(request, message)
        return redirect(url)
    return render(request, template, {**context, "form": form})


def _posted(request: HttpRequest) -> tuple:
    return (request.POST, request.FILES) if request.method == "POST" else ()


def _person_or_404(actor: User, action: Action, pk: int) -> User:
    person = get_object_or_404(User, pk=pk, is_active=True)
    if not may(actor, action, person):
        raise Http404("No such person among the records you may see.")
    return person


def _competency_or_404(pk: int) -> Competency:
    return get_object_or_404(
        Competency.objects.select_related("framework").exclude(parent_id_number=""), pk=pk
    )


def _may_open_evidence(actor: User, worker: User) -> bool:
    return actor.pk == worker.pk or may(actor, Action.REVIEW_EVIDENCE, worker)


def _history_url(worker: User, competency: Competency) -> str:
    return reverse("competencies:history", args=[worker.pk, competency.pk])


# --- Link workers -----------------------------------------------------------------------------


@role_required(Role.LINK_WORKER)
def my_progress(request: HttpRequest) -> HttpResponse:
    curriculum = selectors.default_curriculum()
    overview = selectors.progress_overview(request.user, curriculum) if curriculum else None
    return render(
        request,
        "competencies/my_progress.html",
        {
            "memberships": memberships_of(request.user).filter(role=Role.LINK_WORKER),
            "curriculum": curriculum,
            "overview": overview,
            "figures": overview.progress
            if overview
            else selectors.supervision_and_cpd(request.user),
        },
    )


@login_required
def competency_history(request: HttpRequest, worker_id: int, competency_id: int) -> HttpResponse:
    worker = _person_or_404(request.user, Action.VIEW_RECORDS, worker_id)
    competency = _competency_or_404(competency_id)
    return render(
        request,
        "competencies/competency_history.html",
        {
            "worker": worker,
            "competency": competency,
            "is_self": worker.pk == request.user.pk,
            "may_assess": may(request.user, Action.ASSESS, worker),
            "may_open_evidence": _may_open_evidence(request.user, worker),
            **selectors.competency_record(worker, competency),
        },
    )


@role_required(Role.LINK_WORKER)
def my_evidence(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "competencies/evidence_list.html",
        {"evidence_items": selectors.evidence_of(request.user)},
    )


@role_required(Role.LINK_WORKER)
def evidence_submit(request: HttpRequest) -> HttpResponse:
    curriculum = selectors.default_curriculum()
    groups = selectors.claimable_competencies(curriculum) if curriculum else []
    form = EvidenceForm(
        *_posted(request),
        groups=groups,
        initial={"competencies": request.GET.getlist("competency")},
    )
    return _form_page(
        request,
        form,
        save=lambda data: services.evidence_submit(
            worker=request.user,
            kind=data["kind"],
            title=data["title"],
            competencies=data["competencies"],
            text=data["text"],
            upload=data["upload"],
        ),
        done=lambda evidence: (
            f"Your evidence “{evidence.title}” was submitted for review.",
            reverse("competencies:evidence", args=[evidence.pk]),
        ),
        template="competencies/evidence_form.html",
        context={"curriculum": curriculum},
    )


def _evidence_or_404(request: HttpRequest, pk: int) -> Evidence:
    evidence = selectors.evidence_item(pk)
    if evidence is None or not _may_open_evidence(request.user, evidence.worker):
        raise Http404("No such evidence among the records you may see.")
    return evidence


def _review_forms(evidence: Evidence, data: tuple = ()) -> dict:
    claimed = evidence.competencies.all()
    return {
        "accept_form": EvidenceAcceptForm(
            *data,
            claimed=claimed,
            scale=selectors.scale_of(claimed[0].framework_id) if claimed else [],
            methods=selectors.methods_accepted_by(claimed),
            initial={"competency": claimed[0].pk} if len(claimed) == 1 else {},
            prefix="accept",
        ),
        "return_form": EvidenceReturnForm(prefix="return"),
    }


def _evidence_page(request: HttpRequest, evidence: Evidence, **bound_forms) -> HttpResponse:
    may_review = evidence.outcome == EvidenceOutcome.SUBMITTED and may(
        request.user, Action.REVIEW_EVIDENCE, evidence.worker
    )
    context = {
        "evidence": evidence,
        "is_self": evidence.worker_id == request.user.pk,
        "may_review": may_review,
        **bound_forms,
    }
    if may_review:
        context = _review_forms(evidence) | context
    return render(request, "competencies/evidence_detail.html", context)


@login_required
def evidence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _evidence_page(request, _evidence_or_404(request, pk))


@csp_override({"default-src": [CSP.NONE], "sandbox": True})
@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(Evidence.objects.select_related("worker"), pk=pk)
    if not evidence.file or not _may_open_evidence(request.user, evidence.worker):
        raise Http404("No such file among the records you may see.")
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing from storage.") from missing
    # Photos (checked to be images by content) may show in the browser; all else downloads.
    as_attachment = evidence.file_content_type not in IMAGE_TYPES
    response = FileResponse(
        handle,
        as_attachment=as_attachment,
        content_type=evidence.file_content_type or "application/octet-stream",
    )
    # Named from the title and the type its content was judged to be: the name and extension it
    # was uploaded with are the uploader's to choose, and a file's extension decides what opens it.
    name = download_name(
        evidence.title, evidence.file_content_type, fallback=f"evidence-{evidence.pk}"
    )
    response["Content-Disposition"] = content_disposition(name, as_attachment=as_attachment)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    services.evidence_download_record(evidence=evidence, actor=request.user)
    return response


@role_required(Role.LINK_WORKER)
def my_supervision(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "competencies/supervision_list.html",
        {
            "sessions": selectors.supervision_sessions_of(request.user),
            **selectors.supervision_and_cpd(request.user),
        },
    )


@role_required(Role.LINK_WORKER)
def supervision_log(request: HttpRequest) -> HttpResponse:
    form = SupervisionForm(*_posted(request), supervisors=selectors.assessors_for(request.user))
    return _form_page(
        request,
        form,
        save=lambda data: services.supervision_log(worker=request.user, **data),
        done=lambda session: (
            f"Your supervision session with {session.supervisor} on "
            f"{date_format(session.held_on, 'j F Y')} was logged. It counts once they confirm it.",
            reverse("competencies:supervision"),
        ),
        template="competencies/supervision_form.html",
        context={},
    )


@role_required(Role.LINK_WORKER)
def my_cpd(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "competencies/cpd_list.html",
        {
            "entries": selectors.cpd_entries_of(request.user),
            **selectors.supervision_and_cpd(request.user),
        },
    )


@role_required(Role.LINK_WORKER)
def cpd_add(request: HttpRequest) -> HttpResponse:
    form = CPDForm(*_posted(request), evidence=selectors.evidence_of(request.user))
    return _form_page(
        request,
        form,
        save=lambda data: services.cpd_log(worker=request.user, **data),
        done=lambda entry: (
            f"“{entry.activity}” was added to your CPD log.",
            reverse("competencies:cpd"),
        ),
        template="competencies/cpd_form.html",
        context={},
    )


# --- Assessors --------------------------------------------------------------------------------


@role_required(Role.ASSESSOR)
def caseload(request: HttpRequest) -> HttpResponse:
    curriculum = selectors.default_curriculum()
    framework = curriculum.framework if curriculum else None
    return render(
        request,
        "competencies/caseload.html",
        {
            "curriculum": curriculum,
            "rows": selectors.caseload_rows(request.user, framework),
            "competency_total": selectors.core_count(framework) if framework else 0,
            "waiting": selectors.open_counts(request.user),
            "to_confirm": awaiting_confirmation(request.user).count(),
        },
    )


@role_required(Role.ASSESSOR)
def worker_detail(request: HttpRequest, worker_id: int) -> HttpResponse:
    worker = _person_or_404(request.user, Action.ASSESS, worker_id)
    curriculum = selectors.default_curriculum()
    return render(
        request,
        "competencies/worker.html",
        {
            "worker": worker,
            "curriculum": curriculum,
            "overview": selectors.progress_overview(worker, curriculum) if curriculum else None,
        },
    )


@role_required(Role.ASSESSOR)
def assessment_record(request: HttpRequest, worker_id: int, competency_id: int) -> HttpResponse:
    worker = _person_or_404(request.user, Action.ASSESS, worker_id)
    competency = _competency_or_404(competency_id)
    methods = selectors.methods_accepted_by(Competency.objects.filter(pk=competency.pk))
    form = AssessmentForm(
        *_posted(request),
        scale=selectors.scale_of(competency.framework_id),
        methods=methods,
        countersigners=selectors.assessors_for(worker).exclude(pk=request.user.pk),
    )
    return _form_page(
        request,
        form,
        save=lambda data: services.assessment_record(
            worker=worker, competency=competency, assessor=request.user, **data
        ),
        done=lambda assessment: (
            f"{competency.id_number} level {assessment.level} was recorded for {worker}.",
            _history_url(worker, competency),
        ),
        template="competencies/assessment_form.html",
        context={"worker": worker, "competency": competency, "methods": methods},
    )


@role_required(Role.ASSESSOR)
def assessment_correct(request: HttpRequest, pk: int) -> HttpResponse:
    original = get_object_or_404(
        Assessment.objects.select_related("worker", "competency__framework", "method", "assessor"),
        pk=pk,
    )
    if not may(request.user, Action.ASSESS, original.worker):
        raise Http404("No such assessment among the records you may see.")
    competency = original.competency
    methods = selectors.methods_accepted_by(Competency.objects.filter(pk=competency.pk))
    form = CorrectionForm(
        *_posted(request),
        scale=selectors.scale_of(competency.framework_id),
        methods=methods,
        initial={
            "level": original.level,
            "method": original.method_id,
            "assessed_on": original.assessed_on,
        },
    )
    return _form_page(
        request,
        form,
        save=lambda data: services.assessment_correct(
            original=original, assessor=request.user, **data
        ),
        done=lambda assessment: (
            f"The assessment was corrected to level {assessment.level}; both stay in the history.",
            _history_url(original.worker, competency),
        ),
        template="competencies/correction_form.html",
        context={"original": original, "competency": competency, "methods": methods},
    )


@role_required(Role.ASSESSOR)
def review_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "competencies/review_queue.html",
        {"evidence_items": selectors.review_queue(request.user)},
    )


def _reviewable_or_404(request: HttpRequest, pk: int) -> Evidence:
    evidence = selectors.evidence_item(pk)
    if evidence is None or not may(request.user, Action.REVIEW_EVIDENCE, evidence.worker):
        raise Http404("No such evidence among the records you may review.")
    return evidence


def _review_done(request: HttpRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("competencies:review_queue")


@role_required(Role.ASSESSOR)
@require_POST
def evidence_accept(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _reviewable_or_404(request, pk)
    forms = _review_forms(evidence, (request.POST,))
    form = forms["accept_form"]
    assessment = form.submit(
        lambda data: services.evidence_accept(evidence=evidence, reviewer=request.user, **data)
    )
    if assessment is not None:
        return _review_done(
            request,
            f"“{evidence.title}” was accepted: {assessment.competency.id_number} level "
            f"{assessment.level} is recorded for {evidence.worker}.",
        )
    return _evidence_page(request, evidence, accept_form=form)


@role_required(Role.ASSESSOR)
@require_POST
def evidence_return(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _reviewable_or_404(request, pk)
    form = EvidenceReturnForm(request.POST, prefix="return")
    review = form.submit(
        lambda data: services.evidence_return(
            evidence=evidence, reviewer=request.user, feedback=data["feedback"]
        )
    )
    if review is not None:
        return _review_done(
            request, f"“{evidence.title}” was returned to {evidence.worker} with feedback."
        )
    return _evidence_page(request, evidence, return_form=form)


def _countersign_page(request: HttpRequest, errors: list[str] = ()) -> HttpResponse:
    return render(
        request,
        "competencies/countersign_requests.html",
        {"assessments": selectors.countersign_requests(request.user), "errors": errors},
    )


@role_required(Role.ASSESSOR)
def countersign_requests(request: HttpRequest) -> HttpResponse:
    return _countersign_page(request)


@role_required(Role.ASSESSOR)
@require_POST
def assessment_countersign(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(
        Assessment.objects.select_related("worker", "competency"),
        pk=pk,
        countersign_requested_from=request.user,
    )
    try:
        services.assessment_countersign(assessment=assessment, supervisor=request.user)
    except (ValidationError, PermissionDenied) as refused:
        return _countersign_page(request, errors=[refusal_text(refused)])
    messages.success(
        request,
        f"You countersigned {assessment.competency.id_number} level {assessment.level} for "
        f"{assessment.worker}.",
    )
    return redirect("competencies:countersign_requests")


def _sessions_page(request: HttpRequest, errors: list[str] = ()) -> HttpResponse:
    return render(
        request,
        "competencies/sessions_to_confirm.html",
        {"sessions": selectors.sessions_to_confirm(request.user), "errors": errors},
    )


@role_required(Role.ASSESSOR)
def sessions_to_confirm(request: HttpRequest) -> HttpResponse:
    return _sessions_page(request)


@role_required(Role.ASSESSOR)
@require_POST
def supervision_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        SupervisionSession.objects.select_related("worker"), pk=pk, supervisor=request.user
    )
    try:
        services.supervision_confirm(session=session, supervisor=request.user)
    except (ValidationError, PermissionDenied) as refused:
        return _sessions_page(request, errors=[refusal_text(refused)])
    messages.success(
        request,
        f"You confirmed the supervision session with {session.worker} on "
        f"{date_format(session.held_on, 'j F Y')}.",
    )
    return redirect("competencies:sessions_to_confirm")


# --- Assessments entered in the assessor's name, to confirm -----------------------------------

CONFIRMATIONS_PER_PAGE = 100


@role_required(Role.ASSESSOR)
def confirmations(request: HttpRequest) -> HttpResponse:
    """Imported assessments in the assessor's name: tick those that are theirs and confirm."""
    waiting = awaiting_confirmation(request.user)
    errors: list[str] = []
    if request.method == "POST":
        chosen = [pk for pk in request.POST.getlist("assessment") if pk.isdigit()]
        found = list(waiting.filter(pk__in=chosen))
        try:
            if len(found) != len(set(chosen)):
                raise PermissionDenied(
                    "Some of the assessments chosen are no longer waiting for you: nothing was "
                    "confirmed. Choose again."
                )
            confirmed = services.assessments_confirm(assessments=found, assessor=request.user)
        except (ValidationError, PermissionDenied) as refused:
            errors.append(refusal_text(refused))
        else:
            count = len(confirmed)
            messages.success(
                request,
                f"You confirmed {count} assessment{'s' if count != 1 else ''}: "
                f"{'they count' if count != 1 else 'it counts'} from now on.",
            )
            return redirect("competencies:confirmations")
    page = Paginator(waiting, CONFIRMATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "competencies/confirmations.html",
        {"page_obj": page, "errors": errors},
    )
