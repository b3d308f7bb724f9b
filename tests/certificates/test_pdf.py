"""The certificate PDF: tagged PDF/A-3a, names in any script, a QR code, and bytes that never
change."""

import contextlib
import ctypes
import datetime
import hashlib
import io
import re
import subprocess
import threading
import types
import zlib

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp

from certificates import pdf, services
from certificates.models import Certificate
from certificates.pdf import MissingGlyphError, render_certificate
from certificates.services import _pdf_context
from tests.downloads import downloaded as download

pytestmark = pytest.mark.django_db

NAMES = {
    "Welsh": "Siân Ŵyn",
    "Polish": "Łucja Żółć",
    "Vietnamese": "Nguyễn Thị Hương",
    "Urdu": "عائشہ خان",
    "Chinese": "王秀英",
}


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["/usr/bin/pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def xmp_metadata(content: bytes) -> str:
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        raw = match.group(1)
        with contextlib.suppress(zlib.error):
            raw = zlib.decompress(raw)
        if b"x:xmpmeta" in raw:
            return raw.decode()
    return ""


def qr_payloads(content: bytes) -> list[str]:
    page = pypdfium2.PdfDocument(content)[0]
    image = page.render(scale=2).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.fixture
def issue(manager, qualification):
    def _issue(worker):
        return services.certificate_issue(actor=manager, worker=worker, qualification=qualification)

    return _issue


def test_the_pdf_is_pdf_a_3a_with_its_sha256_stored(issue, eligible_worker):
    certificate = issue(eligible_worker)
    content = certificate.pdf.read()

    assert content.startswith(b"%PDF")
    metadata = xmp_metadata(content)
    assert 'pdfaid:part="3"' in metadata
    # "A": the accessible level of PDF/A, which asks for the structure tree checked below.
    assert 'pdfaid:conformance="A"' in metadata
    assert hashlib.sha256(content).hexdigest() == certificate.pdf_sha256


def test_each_stream_is_deflated_once(issue, eligible_worker, monkeypatch):
    deflated = []

    def deflate(data: bytes) -> bytes:
        deflated.append(data)
        return zlib.compress(data)

    monkeypatch.setattr(pdf, "zlib", types.SimpleNamespace(compress=deflate))
    content = issue(eligible_worker).pdf.read()

    bodies = [m.group(1) for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S)]
    # Every stream over 1 KB (the page contents, the fonts, pydyf's object index) is deflated.
    streams = [zlib.decompress(body) for body in bodies if len(body) > 1024]
    assert streams
    # The page contents and fonts by `_compress_streams_once`, each once and stored as it left
    # it: pydyf, which would deflate them twice (to write each, then to hash the whole file for
    # the identifier PDF/A asks for), leaves them alone.
    ours = [stream for stream in streams if stream in deflated]
    assert len(ours) >= 3  # a cover, a record, and a font at least
    assert len(deflated) == len(set(deflated))


def pdfinfo(content: bytes, *options: str) -> str:
    return subprocess.run(  # noqa: S603 - a fixed command and this test's own options
        ["/usr/bin/pdfinfo", *options, "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def structure_text(content: bytes) -> list[tuple[str, str]]:
    """The structure tree in reading order as (element type, its text), from poppler's
    `pdfinfo -struct-text`: an element's line is indented under its parent, and each quoted
    line is text of every element it lies within."""
    elements: list[list[str]] = []
    open_elements: list[tuple[int, int]] = []  # (indent, index in elements)
    for line in pdfinfo(content, "-struct-text").splitlines():
        indent = len(line) - len(line.lstrip())
        while open_elements and open_elements[-1][0] >= indent:
            open_elements.pop()
        stripped = line.strip()
        if stripped.startswith('"'):
            for _, index in open_elements:
                elements[index][1] += stripped.strip('"') + " "
        elif stripped:
            open_elements.append((indent, len(elements)))
            elements.append([stripped.split()[0].rstrip(":"), ""])
    return [(kind, " ".join(text.split())) for kind, text in elements]


def _utf16(getter, element) -> str:
    size = getter(element, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    getter(element, buffer, size)
    return buffer.raw[: size - 2].decode("utf-16-le")


def alternative_texts(content: bytes) -> dict[str, list[str]]:
    """Each structure element type's alternative texts (/Alt), read with PDFium: poppler does
    not print them."""
    document = pypdfium2.PdfDocument(content)
    found: dict[str, list[str]] = {}
    for page in document:
        tree = pdfium_c.FPDF_StructTree_GetForPage(page.raw)
        count = pdfium_c.FPDF_StructTree_CountChildren(tree)
        stack = [pdfium_c.FPDF_StructTree_GetChildAtIndex(tree, i) for i in range(count)]
        while stack:
            element = stack.pop()
            if not element:
                continue
            kind = _utf16(pdfium_c.FPDF_StructElement_GetType, element)
            if alt := _utf16(pdfium_c.FPDF_StructElement_GetAltText, element):
                found.setdefault(kind, []).append(alt)
            children = pdfium_c.FPDF_StructElement_CountChildren(element)
            stack += [
                pdfium_c.FPDF_StructElement_GetChildAtIndex(element, i) for i in range(children)
            ]
        pdfium_c.FPDF_StructTree_Close(tree)
    return found


def test_the_pdf_is_tagged_for_screen_readers(issue, eligible_worker):
    certificate = issue(eligible_worker)
    content = certificate.pdf.read()

    assert re.search(r"^Tagged:\s+yes$", pdfinfo(content), re.M)
    elements = structure_text(content)
    headings = [(kind, text) for kind, text in elements if kind in ("H1", "H2")]
    # Read in the printed order: the title, the check, then the record and how to keep it.
    assert headings == [
        ("H1", "Link Worker Practice Certificate (Core)"),
        ("H2", "Check this certificate"),
        ("H2", "Competencies achieved"),
        ("H2", "Keeping this qualification"),
    ]
    # Each competency is one list item that reads whole: its code, name, level, date, method
    # and assessor, with the labels a listener needs in place of a table's column headers.
    # (Compared without spaces: the text is read back line by line, and a line may break after
    # a hyphen.)
    items = ["".join(text.split()) for kind, text in elements if kind == "LBody"]
    for row in certificate.snapshot["competencies"]:
        assessed_on = datetime.date.fromisoformat(row["assessed_on"])
        item = (
            f"{row['code']} {row['title']} · Level {row['level']} {row['level_name']} · "
            f"assessed {assessed_on:%-d %b %Y} · {row['method']} · assessor {row['assessor']}"
        )
        assert "".join(item.split()) in items
    assert ("P", certificate.holder_name) in elements
    verification_url = services.verification_url(certificate.verification_code)
    assert alternative_texts(content)["Figure"] == [
        f"QR code of this certificate's verification page: {verification_url}"
    ]


def test_the_pdf_shows_the_certificate_fields(issue, eligible_worker):
    certificate = issue(eligible_worker)
    text = " ".join(pdf_text(certificate.pdf.read()).split())

    for expected in (
        certificate.number,
        certificate.holder_name,
        "Riverside Test PCN",
        "Link Worker Practice Certificate (Core)",
        "Issued by Link Worker Academy",
        f"{certificate.issued_on:%-d %B %Y}",
        f"{certificate.valid_until:%-d %B %Y}",
        "SPLW-PCP-01",
        "Assessor, professional discussion",
        "Signed off by",
        "Countersigned by",
        "Head of Training",
        certificate.snapshot["curriculum"],  # "…, version N" of the framework
    ):
        assert expected in text


def test_the_qr_code_holds_the_public_verification_url(issue, eligible_worker):
    certificate = issue(eligible_worker)

    assert qr_payloads(certificate.pdf.read()) == [
        f"http://127.0.0.1:8000/verify/{certificate.verification_code}/"
    ]


@pytest.mark.parametrize("script", list(NAMES))
def test_holder_names_in_any_script_are_printed_and_extractable(script, issue, eligible_worker):
    eligible_worker.full_name = NAMES[script]
    eligible_worker.save()

    content = issue(eligible_worker).pdf.read()

    # pdftotext wraps right-to-left runs in BiDi embedding marks; the letters are all there.
    text = pdf_text(content).replace("\u202b", "").replace("\u202c", "")
    assert NAMES[script] in text


def test_every_font_is_embedded_and_named(issue, eligible_worker):
    eligible_worker.full_name = NAMES["Chinese"]
    eligible_worker.save()
    content = issue(eligible_worker).pdf.read()

    listing = subprocess.run(
        ["/usr/bin/pdffonts", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    fonts = [line.split() for line in listing.splitlines()[2:]]
    assert fonts
    # Columns: name, type…, encoding, emb, sub, uni, object id: "emb" is the fourth from the end.
    assert all(columns[-5] == "yes" for columns in fonts), listing
    names = " ".join(columns[0] for columns in fonts)
    assert "Noto-Sans" in names
    assert "CJK" in names


def test_a_character_no_font_has_is_refused_rather_than_printed_as_a_box(issue, eligible_worker):
    # U+10FFFD is a private-use code point: no installed font draws it.
    eligible_worker.full_name = "Test \U0010fffd Name"
    eligible_worker.save()

    with pytest.raises(Exception, match="cannot print every character") as refused:
        issue(eligible_worker)
    assert refused.value.code == "missing_glyph"


def test_issuing_is_refused_naming_the_package_when_a_certificate_font_is_not_installed(
    issue, eligible_worker, monkeypatch
):
    # A family no machine has, asked of fontconfig itself: the check is the real lookup.
    monkeypatch.setitem(pdf.CERTIFICATE_FONTS, "Noto Sans Tengwar Test", "fonts-noto-tengwar-test")

    with pytest.raises(Exception, match="not installed") as refused:
        issue(eligible_worker)

    assert refused.value.code == "fonts_missing"
    assert "sudo apt-get install fonts-noto-tengwar-test" in refused.value.messages[0]
    assert "fonts-noto-cjk" not in refused.value.messages[0]  # the installed ones are not named
    assert not Certificate.objects.exists()
    # Installing the font needs no restart: an absent font is looked for again next time.
    monkeypatch.delitem(pdf.CERTIFICATE_FONTS, "Noto Sans Tengwar Test")
    assert issue(eligible_worker).holder == eligible_worker


def test_render_certificate_reports_missing_glyphs_directly():
    context = {
        "number": "X",
        "holder_name": "\U0010fffd",
        "employer_name": "",
        "qualification_title": "",
        "qualification_code": "",
        "issuer_name": "",
        "curriculum_label": "",
        "issued_on": None,
        "valid_until": None,
        "verification_url": "https://example.org/verify/x/",
        "competencies": [],
        "signoffs": [],
        "renewal_conditions": [],
    }
    with pytest.raises(MissingGlyphError):
        render_certificate(context)


def test_the_stored_bytes_never_change_after_the_name_or_template_changes(
    client, issue, eligible_worker, settings, tmp_path
):
    certificate = issue(eligible_worker)
    original = certificate.pdf.read()

    eligible_worker.full_name = "Someone Else Entirely"
    eligible_worker.save()
    template_dir = tmp_path / "templates" / "certificates"
    template_dir.mkdir(parents=True)
    (template_dir / "certificate_pdf.html").write_text("<p>A different design</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]
    client.force_login(eligible_worker)
    downloaded = download(client, f"/progress/certificates/{certificate.number}/pdf/")
    assert downloaded == original
    assert hashlib.sha256(downloaded).hexdigest() == certificate.pdf_sha256
    certificate.refresh_from_db()
    assert certificate.holder_name != "Someone Else Entirely"
    # And the changed template really is what a new render would use.
    assert b"A different design" not in original
    assert "A different design" in " ".join(
        pdf_text(render_certificate(_pdf_context(certificate)).content).split()
    )


def test_the_qr_code_reads_at_low_resolution(issue, eligible_worker):
    # 72 dpi: about what a phone photo of a printout gives the scanner.
    certificate = issue(eligible_worker)
    page = pypdfium2.PdfDocument(io.BytesIO(certificate.pdf.read()))[0]
    image = page.render(scale=1).to_pil()
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [
        services.verification_url(certificate.verification_code)
    ]


def embedded_fonts(content: bytes) -> str:
    listing = subprocess.run(
        ["/usr/bin/pdffonts", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(line.split()[0] for line in listing.splitlines()[2:])


@pytest.mark.parametrize(
    ("name", "families"),
    [
        ("Siân Ŵyn", ["Noto Sans"]),
        ("Nguyễn Thị Hương", ["Noto Sans"]),
        ("عائشہ خان", ["Noto Sans", "Noto Naskh Arabic"]),
        ("王秀英", ["Noto Sans", "Noto Sans CJK SC"]),
        ("রহিমা বেগম", ["Noto Sans", "Noto Sans Bengali"]),
        ("ਹਰਪ੍ਰੀਤ ਕੌਰ", ["Noto Sans", "Noto Sans Gurmukhi"]),
    ],
)
def test_only_the_fonts_a_text_needs_are_named(name, families):
    assert pdf.font_families_for(f"<p>Certificate LWPC-1 for {name}</p>") == families


def test_a_latin_certificate_embeds_no_cjk_or_arabic_font(issue, eligible_worker):
    content = issue(eligible_worker).pdf.read()

    fonts = embedded_fonts(content)
    assert "Noto-Sans" in fonts
    assert "CJK" not in fonts
    assert "Naskh" not in fonts


def test_names_of_several_scripts_in_one_certificate_each_keep_their_glyphs():
    # A name in one script, an employer in another: each finds its font, none is refused.
    context = {
        "number": "LWPC-CORE-2026-TEST01",
        "holder_name": "王秀英 عائشہ",
        "employer_name": "রহিমা Health Centre",
        "qualification_title": "Link Worker Practice Certificate (Core)",
        "qualification_code": "LWPC-CORE",
        "issuer_name": "Link Worker Academy",
        "curriculum_label": "Core, version 1",
        "issued_on": datetime.date(2026, 1, 5),
        "valid_until": datetime.date(2029, 1, 4),
        "verification_url": "https://example.org/verify/abc/",
        "competencies": [],
        "signoffs": [],
        "renewal_conditions": [],
    }
    content = render_certificate(context).content

    text = pdf_text(content).replace("\u202b", "").replace("\u202c", "")
    assert "王秀英" in text
    assert "عائشہ" in text
    # pdftotext splits this bold Bengali word in two (a space after its first letter); the
    # letters are all there, which is what is checked here.
    assert "রহিমা" in "".join(text.split())
    fonts = embedded_fonts(content)
    assert "CJK" in fonts
    assert "Naskh" in fonts
    assert "Bengali" in fonts


def test_each_thread_renders_with_its_own_font_configuration():
    # WeasyPrint's font set-up is kept between renders, one per thread: Pango's font map is not
    # shared across threads, and a render in another thread gives the same bytes.
    context = {
        "number": "X",
        "holder_name": "Siân Ŵyn",
        "employer_name": "",
        "qualification_title": "",
        "qualification_code": "",
        "issuer_name": "",
        "curriculum_label": "",
        "issued_on": None,
        "valid_until": None,
        "verification_url": "https://example.org/verify/x/",
        "competencies": [],
        "signoffs": [],
        "renewal_conditions": [],
    }
    here = render_certificate(context)
    rendered = {}

    def render_there():
        rendered["there"] = render_certificate(context)
        rendered["font_config"] = pdf._renderer.font_config

    thread = threading.Thread(target=render_there)
    thread.start()
    thread.join()

    assert rendered["there"].content == here.content
    assert rendered["font_config"] is not pdf._renderer.font_config


def test_the_kept_stylesheets_are_bounded(monkeypatch):
    monkeypatch.setattr(pdf._Renderer, "MAX_STYLESHEETS", 2)
    renderer = pdf._Renderer()
    for stack in ('"Noto Sans"', '"Noto Sans", "Noto Naskh Arabic"', '"Noto Sans CJK SC"'):
        renderer.stylesheet("p { margin: 0 }", stack)

    assert len(renderer.stylesheets) <= 2
    # The same stylesheet and fonts are parsed once.
    assert renderer.stylesheet("p { margin: 0 }", '"Noto Sans CJK SC"') is renderer.stylesheet(
        "p { margin: 0 }", '"Noto Sans CJK SC"'
    )
