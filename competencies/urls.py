from django.urls import path

from . import views

app_name = "competencies"
urlpatterns = [
    path("progress/", views.my_progress, name="my_progress"),
    path("caseload/", views.caseload, name="caseload"),
]
