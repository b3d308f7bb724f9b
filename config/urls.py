"""URL map: accounts, role pages, the Wagtail admin and, last, the public Wagtail site."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from curriculum import views as curriculum_views
from workforce import signin, two_factor
from workforce import views as workforce_views
from workforce.forms import (
    ChangePasswordForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    SignInForm,
)

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        signin.AuditedPasswordChangeView.as_view(form_class=ChangePasswordForm),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        signin.ThrottledPasswordResetView.as_view(form_class=PasswordResetRequestForm),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        signin.AuditedPasswordResetConfirmView.as_view(form_class=NewPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The second factor, asked of everyone who can open the admin (workforce/two_factor.py).
    path("accounts/two-factor/", two_factor.verify, name="two_factor_verify"),
    path("accounts/two-factor/set-up/", two_factor.set_up, name="two_factor_set_up"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("home/", workforce_views.home, name="home"),
    path("search/", curriculum_views.search, name="curriculum_search"),
    path("", include("workforce.urls")),
    path("", include("oversight.urls")),
    path("", include("certificates.urls")),
    path("", include("credentials.urls")),
    path("", include("competencies.urls")),
    path("", include("imports.urls")),
    path("", include("quality.urls")),
    path("", include("sharing.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
