from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = "Workforce"


class UsersAdminConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with our single full-name field instead of first and last names."""

    user_viewset = "workforce.viewsets.UserViewSet"
