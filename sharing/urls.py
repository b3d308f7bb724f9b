from django.urls import path, re_path

from . import views

# A token is a 22-character key, a dot and its 43-character signature; anything else is not a
# token (404, no query), and a wrong signature answers the same 404.
SHARE_ADDRESS = r"(?P<token>[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})"

app_name = "sharing"
urlpatterns = [
    path("progress/sharing/", views.links, name="links"),
    path("progress/sharing/new/", views.create, name="create"),
    path("progress/sharing/<int:pk>/", views.detail, name="detail"),
    path("progress/sharing/<int:pk>/revoke/", views.revoke, name="revoke"),
    re_path(rf"^shared/{SHARE_ADDRESS}/$", views.shared, name="shared"),
]
