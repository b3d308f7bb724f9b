"""Project middleware."""

from django.conf import settings
from django.urls import reverse


class WagtailAdminCSPMiddleware:
    """Apply WAGTAILADMIN_SECURE_CSP on the Wagtail admin, whose templates use inline scripts.

    Wagtail 8 writes small inline <script>s (inline panels, date pickers) without a nonce, so the
    site's strict policy would break the editor. The relaxed policy applies to the admin only;
    every public and learner page keeps SECURE_CSP.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        response = self.get_response(request)
        if self.admin_prefix is None:
            self.admin_prefix = reverse("wagtailadmin_home")
        if request.path.startswith(self.admin_prefix) and not hasattr(response, "_csp_config"):
            response._csp_config = settings.WAGTAILADMIN_SECURE_CSP
        return response
