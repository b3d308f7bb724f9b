"""Admin for the competency framework and assessment methods, and the curriculum log actions."""

from django import forms
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import LiveStatusTagColumn, UpdatedAtColumn
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from workforce.viewsets import InUseSnippetDeleteView

from .admin_views import admin_urls, export_url, menu_item
from .forms import CompetencyFrameworkForm
from .models import AssessmentMethod, CompetencyFramework, NationalReference


class CompetencyFrameworkIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            MenuItem(
                "Export (Moodle CSV and rules file)",
                url=export_url(instance),
                icon_name="download",
                priority=40,
            ),
        ]


class CompetencyFrameworkViewSet(SnippetViewSet):
    model = CompetencyFramework
    index_view_class = CompetencyFrameworkIndexView
    delete_view_class = InUseSnippetDeleteView
    icon = "list-ul"
    menu_label = "Competency frameworks"
    menu_order = 200
    add_to_admin_menu = True
    # The framework-wide rules (codes, tree, scale, nothing in use deleted) live in this form.
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("id_number"), FieldPanel("short_name"), FieldPanel("taxonomies")],
                heading="Framework",
            ),
            FieldPanel("description"),
            InlinePanel(
                "scale_levels",
                heading="Rating scale",
                label="Level",
                min_num=1,
                panels=[
                    FieldPanel("value"),
                    FieldPanel("name"),
                    FieldPanel("description"),
                    FieldPanel("is_proficient"),
                    FieldPanel("is_default"),
                ],
            ),
            InlinePanel(
                "method_caps",
                heading="Method caps",
                label="Method cap",
                help_text="The highest level a method can show on its own, e.g. e-learning 1, "
                "a knowledge test 2: level 3 and above need evidence from practice.",
                panels=[FieldPanel("method"), FieldPanel("max_level")],
            ),
            InlinePanel(
                "competencies",
                heading="Domains and competencies",
                label="Competency",
                panels=[
                    FieldPanel("id_number"),
                    FieldPanel("parent_id_number"),
                    FieldPanel("short_name"),
                    FieldPanel("description"),
                    FieldPanel("assessment_criteria"),
                    FieldPanel("required_methods", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("accepted_methods", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("refresh_months"),
                    FieldPanel("refresh_method"),
                    FieldPanel("advanced_descriptor"),
                    FieldPanel("senior_route"),
                    FieldPanel("national_references", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("is_core"),
                    FieldPanel("needed_before_unsupervised_work"),
                    FieldPanel("is_retired"),
                    FieldPanel("cross_references"),
                ],
            ),
        ],
        base_form_class=CompetencyFrameworkForm,
    )
    list_display = ["short_name", "id_number", LiveStatusTagColumn(), UpdatedAtColumn()]
    search_fields = ["short_name", "id_number"]
    copy_view_enabled = False


class AssessmentMethodViewSet(SnippetViewSet):
    """Like the framework, a method changes through drafts and the "Curriculum review" workflow."""

    model = AssessmentMethod
    delete_view_class = InUseSnippetDeleteView
    icon = "tick"
    menu_label = "Assessment methods"
    menu_order = 210
    add_to_admin_menu = True
    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("description")]
    list_display = ["code", "name", LiveStatusTagColumn(), UpdatedAtColumn()]
    copy_view_enabled = False


class NationalReferenceViewSet(SnippetViewSet):
    """The crosswalk's references, kept by trainers and published by reviewers like methods."""

    model = NationalReference
    delete_view_class = InUseSnippetDeleteView
    icon = "link"
    menu_label = "National framework references"
    menu_order = 220
    add_to_admin_menu = True
    panels = [FieldPanel("framework"), FieldPanel("code"), FieldPanel("title")]
    list_display = ["framework", "code", "title", LiveStatusTagColumn(), UpdatedAtColumn()]
    list_filter = ["framework"]
    search_fields = ["code", "title"]
    copy_view_enabled = False


register_snippet(CompetencyFrameworkViewSet)
register_snippet(AssessmentMethodViewSet)
register_snippet(NationalReferenceViewSet)


@hooks.register("register_log_actions")
def register_curriculum_log_actions(actions):
    actions.register_action(
        "curriculum.framework.import", "Import framework", "Framework imported from Moodle CSV"
    )
    actions.register_action(
        "curriculum.version.record", "Record version", "Curriculum version recorded"
    )
    actions.register_action(
        "curriculum.method.ensure", "Save assessment method", "Assessment method saved"
    )
    actions.register_action(
        "curriculum.reference.ensure", "Save national reference", "National reference saved"
    )

    @actions.register_action("curriculum.edition.publish")
    class EditionPublished(LogFormatter):
        label = "Publish edition"

        def format_message(self, log_entry):
            data = log_entry.data
            changes = "; ".join(data.get("changes", [])) or "first published"
            return f"Edition {data['edition']} ({data['version_label']}) published: {changes}"


@hooks.register("register_admin_urls")
def register_framework_import_urls():
    return admin_urls()


@hooks.register("register_admin_menu_item")
def register_framework_import_menu_item():
    return menu_item()
