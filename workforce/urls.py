from django.urls import path

from . import views

app_name = "workforce"
urlpatterns = [
    path("welcome/", views.no_role, name="no_role"),
    path("team/roles/", views.role_grants, name="role_grants"),
    path("team/roles/<int:pk>/", views.role_grant_decide, name="role_grant_decide"),
]
