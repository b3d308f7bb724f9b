"""Admin for qualifications, and the dashboard that trainers and curriculum reviewers see."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from workforce.permissions import is_curriculum_author

from .dashboard import (
    CompetenciesSummaryItem,
    CurriculumWorkPanel,
    ModulesSummaryItem,
    QualificationsSummaryItem,
)
from .models import Qualification


class QualificationViewSet(SnippetViewSet):
    model = Qualification
    icon = "success"
    menu_label = "Qualifications"
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["title", "code", "framework"]
    search_fields = ["title", "code"]
    copy_view_enabled = False


register_snippet(QualificationViewSet)


@hooks.register("register_log_actions")
def register_certificates_log_actions(actions):
    for action, label, message in (
        ("certificates.qualification.create", "Create qualification", "Qualification created"),
        ("certificates.certificate.issue", "Issue certificate", "Certificate issued"),
        ("certificates.certificate.revoke", "Revoke certificate", "Certificate revoked"),
        ("certificates.certificate.renew", "Renew certificate", "Certificate renewed"),
        ("certificates.certificate.remind", "Send reminder", "Certificate reminder sent"),
        ("certificates.bulk_issue.request", "Request bulk issue", "Bulk issue requested"),
    ):
        actions.register_action(action, label, message)


@hooks.register("construct_homepage_panels")
def add_curriculum_work_panel(request, panels):
    if is_curriculum_author(request.user):
        panels.append(CurriculumWorkPanel(request))


@hooks.register("construct_homepage_summary_items")
def add_curriculum_summary_items(request, summary_items):
    summary_items.extend(
        item(request)
        for item in (ModulesSummaryItem, CompetenciesSummaryItem, QualificationsSummaryItem)
    )
