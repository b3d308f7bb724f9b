"""Forms for people: Wagtail admin account forms and the NHS.UK-styled sign-in forms."""

from collections.abc import Callable
from typing import ClassVar, TypeVar

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.users.forms import UserCreationForm, UserEditForm

from .models import GRANTED_ROLES, User
from .refusals import Refusal, refusal_text

T = TypeVar("T")


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


class ServiceForm(NHSFormMixin, forms.Form):
    """An NHS.UK-styled form whose data goes to a service, showing the service's refusals.

    The one way a page turns a service's "no" into form errors: a `ValidationError` goes beside
    the field its `Refusal` code is about (`service_error_fields`), or above the form; a
    `PermissionDenied` goes above the form.
    """

    service_error_fields: ClassVar[dict[Refusal, str]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices that depend on records are set once the fields exist, before anything reads
        # them.
        self.set_choices()

    def set_choices(self) -> None:
        """Give fields their record-dependent choices."""

    def add_service_error(self, error: ValidationError | PermissionDenied) -> None:
        """Show a service's refusal beside the field it is about, or above the form."""
        if isinstance(error, PermissionDenied):
            self.add_error(None, refusal_text(error))
            return
        for item in error.error_list:
            name = self.service_error_fields.get(item.code)
            if name not in self.fields:
                self.add_error(None, item)
                continue
            self.add_error(name, item)
            self.mark_invalid(name)

    def submit(self, save: Callable[[dict], T]) -> T | None:
        """Pass the cleaned data of a valid form to `save` (a service call) and return what it
        returns; if the form is invalid or the service refuses, show why and return None."""
        if not self.is_valid():
            return None
        try:
            return save(self.cleaned_data)
        except (ValidationError, PermissionDenied) as refused:
            self.add_service_error(refused)
            return None


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


class RoleRequestForm(ServiceForm):
    """A manager asks for someone in post to be given a role a second manager must approve."""

    user = forms.ModelChoiceField(
        label="Person",
        queryset=User.objects.none(),
        help_text="Someone in post at the organisation.",
    )
    organisation = forms.ModelChoiceField(label="Organisation", queryset=None)
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Why do they need this role?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The manager who approves it will read this.",
    )

    service_error_fields = {
        Refusal.REASON: "reason",
        Refusal.ROLE_NOT_GRANTABLE: "role",
        Refusal.ALREADY_MEMBER: "user",
        Refusal.GRANT_PERSON: "user",
        Refusal.GRANT_WAITING: "user",
    }

    def __init__(self, *args, people, organisations, **kwargs):
        self.people = people
        self.organisations = organisations
        super().__init__(*args, **kwargs)

    def set_choices(self) -> None:
        self.fields["user"].queryset = self.people
        self.fields["user"].label_from_instance = lambda user: f"{user.full_name} ({user.email})"
        self.fields["organisation"].queryset = self.organisations
        self.fields["role"].choices = [(role.value, role.label) for role in GRANTED_ROLES]


class RoleRefuseForm(ServiceForm):
    """Refuse a role request, saying why."""

    reason = forms.CharField(
        label="Why are you refusing it?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The manager who asked will see this.",
    )

    service_error_fields = {Refusal.REASON: "reason"}
