from django.urls import path

from . import views

app_name = "workforce"
urlpatterns = [
    path("welcome/", views.no_role, name="no_role"),
]
