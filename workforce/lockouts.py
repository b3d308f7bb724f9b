"""Wagtail admin: sign-in lockouts in force now, and unlocking one after a confirmation."""

from dataclasses import dataclass

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import urlencode
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .models import User
from .signin import audit

LIST_URL_NAME = "workforce_lockouts"
UNLOCK_URL_NAME = "workforce_lockout_unlock"
ACCOUNT, ADDRESS = "account", "address"


def may_unlock(user: User) -> bool:
    """Administrators, or anyone given axes' "delete access attempt" permission."""
    return user.is_active and (user.is_superuser or user.has_perm("axes.delete_accessattempt"))


@dataclass(frozen=True)
class Lockout:
    kind: str  # ACCOUNT or ADDRESS
    value: str
    failures: int
    last_attempt: object

    @property
    def unlock_url(self) -> str:
        return f"{reverse(UNLOCK_URL_NAME)}?{urlencode({self.kind: self.value})}"


def current_lockouts() -> list[Lockout]:
    """Every account and address locked now: as many failures as the limit, within the cool-off
    time, counted as django-axes counts them (summed over browsers)."""
    recent = AccessAttempt.objects.filter(
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    )
    found = []
    for kind, field in ((ACCOUNT, "username"), (ADDRESS, "ip_address")):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by("-last_attempt")
        )
        found += [Lockout(kind, row[field], row["failures"], row["last_attempt"]) for row in rows]
    return found


class _LockoutsAdminMixin(WagtailAdminTemplateMixin):
    header_icon = "lock"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may_unlock(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class LockoutListView(_LockoutsAdminMixin, TemplateView):
    page_title = "Sign-in lockouts"
    template_name = "workforce/admin/lockouts.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            lockouts=current_lockouts(),
            limit=settings.AXES_FAILURE_LIMIT,
            minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            **kwargs,
        )


class UnlockView(_LockoutsAdminMixin, TemplateView):
    """GET asks "are you sure?"; POST unlocks and records who did it."""

    page_title = "Unlock"
    template_name = "workforce/admin/lockout_unlock.html"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(LIST_URL_NAME), "label": LockoutListView.page_title},
            {"url": "", "label": self.page_title},
        ]

    def target(self) -> tuple[str, str]:
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        for kind in (ACCOUNT, ADDRESS):
            if value := source.get(kind, "").strip():
                return kind, value
        raise Http404("Say which account or address to unlock.")

    def get_context_data(self, **kwargs):
        kind, value = self.target()
        return super().get_context_data(kind=kind, value=value, **kwargs)

    def post(self, request: HttpRequest) -> HttpResponse:
        kind, value = self.target()
        with transaction.atomic():
            if kind == ACCOUNT:
                cleared = reset(username=value)
                account = User.objects.filter(email__iexact=value).first()
            else:
                cleared = reset(ip=value)
                account = None
            audit(
                request,
                "workforce.signin.unlock",
                account,
                actor=request.user,
                kind=kind,
                **({"address": value} if kind == ADDRESS else {}),
                cleared=cleared,
            )
        messages.success(request, f"Unlocked {value}: they can sign in again.")
        return redirect(LIST_URL_NAME)


class LockoutsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_unlock(request.user)


def admin_urls() -> list:
    return [
        path("sign-in-lockouts/", LockoutListView.as_view(), name=LIST_URL_NAME),
        path("sign-in-lockouts/unlock/", UnlockView.as_view(), name=UNLOCK_URL_NAME),
    ]


def menu_item() -> MenuItem:
    return LockoutsMenuItem(
        "Sign-in lockouts", reverse_lazy(LIST_URL_NAME), icon_name="lock", order=900
    )
