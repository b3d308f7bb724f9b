from django.urls import path

from . import views

app_name = "oversight"
urlpatterns = [
    path("team/", views.team, name="team"),
    path("team/matrix/", views.matrix, name="matrix"),
    path("team/gaps/", views.gaps, name="gaps"),
    path("team/workers/<int:worker_id>/", views.worker, name="worker"),
    path("team/audit/", views.audit, name="audit"),
]
