"""Learner pages for qualifications: thin views over the certificates selectors."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from competencies.selectors import default_curriculum
from workforce.models import Role
from workforce.permissions import role_required

from . import selectors


@role_required(Role.LINK_WORKER)
def my_qualifications(request: HttpRequest) -> HttpResponse:
    curriculum = default_curriculum()
    qualifications = selectors.qualifications_for(curriculum.framework) if curriculum else []
    return render(
        request,
        "certificates/my_qualifications.html",
        {
            "curriculum": curriculum,
            "checklists": [
                selectors.qualification_checklist(request.user, qualification)
                for qualification in qualifications
            ],
        },
    )
