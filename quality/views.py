"""Internal quality assurance pages: thin views over the quality selectors and services.

An assessment outside the IQA's organisations is a 404, the same as one that does not exist.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override

from competencies import services as competencies_services
from competencies.models import IqaDecision
from competencies.uploads import IMAGE_TYPES, content_disposition, download_name
from workforce.models import Role
from workforce.permissions import role_required

from . import selectors, services
from .forms import SampleForm

SAMPLING_PAGE_SIZE = 25


@role_required(Role.IQA)
def sampling(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(selectors.to_sample(request.user), SAMPLING_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "quality/sampling.html",
        {"page_obj": page_obj, "recent": selectors.samples_by(request.user)},
    )


@role_required(Role.IQA)
def sample(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.sampleable(request.user, pk)
    if assessment is None:
        raise Http404("No such assessment among those you may sample.")
    form = SampleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (
        recorded := form.submit(
            lambda data: services.iqa_sample_record(
                assessment=assessment, quality_assurer=request.user, **data
            )
        )
    ):
        messages.success(
            request,
            "You agreed the assessment."
            if recorded.decision == IqaDecision.AGREED
            else "The assessment is on hold until it is re-assessed; the assessor and the link "
            "worker have been told.",
        )
        return redirect(reverse("quality:sample", args=[assessment.pk]))
    return render(request, "quality/sample.html", {"assessment": assessment, "form": form})


@csp_override({"default-src": [CSP.NONE], "sandbox": True})
@role_required(Role.IQA)
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """A file of evidence of a link worker the IQA may quality-assure, served as the learner
    pages serve it (competencies.views.evidence_file) and audited the same way."""
    evidence = selectors.evidence_to_check(request.user, pk)
    if evidence is None or not evidence.file:
        raise Http404("No such file among the records you may check.")
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing from storage.") from missing
    as_attachment = evidence.file_content_type not in IMAGE_TYPES
    response = FileResponse(
        handle,
        as_attachment=as_attachment,
        content_type=evidence.file_content_type or "application/octet-stream",
    )
    name = download_name(
        evidence.title, evidence.file_content_type, fallback=f"evidence-{evidence.pk}"
    )
    response["Content-Disposition"] = content_disposition(name, as_attachment=as_attachment)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    competencies_services.evidence_download_record(evidence=evidence, actor=request.user)
    return response


@role_required(Role.ASSESSOR)
def holds(request: HttpRequest) -> HttpResponse:
    return render(
        request, "quality/holds.html", {"assessments": selectors.on_hold_for(request.user)}
    )


@role_required(Role.MANAGER)
def coverage(request: HttpRequest) -> HttpResponse:
    return render(
        request, "quality/coverage.html", {"rows": selectors.coverage_by_assessor(request.user)}
    )
