"""Nothing turns off auto-escaping except the few places listed here, each with its reason."""

import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
APPS = ("certificates", "competencies", "config", "curriculum", "imports", "oversight", "workforce")

# What switches Django's auto-escaping off, in templates and in Python.
TEMPLATE_ESCAPES = re.compile(r"\|\s*safe(seq)?\b|{%\s*autoescape\s+off\s*%}")
PYTHON_ESCAPES = re.compile(r"\bmark_safe\s*\(|\bSafeString\s*\(|\bSafeText\s*\(")

# (file relative to the project, how many times) -> why it is safe there.
ALLOWED = {
    ("templates/registration/password_reset_email.html", 1): (
        "a plain-text email: HTML escaping would print &amp; into the reset link and the name"
    ),
    ("oversight/templatetags/oversight_matrix.py", 3): (
        "two constant pieces of markup written in the source (the tick and the not-met dash),"
        " and a row's cells joined: every value in a matrix cell goes through format_html"
    ),
}


def _escapes() -> dict[str, int]:
    found: dict[str, int] = {}
    templates = (PROJECT_ROOT / "templates").rglob("*.html")
    app_templates = (
        path for app in APPS for path in (PROJECT_ROOT / app).rglob("templates/**/*.html")
    )
    for path in [*templates, *app_templates]:
        if count := len(TEMPLATE_ESCAPES.findall(path.read_text())):
            found[str(path.relative_to(PROJECT_ROOT))] = count
    for app in APPS:
        for path in (PROJECT_ROOT / app).rglob("*.py"):
            if count := len(PYTHON_ESCAPES.findall(path.read_text())):
                found[str(path.relative_to(PROJECT_ROOT))] = count
    return found


def test_auto_escaping_is_off_only_where_listed():
    found = _escapes()

    assert {(path, count) for path, count in found.items()} == set(ALLOWED), (
        f"Escaping turned off outside the list (or a listed use removed: update ALLOWED): {found}"
    )


def test_the_lint_sees_every_form_of_unescaping():
    """A test of the test: each way of switching escaping off is caught."""
    samples = [
        "{{ value|safe }}",
        "{{ values|safeseq|join:', ' }}",
        "{{ value | safe }}",
        "{% autoescape off %}{{ value }}{% endautoescape %}",
    ]
    for sample in samples:
        assert TEMPLATE_ESCAPES.search(sample), sample
    for sample in ["mark_safe(value)", "SafeString(value)", "html = mark_safe (value)"]:
        assert PYTHON_ESCAPES.search(sample), sample
    for harmless in ["{{ value|safe_name }}", "{{ unsafe }}", "format_html('{}', value)"]:
        assert not TEMPLATE_ESCAPES.search(harmless)
        assert not PYTHON_ESCAPES.search(harmless)
