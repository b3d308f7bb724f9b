"""Admin for the competency framework and assessment methods, and the curriculum log actions."""

from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import LiveStatusTagColumn, UpdatedAtColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .admin_views import admin_urls, menu_item
from .forms import CompetencyFrameworkForm
from .models import AssessmentMethod, CompetencyFramework


class CompetencyFrameworkViewSet(SnippetViewSet):
    model = CompetencyFramework
    icon = "list-ul"
    menu_label = "Competency frameworks"
    menu_order = 200
    add_to_admin_menu = True
    # The framework-wide rules (codes, tree, scale, nothing in use deleted) live in this form.
    edit_handler = ObjectList(CompetencyFramework.panels, base_form_class=CompetencyFrameworkForm)
    list_display = ["short_name", "id_number", LiveStatusTagColumn(), UpdatedAtColumn()]
    search_fields = ["short_name", "id_number"]
    copy_view_enabled = False


class AssessmentMethodViewSet(SnippetViewSet):
    model = AssessmentMethod
    icon = "tick"
    menu_label = "Assessment methods"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["code", "name"]
    copy_view_enabled = False


register_snippet(CompetencyFrameworkViewSet)
register_snippet(AssessmentMethodViewSet)


@hooks.register("register_log_actions")
def register_curriculum_log_actions(actions):
    actions.register_action(
        "curriculum.framework.import", "Import framework", "Framework imported from Moodle CSV"
    )
    actions.register_action(
        "curriculum.version.record", "Record version", "Curriculum version recorded"
    )


@hooks.register("register_admin_urls")
def register_framework_import_urls():
    return admin_urls()


@hooks.register("register_admin_menu_item")
def register_framework_import_menu_item():
    return menu_item()
