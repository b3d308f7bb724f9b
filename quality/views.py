"""Internal quality assurance pages: thin views over the quality selectors and services.

An assessment outside the IQA's organisations is a 404, the same as one that does not exist.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from competencies.models import IqaDecision
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
