"""Learner and assessor pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from workforce.models import Role
from workforce.permissions import role_required
from workforce.selectors import link_workers_for, memberships_of


@role_required(Role.LINK_WORKER)
def my_progress(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "competencies/my_progress.html",
        {"memberships": memberships_of(request.user).filter(role=Role.LINK_WORKER)},
    )


@role_required(Role.ASSESSOR)
def caseload(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "competencies/caseload.html",
        {"workers": link_workers_for(request.user, Role.ASSESSOR)},
    )
