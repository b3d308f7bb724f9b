"""URLs of the imports and reports pages; the paths are those they had under competencies."""

from django.urls import path, re_path

from . import views

app_name = "imports"
urlpatterns = [
    path("imports/assessments/", views.assessment_import, name="assessment_import"),
    path("imports/assessments/<uuid:pk>/", views.import_detail, name="import_detail"),
    path("imports/assessments/<uuid:pk>/status/", views.import_status, name="import_status"),
    path(
        "imports/assessments/<uuid:pk>/problems.csv",
        views.import_problems,
        name="import_problems",
    ),
    path("imports/assessments/<uuid:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/roster/", views.roster_import, name="roster_import"),
    path("reports/", views.reports, name="reports"),
    re_path(
        r"^reports/assessment-history\.(?P<file_format>csv|xlsx)$",
        views.history_export,
        name="history_export",
    ),
    path(
        "reports/progress/<int:organisation_id>/",
        views.progress_matrix,
        name="progress_matrix",
    ),
    re_path(
        r"^reports/progress/(?P<organisation_id>[0-9]+)\.(?P<file_format>csv|xlsx)$",
        views.progress_matrix_export,
        name="progress_matrix_export",
    ),
]
