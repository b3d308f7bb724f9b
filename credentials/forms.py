from django import forms
from django.conf import settings

from workforce.forms import NHSFormMixin

from .verification import NotACredential, parse


def too_large_message() -> str:
    limit = settings.CREDENTIAL_CHECK_MAX_BYTES // 1024
    return f"The credential is larger than {limit} KB, so it cannot be one of ours."


class CredentialCheckForm(NHSFormMixin, forms.Form):
    """A credential pasted as text, or uploaded as a file: one of the two."""

    text = forms.CharField(
        label="Paste the credential",
        help_text="The whole JSON text, from its first { to its last }.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    file = forms.FileField(
        label="Or upload the credential file",
        help_text="A .json file, for example one downloaded from this site. It is checked and "
        "not kept.",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > settings.CREDENTIAL_CHECK_MAX_BYTES:
            raise forms.ValidationError(too_large_message())
        return upload

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("text", "").strip(), cleaned.get("file")
        if self.errors:
            return cleaned
        if text and upload:
            raise forms.ValidationError("Paste the credential or upload it, not both.")
        if upload:
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.add_error("file", "This file is not text, so it cannot be a credential.")
                return cleaned
        elif not text:
            self.add_error("text", "Paste a credential or choose a file to check.")
            return cleaned
        if len(text.encode("utf-8")) > settings.CREDENTIAL_CHECK_MAX_BYTES:
            self.add_error("file" if upload else "text", too_large_message())
            return cleaned
        try:
            cleaned["document"] = parse(text)
        except NotACredential as error:
            self.add_error("file" if upload else "text", str(error))
        return cleaned
