"""Certificate PDFs: rendered once at issue with WeasyPrint as tagged PDF/A-3a, with an inline
QR code.

PDF/A-3a is PDF/A-3b (archival: fonts embedded, colours defined, nothing fetched) plus the
accessibility level "a": a structure tree that screen readers follow (headings, the table's
header cells, lists, reading order) and alternative text for the QR code. WeasyPrint builds the
tree from the template's HTML elements (`pdf_tags`, which the "pdf/a-3a" variant turns on).
"""

import hashlib
import logging
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass

import segno
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher

# The fonts are named one by one so that each script finds a face that has its letters, and the
# Arabic-script face is Naskh: Nastaliq loses letters in the PDF's text layer. Each maps to the
# Debian package that installs it (`make runtime-deps` installs them all).
CERTIFICATE_FONTS: dict[str, str] = {
    "Noto Sans": "fonts-noto-core",
    "Noto Naskh Arabic": "fonts-noto-core",
    "Noto Sans CJK SC": "fonts-noto-cjk",
    "Noto Sans Bengali": "fonts-noto-core",
    "Noto Sans Gurmukhi": "fonts-noto-core",
    "Noto Sans Devanagari": "fonts-noto-core",
    "Noto Sans Hebrew": "fonts-noto-core",
}
FONT_STACK = ", ".join(f'"{family}"' for family in CERTIFICATE_FONTS) + ", sans-serif"

# Fonts found installed, kept for the life of the process (fonts are not removed under a running
# app); a font not found is looked for again next time, so installing it needs no restart.
_fonts_found: set[str] = set()


class MissingGlyphError(Exception):
    """A character of the certificate has no glyph in the installed fonts."""


class MissingFontsError(Exception):
    """Fonts the certificate names are not installed; the message says which package to install."""


def _installed_font_families() -> set[str]:
    """Every family name fontconfig knows (a face can carry several, comma-separated)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise MissingFontsError(
            "fontconfig is not installed, so the certificate fonts cannot be found: install the "
            "Debian package fontconfig (or run `make runtime-deps`)."
        )
    listed = subprocess.run(  # noqa: S603 - a fixed command from PATH, no input of anyone's
        [fc_list, "--format=%{family}\\n"], capture_output=True, text=True, check=True
    ).stdout
    return {family.strip() for line in listed.splitlines() for family in line.split(",")}


def check_fonts_installed() -> None:
    """Refuse, naming the Debian packages to install, when a certificate font is missing."""
    if _fonts_found.issuperset(CERTIFICATE_FONTS):
        return
    installed = _installed_font_families()
    _fonts_found.update(installed.intersection(CERTIFICATE_FONTS))
    missing = [family for family in CERTIFICATE_FONTS if family not in installed]
    if missing:
        packages = sorted({CERTIFICATE_FONTS[family] for family in missing})
        raise MissingFontsError(
            f"The fonts certificates print with are not installed ({', '.join(missing)}), so no "
            f"certificate can be issued. Install the Debian package"
            f"{'s' if len(packages) > 1 else ''} {' '.join(packages)} "
            f"(e.g. `sudo apt-get install {' '.join(packages)}`, or `make runtime-deps`)."
        )


# Tagged PDF/A: the "a" conformance level of PDF/A-3 (see the module's docstring).
PDF_VARIANT = "pdf/a-3a"


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    sha256: str


def qr_svg(url: str) -> str:
    """The verification URL as an inline SVG QR code (medium error correction survives a crease),
    titled with what it holds: the tagged PDF gives the title to screen readers as its
    alternative text."""
    return segno.make(url, error="m", micro=False).svg_inline(
        scale=4,
        border=2,
        omitsize=True,
        title=f"QR code of this certificate's verification page: {url}",
    )


class _GlyphWatch(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.missing: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if ".notdef glyph rendered" in message:
            self.missing.append(message)


@contextmanager
def _watching_glyphs():
    watch = _GlyphWatch()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(watch)
    try:
        yield watch
    finally:
        logger.removeHandler(watch)


def render_certificate(context: dict) -> RenderedPDF:
    """Render the certificate template with `context`; refuse when a glyph would be missing.

    `pdftotext` cannot see a missing glyph (the box still carries the letter in the text layer),
    so WeasyPrint's own warning is what proves every letter of a name is printed.
    """
    html = render_to_string(
        "certificates/certificate_pdf.html",
        {
            **context,
            "font_stack": mark_safe(FONT_STACK),  # noqa: S308 - our constant, not input
            "qr_code": mark_safe(qr_svg(context["verification_url"])),  # noqa: S308 - segno's SVG
        },
    )
    with _watching_glyphs() as watch:
        content = HTML(
            # Everything the certificate shows is inline: it fetches no URL of any scheme.
            string=html,
            url_fetcher=URLFetcher(allowed_protocols=()),
        ).write_pdf(pdf_variant=PDF_VARIANT, custom_metadata=True)
    if watch.missing:
        raise MissingGlyphError("; ".join(watch.missing))
    return RenderedPDF(content=content, sha256=hashlib.sha256(content).hexdigest())
