"""Checks on uploaded evidence files: size, and type judged by content, not by name."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from workforce.refusals import Refusal

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
IMAGE_TYPES = {PNG, JPEG, WEBP}
ACCEPTED = "PDF, Word (.docx), OpenDocument text (.odt), PNG, JPEG or WebP"


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
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names:
                    return DOCX
                if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                    return ODT
        except zipfile.BadZipFile:
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
    content_type = _sniff(upload)
    allowed = IMAGE_TYPES if images_only else {PDF, DOCX, ODT, *IMAGE_TYPES}
    if content_type not in allowed:
        expected = "a PNG, JPEG or WebP photo" if images_only else f"a {ACCEPTED} file"
        raise ValidationError(
            f"The file {upload.name} is not {expected} (judged by its content, not its name).",
            code=Refusal.FILE_TYPE,
        )
    return content_type
