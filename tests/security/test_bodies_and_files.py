"""Hostile bodies and files cost nothing: each bomb is refused before its expensive part runs.

Each bomb test prints how long the refusal took (run with -s to see it); the project asserts
work done (rows read, bytes unpacked, bodies parsed), not timers.
"""

import io
import re
import struct
import time
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParser
from django.test import Client, RequestFactory
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from competencies.models import Evidence, EvidenceKind
from competencies.uploads import (
    DOCX,
    ODT,
    PDF,
    check_upload,
    content_disposition,
    download_name,
)
from config.middleware import RequestSizeLimitMiddleware
from workforce import archives
from workforce.refusals import Refusal
from workforce.spreadsheets import SpreadsheetError, read_table

ROSTER = ["name", "email", "organisation", "role"]


def timed(what: str, action):
    """Run `action`, print how long it took, and return what it returned or raised."""
    start = time.perf_counter()
    try:
        outcome = action()
    except Exception as error:  # the refusal is the outcome under test
        outcome = error
    print(f"\n{what}: refused in {(time.perf_counter() - start) * 1000:.1f} ms")
    return outcome


def workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezipped(data: bytes, *, change=None, extra: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip, each member through `change(name, content)`, with `extra` members."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            content = source.read(item.filename)
            copy.writestr(item.filename, change(item.filename, content) if change else content)
        for name, content in (extra or {}).items():
            copy.writestr(name, content)
    return out.getvalue()


def dimension_bomb() -> bytes:
    """The issue's 1.5 KB workbook: it declares A1:XFD1048576 and holds one cell in the last
    row, below a good heading row."""

    def change(name: str, content: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return content
        text = re.sub(
            r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:XFD1048576"/>', content.decode()
        )
        last = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        return text.replace("</sheetData>", last + "</sheetData>").encode()

    return rezipped(workbook([ROSTER]), change=change)


@pytest.fixture
def rows_read(monkeypatch) -> dict:
    """How many rows openpyxl handed over, and the widest."""
    seen = {"rows": 0, "widest": 0}
    original = ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            seen["rows"] += 1
            seen["widest"] = max(seen["widest"], len(row))
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting)
    return seen


# --- XLSX -------------------------------------------------------------------------------------


def test_the_dimension_bomb_is_refused_after_reading_at_most_the_row_cap(rows_read, settings):
    data = dimension_bomb()
    read_table(
        workbook([ROSTER, ["A", "a@example.org", "Org", "assessor"]]), "w.xlsx", required=ROSTER
    )
    rows_read.update(rows=0, widest=0)  # openpyxl loaded, so the time is the bomb's own
    assert len(data) < 6000

    refused = timed("XLSX dimension bomb", lambda: read_table(data, "r.xlsx", required=ROSTER))

    assert isinstance(refused, SpreadsheetError)
    assert "more than 100,000 rows below the headings" in str(refused)
    # Rows as wide as the headings, not the 16,384 columns declared; the heading row, then at
    # most one row past the cap, not a million.
    assert rows_read["widest"] <= len(ROSTER)
    assert rows_read["rows"] <= settings.IMPORT_MAX_ROWS + 2


@pytest.mark.django_db
def test_the_dimension_bomb_through_the_assessment_import_is_a_file_error(manager):
    from competencies import services

    data = dimension_bomb()

    report = services.assessments_import(
        data=data, filename="bomb.xlsx", actor=manager, dry_run=True
    )

    assert report.file_errors
    assert not report.rows


def test_a_sheet_within_the_row_cap_still_reads_every_row(settings):
    settings.IMPORT_MAX_ROWS = 3
    people = [[f"P{n}", f"p{n}@example.org", "Org", "assessor"] for n in range(3)]

    sheet = read_table(workbook([ROSTER, *people]), "r.xlsx", required=ROSTER)
    assert [cells["email"] for _, cells in sheet.rows] == [row[1] for row in people]
    with pytest.raises(SpreadsheetError, match="more than 3 rows"):
        read_table(workbook([ROSTER, *people, people[0]]), "r.xlsx", required=ROSTER)


def test_a_csv_over_the_row_cap_is_refused_too(settings):
    settings.IMPORT_MAX_ROWS = 2
    data = b"name,email,organisation,role\n" + b"A,a@example.org,Org,assessor\n" * 3

    with pytest.raises(SpreadsheetError, match="more than 2 rows"):
        read_table(data, "r.csv", required=ROSTER)


def test_a_first_row_thousands_of_columns_wide_is_refused_without_listing_them():
    data = workbook([ROSTER + [None] * 5000 + ["stray"]])

    with pytest.raises(SpreadsheetError) as refused:
        read_table(data, "r.xlsx", required=ROSTER)

    assert "The first row has 5,005 columns" in str(refused.value)
    assert len(str(refused.value)) < 300


def test_the_zip_ratio_bomb_is_refused_before_openpyxl_opens_it(monkeypatch):
    # 8 MB of zeros in one member pack to about 8 KB: a thousand to one.
    data = rezipped(workbook([ROSTER]), extra={"xl/media/padding.bin": bytes(8 * 1024 * 1024)})
    assert len(data) < 20_000
    opened = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(a))

    refused = timed("XLSX zip-ratio bomb", lambda: read_table(data, "r.xlsx", required=ROSTER))

    assert isinstance(refused, SpreadsheetError)
    assert "is packed more than 100 to 1" in str(refused)
    assert opened == []


def test_a_zip_of_thousands_of_members_is_refused_before_its_directory_is_parsed(monkeypatch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(1200):
            archive.writestr(f"{n}", b"")
    data = out.getvalue()
    parsed = []
    real = zipfile.ZipFile
    monkeypatch.setattr(zipfile, "ZipFile", lambda *a, **k: parsed.append(1) or real(*a, **k))

    refused = timed("XLSX member-count bomb", lambda: read_table(data, "r.xlsx", required=ROSTER))

    assert "holds more than 1,000 files" in str(refused)
    assert parsed == []


def test_a_csv_whose_first_line_makes_the_sniffer_quadratic_is_read_at_once():
    # csv.Sniffer took 16 s on 48 KB of this; only the first 2 KB is sniffed.
    data = b"name,email,organisation,role" + b',"a' * 16_000 + b"\nA,a@example.org,Org,assessor\n"

    refused = timed("CSV sniffer bomb", lambda: read_table(data, "r.csv", required=ROSTER))

    assert isinstance(refused, SpreadsheetError)  # its first row is 16,004 columns wide


# --- DOCX and ODT -----------------------------------------------------------------------------


def odt(mimetype: bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", b"<office:document-content/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def declaring(data: bytes, name: str, size: int) -> bytes:
    """The zip with member `name`'s declared unpacked size changed to `size` in both headers."""
    data = bytearray(data)
    encoded = name.encode()
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_length]) == encoded:
            struct.pack_into("<I", data, central + 24, size)
            local = struct.unpack_from("<I", data, central + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


@pytest.fixture
def bytes_unpacked(monkeypatch) -> list[int]:
    """Every chunk zipfile hands over from any member, by length."""
    chunks: list[int] = []
    original = zipfile.ZipExtFile.read

    def counting(self, n=-1):
        data = original(self, n)
        chunks.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting)
    return chunks


def test_a_genuine_odt_and_docx_are_still_accepted():
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", b"<w:document/>")

    assert check_upload(SimpleUploadedFile("a.odt", odt(ODT.encode()))) == ODT
    assert check_upload(SimpleUploadedFile("a.docx", docx.getvalue())) == DOCX


def test_the_mimetype_bomb_is_refused_without_unpacking_it(bytes_unpacked):
    # 20 MB of spaces after the real value pack to about 20 KB.
    data = odt(ODT.encode() + b" " * (20 * 1024 * 1024))
    assert len(data) < 40_000

    refused = timed("ODT mimetype bomb", lambda: check_upload(SimpleUploadedFile("bomb.odt", data)))

    assert isinstance(refused, ValidationError)
    assert refused.code == Refusal.FILE_TOO_BIG
    assert "is packed more than 100 to 1" in refused.messages[0]
    assert sum(bytes_unpacked) == 0


def test_a_mimetype_that_lies_about_its_size_is_read_no_further_than_a_real_one(bytes_unpacked):
    # Declares 39 bytes, holds 20 MB: the directory checks pass, the read must stop by itself.
    data = declaring(odt(ODT.encode() + b" " * (20 * 1024 * 1024)), "mimetype", len(ODT))

    refused = timed(
        "ODT mimetype lying about its size",
        lambda: check_upload(SimpleUploadedFile("liar.odt", data)),
    )

    assert isinstance(refused, ValidationError)
    assert refused.code == Refusal.FILE_TYPE
    assert sum(bytes_unpacked) <= 64


def test_a_document_packed_far_tighter_as_a_whole_is_refused():
    # Members of 1 MB of zeros each pass the per-member check; the whole does not.
    members = {f"word/media/{n}.bin": bytes(1024 * 1024) for n in range(3)}
    data = odt(ODT.encode(), extra=members)

    refused = timed(
        "ODT whole-archive ratio bomb", lambda: check_upload(SimpleUploadedFile("b.odt", data))
    )

    assert isinstance(refused, ValidationError)
    assert "packed more than 100 to 1" in refused.messages[0]


# --- Request bodies ---------------------------------------------------------------------------


def csrf_checking_client() -> Client:
    """A client that posts as a browser does: CSRF checked, with the cookie the form page set
    (without the cookie, CSRF refuses before it reads the body)."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "k" * 32
    return client


@pytest.fixture
def parsed(monkeypatch) -> list:
    """Every multipart body Django parsed."""
    calls = []
    original = MultiPartParser.parse

    def counting(self):
        calls.append(self)
        return original(self)

    monkeypatch.setattr(MultiPartParser, "parse", counting)
    return calls


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_with_413_before_csrf_or_the_view_reads_it(
    link_worker, settings, parsed
):
    settings.EVIDENCE_MAX_BYTES = 10_000
    settings.REQUEST_MAX_BYTES = 10_000
    client = csrf_checking_client()
    client.force_login(link_worker)
    body = {"title": "Big", "upload": SimpleUploadedFile("big.pdf", b"%PDF-" + bytes(30_000))}
    client.get("/evidence/submit/")  # loads the URL map and templates, so the time is the refusal's

    response = timed("Oversized body", lambda: client.post("/evidence/submit/", body))

    assert response.status_code == 413  # not 403: CSRF never looked at it
    html = response.content.decode()
    assert "An evidence file can be at most 9.8\xa0KB" in html
    assert parsed == []
    # It left through every other middleware, so it carries the site's security headers.
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_a_body_within_its_pages_limit_goes_on_to_csrf(link_worker, settings, parsed):
    settings.EVIDENCE_MAX_BYTES = 40_000
    settings.REQUEST_MAX_BYTES = 10_000
    client = csrf_checking_client()
    client.force_login(link_worker)

    def body() -> dict:
        return {"title": "Big", "upload": SimpleUploadedFile("big.pdf", b"%PDF-" + bytes(30_000))}

    assert client.post("/evidence/submit/", body()).status_code == 403  # no CSRF token
    assert len(parsed) == 1
    # The same body anywhere else is over the limit for pages that take no upload.
    assert client.post("/accounts/login/", body()).status_code == 413
    assert len(parsed) == 1


@pytest.mark.django_db
def test_the_public_pdf_check_takes_nothing_larger_than_a_certificate(settings, parsed):
    client = csrf_checking_client()
    pdf = b"%PDF-" + bytes(settings.CERTIFICATE_CHECK_MAX_BYTES + 64 * 1024)

    response = client.post("/verify/", {"check-pdf": SimpleUploadedFile("c.pdf", pdf)})

    assert response.status_code == 413
    assert "cannot be one of our certificates" in response.content.decode()
    assert parsed == []


@pytest.mark.django_db
def test_the_wagtail_admin_gets_a_plain_413_by_wagtails_own_limit(settings, parsed):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10_000
    settings.REQUEST_MAX_BYTES = 10_000
    client = csrf_checking_client()
    image = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + bytes(100_000))

    response = client.post("/admin/images/multiple/add/", {"files[]": image})

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")
    assert parsed == []


def test_a_body_without_a_content_length_is_read_no_further_than_its_limit(settings):
    settings.REQUEST_MAX_BYTES = 10_000
    seen = []

    def view(request):
        seen.append(len(request.body))
        return HttpResponse("read")

    middleware = RequestSizeLimitMiddleware(convert_exception_to_response(view))

    def chunked(size: int):
        request = RequestFactory().post("/accounts/login/", b"x" * size, content_type="text/plain")
        del request.META["CONTENT_LENGTH"]  # as a chunked body arrives
        request._stream = io.BytesIO(b"x" * size)
        return request

    small = middleware(chunked(9_000))
    big = timed("Chunked body", lambda: middleware(chunked(1_000_000)))

    assert small.status_code == 200
    assert seen == [9_000]
    assert big.status_code == 413


# --- Evidence downloads -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_pdf_uploaded_as_hta_downloads_as_a_pdf_named_from_its_title(
    client, link_worker, monkeypatch, tmp_path
):
    # The field took its storage when the model loaded, before the settings of any test.
    field = Evidence._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=tmp_path))
    upload = SimpleUploadedFile("report.hta", b"%PDF-1.7\n<script>alert(1)</script>")
    content_type = check_upload(upload)
    evidence = Evidence(
        worker=link_worker,
        kind=EvidenceKind.DOCUMENT,
        title="Case review: Łódź ‮gpj.exe",
        file_content_type=content_type,
        original_filename=upload.name,
    )
    evidence.file.save(upload.name, ContentFile(upload.read()), save=False)
    evidence.save()
    client.force_login(link_worker)

    response = client.get(f"/evidence/{evidence.pk}/file/")
    response.close()
    header = response["Content-Disposition"]

    assert content_type == PDF
    assert header.isascii()
    # The direction override (U+202E) that would show "exe.jpg" is a dash like any symbol.
    assert header.startswith('attachment; filename="Case review- odz -gpj-exe.pdf"')
    assert header.endswith("filename*=utf-8''Case%20review-%20%C5%81%C3%B3d%C5%BA%20-gpj-exe.pdf")
    assert ".hta" not in header


@pytest.mark.parametrize(
    ("title", "content_type", "name"),
    [
        ("Safeguarding e-learning", PDF, "Safeguarding e-learning.pdf"),
        ("../../etc/passwd", PDF, "etc-passwd.pdf"),
        ("photo.exe", "image/png", "photo-exe.png"),
        ("   ", DOCX, "evidence-7.docx"),
        ("Notes", "", "Notes.bin"),
        ("x" * 300, ODT, "x" * 80 + ".odt"),
    ],
)
def test_download_names_keep_only_the_title_and_the_real_type(title, content_type, name):
    assert download_name(title, content_type, fallback="evidence-7") == name


def test_an_ascii_name_goes_out_once_and_any_other_with_an_ascii_fallback():
    assert (
        content_disposition("Notes.pdf", as_attachment=True) == 'attachment; filename="Notes.pdf"'
    )
    assert content_disposition("Zdjęcie.png", as_attachment=False) == (
        "inline; filename=\"Zdjecie.png\"; filename*=utf-8''Zdj%C4%99cie.png"
    )
    assert content_disposition("写真.png", as_attachment=True).startswith(
        'attachment; filename="download.png"'
    )


def test_the_archive_check_leaves_a_damaged_zip_to_the_reader_that_opens_it():
    limits = archives.ZipLimits(members=10, unpacked_bytes=10)

    assert archives.zip_problem(io.BytesIO(b"PK\x03\x04 not a zip"), limits) is None
    with pytest.raises(SpreadsheetError, match="damaged or not a spreadsheet"):
        read_table(b"PK\x03\x04 not a zip", "r.xlsx", required=ROSTER)
