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

    # Most specific first: CheckboxSelectMultiple is a RadioSelect, which is a ChoiceWidget.
    _WIDGET_CLASSES = (
        (forms.CheckboxSelectMultiple, "nhsuk-checkboxes__input"),
        (forms.RadioSelect, "nhsuk-radios__input"),
        (forms.CheckboxInput, "nhsuk-checkboxes__input"),
        (forms.Textarea, "nhsuk-textarea"),
        (forms.Select, "nhsuk-select"),
        (forms.FileInput, "nhsuk-file-upload"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = next(
                (c for widget, c in self._WIDGET_CLASSES if isinstance(field.widget, widget)),
                "nhsuk-input",
            )
            field.widget.attrs["class"] = f"{css} {field.widget.attrs.get('class', '')}".strip()
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self[name].id_for_label}-hint"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.mark_invalid(name)

    def mark_invalid(self, name: str) -> None:
        """Style a field as invalid and point screen readers at its error message."""
        attrs = self.fields[name].widget.attrs
        css = attrs.get("class", "").split()
        # Text inputs, selects and textareas have an --error style; radios and checkboxes don't.
        if css and not css[0].endswith("__input") and f"{css[0]}--error" not in css:
            attrs["class"] = " ".join([*css, f"{css[0]}--error"])
        error_id = f"{self[name].id_for_label}-error"
        described_by = attrs.get("aria-describedby", "").split()
        if error_id not in described_by:
            attrs["aria-describedby"] = " ".join([*described_by, error_id])


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
