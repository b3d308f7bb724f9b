"""Admin for qualifications, and the dashboard that trainers and curriculum reviewers see."""

from django import forms
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import LiveStatusTagColumn, UpdatedAtColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from workforce.permissions import is_curriculum_author
from workforce.viewsets import InUseSnippetDeleteView

from .dashboard import (
    CompetenciesSummaryItem,
    CurriculumWorkPanel,
    ModulesSummaryItem,
    QualificationsSummaryItem,
)
from .models import Qualification


class QualificationViewSet(SnippetViewSet):
    """Rules change as drafts: a trainer's edit applies to nobody until a curriculum reviewer
    approves it in the "Curriculum review" workflow and it is published."""

    model = Qualification
    delete_view_class = InUseSnippetDeleteView
    icon = "success"
    menu_label = "Qualifications"
    menu_order = 220
    add_to_admin_menu = True
    panels = [
        MultiFieldPanel(
            [FieldPanel("title"), FieldPanel("code"), FieldPanel("framework")],
            heading="Qualification",
        ),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("all_core_at_level"),
                FieldPanel("min_direct_observations"),
                FieldPanel("observation_method"),
                FieldPanel("observation_competencies", widget=forms.CheckboxSelectMultiple),
                FieldPanel("required_method"),
            ],
            heading="Competence",
        ),
        InlinePanel(
            "requirements",
            heading="Further competencies",
            label="Competency",
            panels=[FieldPanel("competency"), FieldPanel("min_level")],
        ),
        MultiFieldPanel(
            [
                FieldPanel("min_supervision_sessions_12_months"),
                FieldPanel("min_cpd_points_year"),
                FieldPanel("min_cpd_formal_hours_year"),
            ],
            heading="Supervision and CPD",
        ),
        MultiFieldPanel(
            [
                FieldPanel("validity_months"),
                FieldPanel("renewal_window_days"),
                FieldPanel("issuer_name"),
                FieldPanel("signatory"),
            ],
            heading="Certificate",
        ),
        MultiFieldPanel(
            [FieldPanel("renewal_reflective_accounts")],
            heading="Renewal",
            help_text=(
                "To renew, the holder also meets the supervision and CPD rules above and the "
                "renewal assessments below, each made since the certificate was issued."
            ),
        ),
        InlinePanel(
            "renewal_requirements",
            heading="Renewal assessments",
            label="Renewal assessment",
            panels=[
                FieldPanel("method"),
                FieldPanel("competency_codes"),
                FieldPanel("description"),
            ],
        ),
    ]
    list_display = ["title", "code", "framework", LiveStatusTagColumn(), UpdatedAtColumn()]
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
        ("certificates.certificate.download", "Download certificate", "Certificate downloaded"),
        ("certificates.award.sign_off", "Sign off award", "Award signed off"),
        ("certificates.award.countersign", "Countersign award", "Award countersigned"),
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
