"""The site's URLs with the baseline views in front of them (benchmark only)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/bare/", views.bare, name="bench_bare"),
    path("", include("config.urls")),
]
