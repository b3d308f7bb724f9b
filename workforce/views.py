"""Where each person lands after signing in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .models import Role
from .permissions import is_curriculum_author
from .selectors import roles_of

# When someone holds several roles, the page for the widest responsibility comes first.
_HOME_BY_ROLE = (
    (Role.MANAGER, "oversight:team"),
    (Role.IQA, "quality:sampling"),
    (Role.ASSESSOR, "competencies:caseload"),
    (Role.LINK_WORKER, "competencies:my_progress"),
)


def home_url_for(user) -> str:
    """The page a person lands on after signing in."""
    roles = roles_of(user)
    for role, url_name in _HOME_BY_ROLE:
        if role in roles:
            return reverse(url_name)
    if is_curriculum_author(user):
        return reverse("wagtailadmin_home")
    return reverse("workforce:no_role")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(home_url_for(request.user))


@login_required
def no_role(request: HttpRequest) -> HttpResponse:
    return render(request, "workforce/no_role.html")
