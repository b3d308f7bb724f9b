"""Where each person lands after signing in, and the managers' role requests page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from . import services
from .forms import RoleRefuseForm, RoleRequestForm
from .models import Role
from .permissions import Action, is_curriculum_author, organisations_for, role_required
from .refusals import refusal_text
from .selectors import grantable_people, role_requests, roles_of

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


# --- Role requests: one manager asks, another approves ------------------------------------------


def _role_requests_page(request: HttpRequest, form, status: int = 200) -> HttpResponse:
    requests = list(role_requests(request.user)[:200])
    return render(
        request,
        "workforce/role_grants.html",
        {
            "form": form,
            "waiting": [r for r in requests if not hasattr(r, "decision")],
            "decided": [r for r in requests if hasattr(r, "decision")][:50],
        },
        status=status,
    )


def _request_form(request: HttpRequest, data=None) -> RoleRequestForm:
    return RoleRequestForm(
        data,
        people=grantable_people(request.user),
        organisations=organisations_for(request.user, Action.MANAGE),
    )


@role_required(Role.MANAGER)
def role_grants(request: HttpRequest) -> HttpResponse:
    """Ask for a role for someone, and see the requests waiting for a second manager."""
    if request.method != "POST":
        return _role_requests_page(request, _request_form(request))
    form = _request_form(request, request.POST)
    made = form.submit(
        lambda data: services.role_grant_request(
            user=data["user"],
            organisation=data["organisation"],
            role=data["role"],
            reason=data["reason"],
            actor=request.user,
        )
    )
    if made is None:
        return _role_requests_page(request, form)
    messages.success(
        request,
        f"You asked for {made.user} to hold the {made.get_role_display().lower()} role at "
        f"{made.organisation}. Another manager of {made.organisation} must approve it.",
    )
    return redirect("workforce:role_grants")


@role_required(Role.MANAGER)
def role_grant_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or refuse one request, after a page that says what approving it does."""
    grant_request = get_object_or_404(
        role_requests(request.user).filter(decision__isnull=True), pk=pk
    )
    refuse_form = RoleRefuseForm(request.POST if request.POST.get("do") == "refuse" else None)
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("do") == "approve":
                services.role_grant_approve(grant_request=grant_request, actor=request.user)
                messages.success(
                    request,
                    f"{grant_request.user} now holds the "
                    f"{grant_request.get_role_display().lower()} role "
                    f"at {grant_request.organisation}.",
                )
                return redirect("workforce:role_grants")
            if refuse_form.submit(
                lambda data: services.role_grant_refuse(
                    grant_request=grant_request, actor=request.user, reason=data["reason"]
                )
            ):
                messages.success(request, f"You refused the request for {grant_request.user}.")
                return redirect("workforce:role_grants")
        except (ValidationError, PermissionDenied) as refused:
            errors.append(refusal_text(refused))
    return render(
        request,
        "workforce/role_grant_decide.html",
        {
            "grant_request": grant_request,
            "refuse_form": refuse_form,
            "errors": errors,
            "own_request": grant_request.requested_by_id == request.user.pk,
        },
    )
