"""A second factor for everyone who can open the Wagtail admin: TOTP, with recovery codes."""

import base64
from collections.abc import Callable

import django_otp
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import NHSFormMixin
from .models import User
from .qr_codes import qr_svg_data_uri
from .signin import audit

NEEDS_SECOND_FACTOR = "needs_second_factor"  # session key, set at sign-in
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# What a signed-in person who has not yet given their code may still open.
OPEN_BEFORE_SECOND_FACTOR = {
    "logout",
    "wagtailadmin_logout",
    "two_factor_verify",
    "two_factor_set_up",
}


def needs_second_factor(user: User) -> bool:
    """Anyone who can open the Wagtail admin (trainers, reviewers, superusers)."""
    return user.is_authenticated and user.is_active and user.has_perm("wagtailadmin.access_admin")


def has_app(user: User) -> bool:
    """Set up with an authenticator app. Without one (never, or an administrator removed a lost
    phone's), the person sets one up; recovery codes alone do not stand in for it."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@receiver(user_logged_in, dispatch_uid="workforce.two_factor.note_need")
def _note_need_at_sign_in(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    # Checked on every admin request anyway; the flag covers the other pages without asking
    # the database for permissions on each request.
    if request is not None and hasattr(request, "session"):
        request.session[NEEDS_SECOND_FACTOR] = needs_second_factor(user)


class SecondFactorMiddleware:
    """Sends a signed-in admin user who has not given a code this session to give one.

    Every page but sign-out and the second-factor pages themselves, on every route in: our
    sign-in page, Wagtail's /admin/login/ and a session that predates a grant of admin access
    (admin pages check the permission live, not the flag set at sign-in).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_give_code(request):
            return self._send_to_second_factor(request)
        return self.get_response(request)

    @staticmethod
    def _must_give_code(request: HttpRequest) -> bool:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return False
        if request.path_info.startswith(reverse("wagtailadmin_home")):
            needed = needs_second_factor(user)
        else:
            needed = request.session.get(NEEDS_SECOND_FACTOR, False)
        if not needed:
            return False
        try:
            url_name = resolve(request.path_info).url_name
        except Resolver404:
            return True
        return url_name not in OPEN_BEFORE_SECOND_FACTOR

    @staticmethod
    def _send_to_second_factor(request: HttpRequest) -> HttpResponse:
        target = "two_factor_verify" if has_app(request.user) else "two_factor_set_up"
        next_url = request.get_full_path() if request.method == "GET" else reverse("home")
        return redirect(f"{reverse(target)}?{urlencode({'next': next_url})}")


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


class SecurityCodeForm(NHSFormMixin, forms.Form):
    code = forms.CharField(
        label="Security code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )

    def __init__(self, *args, help_text: str, **kwargs):
        self.base_fields["code"].help_text = help_text
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


def _verify(user: User, code: str) -> Device | None:
    """The device that accepts `code`: the app first, then a recovery code (used up)."""
    devices = [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]
    for device in devices:
        # Each device under its own lock, as django-otp advises, so that a code (or a
        # recovery code) is accepted once even if sent twice at the same moment.
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def _throttled(user: User) -> bool:
    return any(
        not device.verify_is_allowed()[0]
        for device in TOTPDevice.objects.filter(user=user, confirmed=True)
    )


CODE_HELP = "The 6-digit code your authenticator app shows now, or one of your recovery codes."
WRONG_CODE = "The code is not right. Enter the code your authenticator app shows now."


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the app, or a recovery code."""
    user = request.user
    if not needs_second_factor(user) or user.is_verified():
        return redirect(_next_url(request))
    if not has_app(user):
        return redirect(f"{reverse('two_factor_set_up')}?{urlencode({'next': _next_url(request)})}")
    form = SecurityCodeForm(request.POST or None, help_text=CODE_HELP)
    if request.method == "POST" and form.is_valid():
        throttled = _throttled(user)
        device = _verify(user, form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            recovery = isinstance(device, StaticDevice)
            audit(request, "workforce.two_factor.verify", user, by_owner=True, recovery=recovery)
            if recovery:
                left = device.token_set.count()
                _recovery_code_used_message(request, left)
            return redirect(_next_url(request))
        audit(request, "workforce.two_factor.failure", user)
        if throttled:
            form.add_error("code", "Too many wrong codes. Wait a minute, then try again.")
        else:
            form.add_error("code", WRONG_CODE)
        form.mark_invalid("code")
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


def _recovery_code_used_message(request: HttpRequest, left: int) -> None:
    messages.warning(
        request,
        f"You used a recovery code; it will not work again. You have {left} left. "
        "Make new ones when you can: in the admin, open Account, then Recovery codes.",
    )


def _secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it by hand: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def new_recovery_codes(user: User) -> list[str]:
    """Replace the person's recovery codes with new ones; the only time they can be read."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@login_required
def set_up(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: QR code and secret, one code to confirm, recovery codes."""
    user = request.user
    if not needs_second_factor(user):
        return redirect(_next_url(request))
    if has_app(user):
        # Enrolled already. Another app is never added here: a stolen password alone must not
        # be enough to enrol the thief's phone.
        if user.is_verified():
            return redirect(_next_url(request))
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': _next_url(request)})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    form = SecurityCodeForm(
        request.POST or None, help_text="The 6-digit code your authenticator app shows now."
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            confirmed = device.verify_token(form.cleaned_data["code"])
            if confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = new_recovery_codes(user)
        if confirmed:
            django_otp.login(request, device)
            audit(request, "workforce.two_factor.set_up", user, by_owner=True)
            return render(
                request,
                "registration/two_factor_recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error("code", WRONG_CODE)
        form.mark_invalid("code")
    return render(
        request,
        "registration/two_factor_set_up.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_code": qr_svg_data_uri(device.config_url),
            "secret": _secret(device),
        },
    )


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes for someone who has given their code this session; shown once."""
    user = request.user
    if not needs_second_factor(user) or not user.is_verified():
        return redirect("two_factor_verify")
    if request.method != "POST":
        return render(request, "registration/two_factor_new_recovery_codes.html")
    codes = new_recovery_codes(user)
    audit(request, "workforce.two_factor.recovery_codes", user, by_owner=True)
    return render(
        request,
        "registration/two_factor_recovery_codes.html",
        {"codes": codes, "next": reverse("home")},
    )
