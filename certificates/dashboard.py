"""The admin dashboard for trainers and reviewers: what to do next, and the way to each tool."""

from dataclasses import dataclass

from django.urls import reverse
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.site_summary import SummaryItem
from wagtail.admin.ui.components import Component
from wagtail.models import TaskState, WorkflowState
from wagtail.permission_policies import ModelPermissionPolicy

from curriculum.admin_views import URL_NAME as FRAMEWORK_IMPORT_URL_NAME
from curriculum.models import Competency, CompetencyFramework, ModulePage
from curriculum.selectors import drafts_of
from workforce.permissions import (
    CURRICULUM_REVIEWERS_GROUP,
    TRAINERS_GROUP,
    is_curriculum_author,
)

from .models import Qualification

_ANY_ADMIN_PERMISSION = ["add", "change", "delete", "view"]


@dataclass(frozen=True)
class _Link:
    label: str
    url: str
    hint: str


def _tools(user) -> list[_Link]:
    """The curriculum tools this person may open, in the order a trainer works."""
    tools = []
    if ModelPermissionPolicy(CompetencyFramework).user_has_any_permission(
        user, _ANY_ADMIN_PERMISSION
    ):
        tools.append(
            _Link(
                "Competency frameworks",
                reverse("wagtailsnippets_curriculum_competencyframework:list"),
                "competencies, rating scale and accepted methods",
            )
        )
    if ModelPermissionPolicy(Qualification).user_has_any_permission(user, _ANY_ADMIN_PERMISSION):
        tools.append(
            _Link(
                "Qualifications",
                reverse("wagtailsnippets_certificates_qualification:list"),
                "what each certificate asks for, and its renewal",
            )
        )
    if ModelPermissionPolicy(CompetencyFramework).user_has_permission(user, "add"):
        tools.append(
            _Link(
                "Import a framework (Moodle CSV)",
                reverse(FRAMEWORK_IMPORT_URL_NAME),
                "checked and previewed before anything is saved",
            )
        )
    return tools


class CurriculumWorkPanel(Component):
    """First on the dashboard: a trainer's drafts and what is in review; a reviewer's queue."""

    name = "curriculum_work"
    template_name = "certificates/admin/curriculum_work_panel.html"
    order = 50

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        user = self.request.user
        finder = AdminURLFinder(user)
        groups = set(user.groups.values_list("name", flat=True))
        drafts = [
            (draft, finder.get_edit_url(draft))
            for draft in drafts_of(user, snippet_models=(Qualification,))
        ]
        return {
            "is_trainer": user.is_superuser or TRAINERS_GROUP in groups or bool(drafts),
            "is_reviewer": user.is_superuser or CURRICULUM_REVIEWERS_GROUP in groups,
            "drafts": drafts,
            "in_review": WorkflowState.objects.filter(
                status=WorkflowState.STATUS_IN_PROGRESS, requested_by=user
            ).count(),
            "to_approve": TaskState.objects.reviewable_by(user).count(),
            "tools": _tools(user),
        }


class _CountSummaryItem(SummaryItem):
    template_name = "certificates/admin/summary_item.html"
    icon = ""
    singular = ""
    plural = ""
    url_name = ""

    def count(self) -> int:
        raise NotImplementedError

    def get_context_data(self, parent_context):
        count = self.count()
        return {
            "icon": self.icon,
            "count": count,
            "label": self.singular if count == 1 else self.plural,
            "url": reverse(self.url_name),
        }

    def is_shown(self):
        return is_curriculum_author(self.request.user)


class ModulesSummaryItem(_CountSummaryItem):
    order = 150
    icon = "doc-full"
    singular, plural = "curriculum module", "curriculum modules"
    url_name = "wagtailadmin_explore_root"

    def count(self) -> int:
        return ModulePage.objects.live().count()


class CompetenciesSummaryItem(_CountSummaryItem):
    order = 160
    icon = "list-ul"
    singular, plural = "competency in live frameworks", "competencies in live frameworks"
    url_name = "wagtailsnippets_curriculum_competencyframework:list"

    def count(self) -> int:
        return Competency.objects.filter(framework__live=True).assessable().count()


class QualificationsSummaryItem(_CountSummaryItem):
    order = 170
    icon = "success"
    singular, plural = "qualification", "qualifications"
    url_name = "wagtailsnippets_certificates_qualification:list"

    def count(self) -> int:
        return Qualification.objects.count()
