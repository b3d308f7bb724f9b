from django.urls import path

from . import views

app_name = "workforce"
urlpatterns = [
    path("team/", views.team, name="team"),
    path("welcome/", views.no_role, name="no_role"),
]
