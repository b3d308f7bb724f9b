"""Forms for people: Wagtail admin account forms and the NHS.UK-styled sign-in forms."""

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from wagtail.users.forms import UserCreationForm, UserEditForm

from .models import User


class _FullNameMixin(forms.ModelForm):
    first_name = None
    last_name = None
    full_name = forms.CharField(
        max_length=200,
        label="Full name",
        help_text="Exactly as it should appear on certificates, in any script.",
    )


class AccountCreationForm(_FullNameMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = {"email", "full_name", "is_superuser", "groups"}


class AccountEditForm(_FullNameMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        model = User
        fields = {"email", "full_name", "is_active", "is_superuser", "groups"}


class NHSFormMixin:
    """Gives a form's widgets the NHS.UK frontend classes and links hints and errors to inputs."""

    _WIDGET_CLASSES = {
        forms.Textarea: "nhsuk-textarea",
        forms.Select: "nhsuk-select",
        forms.CheckboxInput: "nhsuk-checkboxes__input",
        forms.FileInput: "nhsuk-file-upload",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = next(
                (
                    c
                    for widget, c in self._WIDGET_CLASSES.items()
                    if isinstance(field.widget, widget)
                ),
                "nhsuk-input",
            )
            field.widget.attrs["class"] = f"{css} {field.widget.attrs.get('class', '')}".strip()
            bound = self[name]
            described_by = []
            if field.help_text:
                described_by.append(f"{bound.id_for_label}-hint")
            if self.is_bound and name in self.errors:
                described_by.append(f"{bound.id_for_label}-error")
                field.widget.attrs["class"] += f" {css}--error"
            if described_by:
                field.widget.attrs["aria-describedby"] = " ".join(described_by)


class SignInForm(NHSFormMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "The email address or password is not right. Check them and try again; passwords "
            "are case-sensitive."
        ),
    }


class PasswordResetRequestForm(NHSFormMixin, PasswordResetForm):
    pass


class NewPasswordForm(NHSFormMixin, SetPasswordForm):
    pass


class ChangePasswordForm(NHSFormMixin, PasswordChangeForm):
    pass
