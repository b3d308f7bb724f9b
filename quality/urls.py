from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("quality/", views.sampling, name="sampling"),
    path("quality/assessments/<int:pk>/", views.sample, name="sample"),
    path("quality/evidence/<int:pk>/file/", views.evidence_file, name="evidence_file"),
    path("caseload/on-hold/", views.holds, name="holds"),
    path("team/quality/", views.coverage, name="coverage"),
]
