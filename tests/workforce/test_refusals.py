"""One way to refuse: services raise PermissionDenied or a coded ValidationError, and one form
helper shows either kind to the person who asked."""

import ast
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from workforce.forms import ServiceForm
from workforce.refusals import Refusal, refusal_text, refuse

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "certificates",
    "competencies",
    "curriculum",
    "imports",
    "oversight",
    "quality",
    "workforce",
)


class _ReasonForm(ServiceForm):
    reason = forms.CharField()
    service_error_fields = {Refusal.REASON: "reason"}


def _form() -> _ReasonForm:
    form = _ReasonForm({"reason": "Left the organisation"})
    assert form.is_valid()
    return form


def test_a_coded_refusal_is_shown_beside_its_field():
    form = _form()

    form.add_service_error(refuse(Refusal.REASON, "Give the reason."))

    assert form.errors == {"reason": ["Give the reason."]}
    assert "reason-error" in form.fields["reason"].widget.attrs["aria-describedby"]


def test_a_refusal_about_no_field_goes_above_the_form():
    form = _form()

    form.add_service_error(refuse(Refusal.ALREADY_REVOKED, "Already revoked."))

    assert form.non_field_errors() == ["Already revoked."]
    assert "reason" not in form.errors


def test_a_permission_failure_goes_above_the_form():
    form = _form()

    form.add_service_error(PermissionDenied("You may not revoke this certificate."))

    assert form.non_field_errors() == ["You may not revoke this certificate."]


def test_submit_returns_what_the_service_returns_or_none_with_the_refusal_shown():
    assert _form().submit(lambda data: data["reason"].upper()) == "LEFT THE ORGANISATION"

    def refusing(data):
        raise refuse(Refusal.REASON, "Say more.")

    refused = _form()
    assert refused.submit(refusing) is None
    assert refused.errors == {"reason": ["Say more."]}


def test_submit_does_not_call_the_service_for_an_invalid_form():
    called = []
    form = _ReasonForm({"reason": ""})

    assert form.submit(called.append) is None
    assert called == []
    assert "reason" in form.errors


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (ValidationError(["One.", "Two."]), "One. Two."),
        (PermissionDenied("Not yours."), "Not yours."),
        (PermissionDenied(), "You may not do that."),
    ],
)
def test_refusal_text(error, text):
    assert refusal_text(error) == text


def _calls(path: Path, name: str):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            function = node.func
            # `refuse(...)` or `exceptions.ValidationError(...)`; not `checked.refuse(...)`, an
            # importer's method that records a row's problem.
            if getattr(function, "id", None) == name or (
                name == "ValidationError" and getattr(function, "attr", None) == name
            ):
                yield node


def test_every_service_refusal_is_coded_from_the_one_enum():
    """No service invents a code of its own: `refuse()` takes a `Refusal`, and a ValidationError
    built directly names its code from `Refusal` too."""
    loose = []
    paths = sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if path != ROOT / "workforce" / "refusals.py"  # where `refuse()` itself builds one
    )
    assert len(paths) > 50  # the walk found the apps
    for path in paths:
        for call in _calls(path, "refuse"):
            code = call.args[0] if call.args else None
            if not (isinstance(code, ast.Attribute) and getattr(code.value, "id", "") == "Refusal"):
                loose.append(f"{path.relative_to(ROOT)}:{call.lineno}")
        for call in _calls(path, "ValidationError"):
            for keyword in call.keywords:
                if keyword.arg == "code" and not (
                    isinstance(keyword.value, ast.Attribute)
                    and getattr(keyword.value.value, "id", "") == "Refusal"
                ):
                    loose.append(f"{path.relative_to(ROOT)}:{call.lineno}")

    assert loose == []
