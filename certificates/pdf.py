"""Certificate PDFs: rendered once at issue with WeasyPrint as tagged PDF/A-3a, with an inline
QR code.

PDF/A-3a is PDF/A-3b (archival: fonts embedded, colours defined, nothing fetched) plus the
accessibility level "a": a structure tree that screen readers follow (headings, lists, reading
order) and alternative text for the QR code. WeasyPrint builds the tree from the template's HTML
elements (`pdf_tags`, which the "pdf/a-3a" variant turns on).

Rendering is kept within a few times WeasyPrint's own floor (a minimal page) by doing once per
process what does not change between certificates (fontconfig's set-up, the URL fetcher, the
parsed stylesheet), by naming only the fonts the certificate's text needs, by a template of
few, simple boxes (see certificate_pdf.css), and by compressing each stream once
(`_compress_streams_once`).
"""

import bisect
import hashlib
import logging
import shutil
import subprocess
import threading
import zlib
from contextlib import contextmanager
from dataclasses import dataclass

import pydyf
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from workforce.qr_codes import qr_png_data_uri

# The fonts are named one by one so that each script finds a face that has its letters, and the
# Arabic-script face is Naskh: Nastaliq loses letters in the PDF's text layer. Each maps to the
# Debian package that installs it (`make runtime-deps` installs them all). The order is the order
# of preference for a letter several of them have: Latin, Greek and Cyrillic come from Noto Sans.
CERTIFICATE_FONTS: dict[str, str] = {
    "Noto Sans": "fonts-noto-core",
    "Noto Naskh Arabic": "fonts-noto-core",
    "Noto Sans CJK SC": "fonts-noto-cjk",
    "Noto Sans Bengali": "fonts-noto-core",
    "Noto Sans Gurmukhi": "fonts-noto-core",
    "Noto Sans Devanagari": "fonts-noto-core",
    "Noto Sans Hebrew": "fonts-noto-core",
}

# Tagged PDF/A: the "a" conformance level of PDF/A-3 (see the module's docstring).
PDF_VARIANT = "pdf/a-3a"

TEMPLATE = "certificates/certificate_pdf.html"
STYLESHEET = "certificates/certificate_pdf.css"

# Each certificate font's letters (fontconfig's charset, as sorted inclusive ranges), kept for
# the life of the process once every font is found (fonts are not removed under a running app);
# while one is missing they are looked for again each time, so installing it needs no restart.
_coverage: dict[str, list[tuple[int, int]]] = {}
_coverage_lock = threading.Lock()


class MissingGlyphError(Exception):
    """A character of the certificate has no glyph in the installed fonts."""


class MissingFontsError(Exception):
    """Fonts the certificate names are not installed; the message says which package to install."""


def _parse_charset(charset: str) -> list[tuple[int, int]]:
    """fontconfig's charset ("20-7e a0 ...", hexadecimal) as (first, last) code points."""
    ranges = []
    for part in charset.split():
        first, _, last = part.partition("-")
        ranges.append((int(first, 16), int(last or first, 16)))
    return ranges


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _installed_font_coverage() -> dict[str, list[tuple[int, int]]]:
    """Each certificate font fontconfig knows, with the letters its faces have between them (a
    face can carry several family names, comma-separated)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise MissingFontsError(
            "fontconfig is not installed, so the certificate fonts cannot be found: install the "
            "Debian package fontconfig (or run `make runtime-deps`)."
        )
    listed = subprocess.run(  # noqa: S603 - a fixed command from PATH, no input of anyone's
        [fc_list, "--format=%{family}\\t%{charset}\\n"], capture_output=True, text=True, check=True
    ).stdout
    found: dict[str, list[tuple[int, int]]] = {}
    for line in listed.splitlines():
        families, _, charset = line.partition("\t")
        for family in {name.strip() for name in families.split(",")}:
            if family in CERTIFICATE_FONTS:
                found.setdefault(family, []).extend(_parse_charset(charset))
    return {family: _merge(ranges) for family, ranges in found.items()}


def _font_coverage() -> dict[str, list[tuple[int, int]]]:
    """The certificate fonts' letters; refuses, naming the Debian packages to install, when a
    certificate font is missing."""
    with _coverage_lock:
        if _coverage.keys() >= CERTIFICATE_FONTS.keys():
            return _coverage
        installed = _installed_font_coverage()
        missing = [family for family in CERTIFICATE_FONTS if family not in installed]
        if missing:
            packages = sorted({CERTIFICATE_FONTS[family] for family in missing})
            raise MissingFontsError(
                f"The fonts certificates print with are not installed ({', '.join(missing)}), so "
                f"no certificate can be issued. Install the Debian package"
                f"{'s' if len(packages) > 1 else ''} {' '.join(packages)} "
                f"(e.g. `sudo apt-get install {' '.join(packages)}`, or `make runtime-deps`)."
            )
        _coverage.update(installed)
        return _coverage


def check_fonts_installed() -> None:
    """Refuse, naming the Debian packages to install, when a certificate font is missing."""
    _font_coverage()


def _covers(ranges: list[tuple[int, int]], code_point: int) -> bool:
    index = bisect.bisect_right(ranges, (code_point, 0x10FFFF)) - 1
    return index >= 0 and ranges[index][0] <= code_point <= ranges[index][1]


def font_families_for(text: str) -> list[str]:
    """The certificate fonts `text` needs: Noto Sans, and for each other letter the first font in
    CERTIFICATE_FONTS' order that has it.

    Naming every font costs each line of text a search of them all (the CJK one alone has tens
    of thousands of letters), so a Latin name is set with Noto Sans alone. A letter none of them
    has is left to fontconfig's fallback ("sans-serif" ends the stack), as before; a letter no
    installed font has is refused by the missing-glyph check."""
    coverage = _font_coverage()
    needed = {"Noto Sans"}
    for character in set(text):
        code_point = ord(character)
        if code_point < 0x80:
            continue
        for family in CERTIFICATE_FONTS:
            if _covers(coverage[family], code_point):
                needed.add(family)
                break
    return [family for family in CERTIFICATE_FONTS if family in needed]


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    sha256: str


class _Renderer(threading.local):
    """What each thread keeps between renders: WeasyPrint makes a new fontconfig set-up and a
    new URL fetcher (with an SSL context) for each document unless given one, which costs more
    than laying out a small page; and the parsed stylesheet for each font stack."""

    # Bounds the stylesheets kept: a template edit or a new mix of scripts adds one.
    MAX_STYLESHEETS = 32

    def __init__(self):
        self.font_config = FontConfiguration()
        # Only the QR code's data: URI is read; nothing is fetched from anywhere.
        self.url_fetcher = URLFetcher(allowed_protocols=("data",))
        self.stylesheets: dict[tuple[str, str], CSS] = {}

    def stylesheet(self, css: str, font_stack: str) -> CSS:
        key = (css, font_stack)
        sheet = self.stylesheets.get(key)
        if sheet is None:
            if len(self.stylesheets) >= self.MAX_STYLESHEETS:
                self.stylesheets.clear()
            sheet = self.stylesheets[key] = CSS(
                string=f"{css}\nhtml {{ font-family: {font_stack}; }}\n",
                url_fetcher=self.url_fetcher,
                font_config=self.font_config,
            )
        return sheet


_renderer = _Renderer()


def _compress_streams_once(document, pdf: pydyf.PDF) -> None:
    """Deflate each stream pydyf would deflate, once, at zlib's default level.

    pydyf deflates a stream (at level 9) each time its bytes are asked for, and asks twice when
    writing a PDF/A: once to write it and once more to hash the whole file for the trailer's
    identifier, which PDF/A requires. The page contents and the fonts make most of a certificate's
    bytes, so that was a tenth of its render time; done once here (WeasyPrint's `finisher` hook,
    just before the file is written), the same streams cost a fifth of it, for 1% more bytes."""
    for pdf_object in pdf.objects:
        if isinstance(pdf_object, pydyf.Stream) and pdf_object.compress:
            raw = b"\n".join(pydyf._to_bytes(item) for item in pdf_object.stream)
            pdf_object.stream = [zlib.compress(raw)]
            pdf_object.extra["Filter"] = "/FlateDecode"
            pdf_object.compress = False


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
        TEMPLATE, {**context, "qr_code": qr_png_data_uri(context["verification_url"])}
    )
    font_stack = ", ".join(f'"{family}"' for family in font_families_for(html)) + ", sans-serif"
    stylesheet = _renderer.stylesheet(render_to_string(STYLESHEET), font_stack)
    with _watching_glyphs() as watch:
        content = HTML(string=html, url_fetcher=_renderer.url_fetcher).write_pdf(
            stylesheets=[stylesheet],
            font_config=_renderer.font_config,
            pdf_variant=PDF_VARIANT,
            custom_metadata=True,
            finisher=_compress_streams_once,
        )
    if watch.missing:
        raise MissingGlyphError("; ".join(watch.missing))
    return RenderedPDF(content=content, sha256=hashlib.sha256(content).hexdigest())
