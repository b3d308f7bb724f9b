"""Certificate PDFs: rendered once at issue with WeasyPrint as PDF/A-3b, with an inline QR code."""

import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass

import segno
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher

# The fonts are named one by one so that each script finds a face that has its letters, and the
# Arabic-script face is Naskh: Nastaliq loses letters in the PDF's text layer.
FONT_STACK = (
    '"Noto Sans", "Noto Naskh Arabic", "Noto Sans CJK SC", "Noto Sans Bengali", '
    '"Noto Sans Gurmukhi", "Noto Sans Devanagari", "Noto Sans Hebrew", sans-serif'
)


class MissingGlyphError(Exception):
    """A character of the certificate has no glyph in the installed fonts."""


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    sha256: str


def qr_svg(url: str) -> str:
    """The verification URL as an inline SVG QR code (medium error correction survives a crease)."""
    return segno.make(url, error="m", micro=False).svg_inline(scale=4, border=2, omitsize=True)


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
        ).write_pdf(pdf_variant="pdf/a-3b", custom_metadata=True)
    if watch.missing:
        raise MissingGlyphError("; ".join(watch.missing))
    return RenderedPDF(content=content, sha256=hashlib.sha256(content).hexdigest())
