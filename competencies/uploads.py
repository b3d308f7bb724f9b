"""Checks on uploaded evidence files: size, and type judged by content, not by name.

A DOCX or ODT is a zip: its directory is judged before any member is read (how many members,
how large and how tightly packed they say they are), and the one member read, ODT's
`mimetype`, is read only as far as the longest value it could rightly hold.
"""

import re
import unicodedata
import zipfile
import zlib
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from workforce.archives import ZipLimits, zip_problem
from workforce.refusals import Refusal

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
IMAGE_TYPES = {PNG, JPEG, WEBP}
# A download's extension comes from the type its content was judged to be, never from the
# name it was uploaded with (a PDF named .hta would otherwise run when opened).
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", WEBP: "webp", DOCX: "docx", ODT: "odt"}
DOWNLOAD_STEM_CHARS = 80
ACCEPTED = "PDF, Word (.docx), OpenDocument text (.odt), PNG, JPEG or WebP"
# A document with many photos holds a few hundred members; each photo packs about 1 to 1.
DOCUMENT_LIMITS = ZipLimits(members=2000, unpacked_bytes=1024 * 1024 * 1024)
# ODT's `mimetype` member holds exactly ODT (39 bytes); read a little more to see it is not longer.
MIMETYPE_READ = len(ODT) + 16


class ArchiveRefused(Exception):
    """A DOCX or ODT whose zip directory promises far more than a document holds."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


def _sniff(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _sniff_document(upload)
    return None


def _sniff_document(upload: UploadedFile) -> str | None:
    """DOCX, ODT or None for a zip; ArchiveRefused for a zip bomb."""
    if problem := zip_problem(upload, DOCUMENT_LIMITS):
        raise ArchiveRefused(problem)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return DOCX
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > MIMETYPE_READ:
                    return None
                with archive.open(info) as member:
                    if member.read(MIMETYPE_READ).strip() == ODT.encode():
                        return ODT
    except (
        zipfile.BadZipFile,
        zlib.error,
        NotImplementedError,
        RuntimeError,
        ValueError,
        EOFError,
        OSError,
    ):
        # Damaged (a bad deflate stream is zlib.error), encrypted (RuntimeError) or packed by a
        # method Python cannot unpack (NotImplementedError): not a document we take.
        return None
    finally:
        upload.seek(0)
    return None


def check_upload(upload: UploadedFile, *, images_only: bool = False) -> str:
    """The file's real content type; ValidationError if it is empty, too big or not accepted."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(f"The file {upload.name} is empty.", code=Refusal.FILE_EMPTY)
    if upload.size > limit:
        raise ValidationError(
            f"The file {upload.name} is {filesizeformat(upload.size)}; the limit is "
            f"{filesizeformat(limit)}.",
            code=Refusal.FILE_TOO_BIG,
        )
    try:
        content_type = _sniff(upload)
    except ArchiveRefused as refused:
        raise ValidationError(
            f"The file {upload.name} {refused.problem}, so it was not opened. Save the "
            "document again from your word processor, or as a PDF, and upload that.",
            code=Refusal.FILE_TOO_BIG,
        ) from refused
    allowed = IMAGE_TYPES if images_only else {PDF, DOCX, ODT, *IMAGE_TYPES}
    if content_type not in allowed:
        expected = "a PNG, JPEG or WebP photo" if images_only else f"a {ACCEPTED} file"
        raise ValidationError(
            f"The file {upload.name} is not {expected} (judged by its content, not its name).",
            code=Refusal.FILE_TYPE,
        )
    return content_type


def download_name(title: str, content_type: str, *, fallback: str) -> str:
    """A file name for a download: the title, made safe, and the extension of its real type.

    Letters and digits in any script are kept; anything else (path separators, dots, control
    and direction-changing characters) becomes a dash.
    """
    stem = "".join(c if c.isalnum() or c in " -_" else "-" for c in title)
    stem = re.sub(r"-{2,}", "-", re.sub(r"\s+", " ", stem)).strip(" -_")
    stem = stem[:DOWNLOAD_STEM_CHARS].rstrip(" -_") or fallback
    return f"{stem}.{EXTENSIONS.get(content_type, 'bin')}"


def content_disposition(filename: str, *, as_attachment: bool) -> str:
    """The Content-Disposition for `filename`: an ASCII name for every browser, and RFC 6266's
    filename* with the name as it is for those that read it (all current ones)."""
    kind = "attachment" if as_attachment else "inline"
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""

    def ascii_only(text: str) -> str:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^A-Za-z0-9 _-]+", "", text).strip(" -_")

    ascii_name = ascii_only(stem) or "download"
    if ascii_only(extension):
        ascii_name += "." + ascii_only(extension)
    header = f'{kind}; filename="{ascii_name}"'
    if ascii_name != filename:
        header += f"; filename*=utf-8''{quote(filename, safe='')}"
    return header
