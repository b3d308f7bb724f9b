from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class WorkforceConfig(AppConfig):
    # One of several AppConfig classes in this module, so Django must be told which is ours.
    default = True
    name = "workforce"
    verbose_name = "Workforce"

    def ready(self) -> None:
        # Connects the sign-in audit and second-factor receivers.
        from . import signin, two_factor  # noqa: F401


class UsersAdminConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with our single full-name field instead of first and last names."""

    user_viewset = "workforce.viewsets.UserViewSet"
