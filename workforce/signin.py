"""Signing in: lockouts, password-reset throttling, session timeouts and the sign-in audit log."""

import time
from collections.abc import Callable

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.db.models import Model
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import LazyObject
from django.utils.http import urlencode
from wagtail.log_actions import log
from wagtail.models import Site

from . import ratelimit
from .models import User

SIGNED_IN_AT = "signed_in_at"  # session key: when the password was accepted (Unix time)
LAST_SEEN_AT = "last_seen_at"  # session key: the last request's time (Unix time)
# Writing the session on every request would cost a database write per page; a minute of
# slack in a 30-minute idle limit is not worth that.
LAST_SEEN_RESOLUTION = 60
# Wagtail's editor pings every few seconds while a page is open: an open tab is not activity.
BACKGROUND_PATH_PARTS = ("/editing-sessions/",)
PASSWORD_RESET_WINDOW = 60 * 60  # seconds: the limits count requests in the last hour


# --- Lockouts (django-axes) ----------------------------------------------------------------


def attempted_email(request: HttpRequest, credentials: dict | None) -> str | None:
    """The address typed at sign-in, as django-axes counts it: one account whatever the case."""
    value = (credentials or {}).get("username")
    if value is None:
        value = request.POST.get("username")
    return value.strip().lower() if value else None


def client_address(request: HttpRequest) -> str | None:
    """The client's address, found as the rate limits find it (behind RATE_LIMIT_PROXIES);
    None when there is none (the test client's force_login), which the database accepts."""
    return ratelimit.client_address(request) or None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page shown instead of the sign-in form while an account or address is locked."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


# --- Audit log -----------------------------------------------------------------------------


def _account(email: str | None) -> User | None:
    if not email:
        return None
    return User.objects.filter(email__iexact=email.strip()).first()


def _unwrapped(user: User | None) -> User | None:
    """The user itself, not request.user's lazy wrapper, which Wagtail's log does not take."""
    while isinstance(user, LazyObject):
        user.pk  # noqa: B018 - evaluates the lazy object
        user = user._wrapped
    return user


def audit(
    request: HttpRequest | None,
    action: str,
    account: User | None,
    *,
    by_owner: bool = False,
    actor: User | None = None,
    **data,
) -> None:
    """Write a sign-in event to Wagtail's log: on the account, or on the site when the address
    belongs to nobody (the typed address is not kept: people type passwords into it).

    The one acting is `actor` (an administrator unlocking, say), or the account's owner when
    they proved who they are (`by_owner`); a failed attempt may be anyone's.
    """
    account = _unwrapped(account)
    instance: Model | None = account or Site.objects.filter(is_default_site=True).first()
    if instance is None:
        return
    if request is not None:
        data["ip_address"] = client_address(request)
        data["path"] = request.path
    log(instance, action, user=_unwrapped(actor) or (account if by_owner else None), data=data)


@receiver(user_logged_in, dispatch_uid="workforce.signin.audit_sign_in")
def _audit_sign_in(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now
    audit(request, "workforce.signin.success", user, by_owner=True)


@receiver(user_login_failed, dispatch_uid="workforce.signin.audit_failure")
def _audit_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    account = _account(credentials.get("username"))
    audit(request, "workforce.signin.failure", account, known_account=account is not None)


@receiver(user_locked_out, dispatch_uid="workforce.signin.audit_lockout")
def _audit_lockout(sender, request: HttpRequest, username: str | None, **kwargs) -> None:
    account = _account(username)
    audit(request, "workforce.signin.lockout", account, known_account=account is not None)


def audit_password_change(request: HttpRequest, user: User, *, how: str) -> None:
    """Record a password change ("changed" when signed in, "reset" through an emailed link)."""
    audit(request, "workforce.password.change", user, by_owner=True, how=how)


# --- Password pages ------------------------------------------------------------------------


def _over_limit(key: str, limit: int) -> bool:
    """Count one more request under `key` this hour; True once there are more than `limit`."""
    # add() starts the hour's count only if none is running; incr() is atomic in every cache
    # Django ships (and in Redis), so concurrent requests are all counted.
    cache.add(key, 0, PASSWORD_RESET_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # the count expired between add() and incr()
        cache.add(key, 1, PASSWORD_RESET_WINDOW)
        count = 1
    return count > limit


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, limited per address and per email address each hour.

    Over either limit, the same page is shown whether or not the email address has an account,
    and no email is sent.
    """

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        email = (request.POST.get("email") or "").strip().lower()
        by_address = _over_limit(
            f"password-reset:address:{client_address(request)}",
            settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
        )
        # Counted only for a well-formed request, so that a typo does not use up the limit.
        by_email = bool(email) and _over_limit(
            f"password-reset:email:{email}", settings.PASSWORD_RESET_LIMIT_PER_EMAIL
        )
        if by_address or by_email:
            audit(request, "workforce.password.reset_throttled", _account(email))
            return render(
                request,
                "registration/password_reset_throttled.html",
                {"minutes": PASSWORD_RESET_WINDOW // 60},
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # The link names the site from settings: a forged Host header must not send someone's
        # reset token to another site.
        self.extra_email_context = {"site_url": settings.SITE_BASE_URL}
        return super().form_valid(form)


class AuditedPasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        audit_password_change(self.request, form.user, how="changed")
        return response


class AuditedPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        audit_password_change(self.request, form.user, how="reset")
        return response


# --- Session timeouts ----------------------------------------------------------------------


class SessionTimeoutMiddleware:
    """Signs a person out 12 hours after they signed in, or after 30 minutes without a request.

    SESSION_COOKIE_AGE alone cannot do either: Django pushes a session's expiry forward
    whenever the session is saved, which this middleware does to track activity.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            ended = self._ended(request)
            if ended is not None:
                return self._sign_out(request, ended)
        return self.get_response(request)

    @staticmethod
    def _ended(request: HttpRequest) -> str | None:
        """Why the session has ended ("idle" or "expired"), or None; notes activity if not."""
        session = request.session
        now = int(time.time())
        signed_in_at = session.setdefault(SIGNED_IN_AT, now)
        last_seen_at = session.setdefault(LAST_SEEN_AT, now)
        if now - signed_in_at >= settings.SESSION_COOKIE_AGE:
            return "expired"
        if now - last_seen_at >= settings.SESSION_IDLE_TIMEOUT:
            return "idle"
        background = any(part in request.path for part in BACKGROUND_PATH_PARTS)
        if not background and now - last_seen_at >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN_AT] = now
        return None

    @staticmethod
    def _sign_out(request: HttpRequest, why: str) -> HttpResponse:
        logout(request)
        if why == "idle":
            minutes = settings.SESSION_IDLE_TIMEOUT // 60
            text = f"You were signed out after {minutes} minutes without activity."
        else:
            hours = settings.SESSION_COOKIE_AGE / 3600
            text = f"You were signed out {hours:g} hours after signing in."
        messages.info(request, f"{text} Sign in again to carry on.")
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return redirect(f"{reverse('login')}{'?' + query if query else ''}")
