"""Managers' pages: the team, its competency matrix and gaps, one worker's record, the audit log.

Thin views over the oversight selectors. A worker outside the manager's team is a 404, the same
as a worker who does not exist, so guessing numbers in a URL reveals nothing.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from certificates.selectors import certificates_of, qualification_checklist
from competencies.selectors import default_curriculum, progress_overview
from workforce.models import Role
from workforce.permissions import Action, organisations_for, role_required
from workforce.selectors import people_in_scope

from . import charts, selectors
from .forms import AuditFilterForm, TeamFilterForm

TEAM_PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 50
AUDIT_PAGE_SIZE = 25


def _filters(request: HttpRequest) -> tuple[TeamFilterForm, dict]:
    organisations = organisations_for(request.user, Action.MANAGE).order_by("name")
    form = TeamFilterForm(request.GET, organisations=organisations)
    return form, form.filters()


def _limit(form: TeamFilterForm, filters: dict) -> int | None:
    """A manager of several organisations who chose none is judged on at most so many link
    workers at once (a national manager has thousands); one organisation is judged whole."""
    if filters["organisation"] is None and form.several_organisations:
        return selectors.TEAM_JUDGED_MAX
    return None


@role_required(Role.MANAGER)
def team(request: HttpRequest) -> HttpResponse:
    curriculum = default_curriculum()
    form, filters = _filters(request)
    context = {"curriculum": curriculum, "form": form, "filters": filters}
    if curriculum is None:
        context["members"] = selectors.team_members(request.user)
    else:
        overview = selectors.team_overview(
            request.user,
            curriculum,
            organisation=filters["organisation"],
            search=filters["search"],
            limit=_limit(form, filters),
        )
        rows = selectors.sort_and_filter(overview.rows, sort=filters["sort"], flag=filters["flag"])
        context |= {
            "overview": overview,
            "page_obj": Paginator(rows, TEAM_PAGE_SIZE).get_page(request.GET.get("page")),
            "shown": len(rows),
            "sort_label": selectors.TeamSort(filters["sort"]).label,
            "flag_counts": [(flag, overview.flagged(flag)) for flag in selectors.Flag],
        }
    return render(request, "oversight/team.html", context)


@role_required(Role.MANAGER)
def matrix(request: HttpRequest) -> HttpResponse:
    curriculum = default_curriculum()
    form, filters = _filters(request)
    context = {"curriculum": curriculum, "form": form, "filters": filters}
    if curriculum is not None:
        # The import/export pages' progress matrix downloads, one per organisation (read
        # first: the filter form then counts them without a query).
        organisations = (
            [filters["organisation"]]
            if filters["organisation"]
            else list(form.fields["organisation"].queryset)
        )
        team_matrix = selectors.team_matrix(
            request.user,
            curriculum,
            organisation=filters["organisation"],
            search=filters["search"],
            limit=_limit(form, filters),
            page=request.GET.get("page"),
        )
        context |= {
            "matrix": team_matrix,
            "page_obj": team_matrix.page_obj,
            "organisations": organisations,
            "bands": [(band, selectors.Band(band).label) for band in selectors.Band.values],
        }
    return render(request, "oversight/matrix.html", context)


@role_required(Role.MANAGER)
def gaps(request: HttpRequest) -> HttpResponse:
    curriculum = default_curriculum()
    form, filters = _filters(request)
    context = {"curriculum": curriculum, "form": form, "filters": filters}
    if curriculum is not None:
        team_gaps = selectors.team_gaps(
            selectors.team_matrix(
                request.user,
                curriculum,
                organisation=filters["organisation"],
                search=filters["search"],
                limit=_limit(form, filters),
                with_rows=False,  # the counts alone: the gaps page names nobody
            )
        )
        weakest = team_gaps.competencies[: charts.WEAKEST]
        context |= {
            "gaps": team_gaps,
            "weakest": weakest,
            "competency_chart": charts.bar_chart(weakest),
            "module_chart": charts.bar_chart(team_gaps.modules),
        }
    return render(request, "oversight/gaps.html", context)


@role_required(Role.MANAGER)
def worker(request: HttpRequest, worker_id: int) -> HttpResponse:
    person = selectors.team_worker(request.user, worker_id)
    if person is None:
        raise Http404("No such link worker in your team.")
    curriculum = default_curriculum()
    context = {"worker": person, "curriculum": curriculum}
    if curriculum is not None:
        qualification = selectors.headline_qualification(curriculum.framework)
        context |= {
            "overview": progress_overview(person, curriculum),
            "qualification": qualification,
            "checklist": qualification_checklist(person, qualification) if qualification else None,
            "certificates": [
                certificate
                for certificate in certificates_of(person)
                if qualification and certificate.qualification_id == qualification.pk
            ],
        }
    context["history"] = Paginator(selectors.assessment_log(person), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "oversight/worker.html", context)


@role_required(Role.MANAGER)
def audit(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET, people=people_in_scope(request.user, Action.MANAGE))
    filters = form.filters()
    page_obj = Paginator(selectors.audit_log(request.user, **filters), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "oversight/audit.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page_obj,
            "rows": selectors.audit_rows(page_obj.object_list),
        },
    )
