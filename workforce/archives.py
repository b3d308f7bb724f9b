"""Zip archives (XLSX, DOCX, ODT) judged by their directory before any member is unpacked."""

import io
import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from django.template.defaultfilters import filesizeformat

# Text and XML pack about 5 to 15 to 1; a member packed a hundred times tighter is a zip bomb,
# not a document. Apache POI refuses the same (ZipSecureFile's minimum inflate ratio, 0.01).
MAX_RATIO = 100
# A small member may pack tightly (a run of spaces) without harm: the ratio counts above this.
RATIO_FROM_BYTES = 1024 * 1024
# Each entry of a zip's central directory takes 46 bytes and its name; ZipFile parses them all
# when it opens the file (about a second for 100,000), so the directory is measured first.
DIRECTORY_BYTES_PER_MEMBER = 1024
_END = b"PK\x05\x06"
_END_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END = b"PK\x06\x06"
_MAX_COMMENT = 0xFFFF


@dataclass(frozen=True)
class ZipLimits:
    """The most an archive of one kind may hold, unpacked."""

    members: int
    unpacked_bytes: int
    ratio: int = MAX_RATIO


def _directory(file: BinaryIO) -> tuple[int, int] | None:
    """The declared member count and central directory size, read from the end record.

    Found as `zipfile` finds it (the last end record, behind a comment of at most 64 KB), so
    that what is measured here is what ZipFile would parse.
    """
    file.seek(0, io.SEEK_END)
    size = file.tell()
    start = max(0, size - _END_SIZE - _MAX_COMMENT)
    file.seek(start)
    tail = file.read()
    at = tail.rfind(_END)
    if at < 0 or at + _END_SIZE > len(tail):
        return None
    members, directory_size = struct.unpack_from("<HI", tail, at + 10)
    if members == 0xFFFF or directory_size == 0xFFFFFFFF:
        # ZIP64: the real figures are in the ZIP64 end record the locator points to.
        locator = at - 20
        if locator < 0 or tail[locator : locator + 4] != _ZIP64_LOCATOR:
            return members, directory_size
        (offset,) = struct.unpack_from("<Q", tail, locator + 8)
        file.seek(offset)
        record = file.read(56)
        if len(record) < 56 or not record.startswith(_ZIP64_END):
            return members, directory_size
        members, directory_size = struct.unpack_from("<QQ", record, 32)
    return members, directory_size


def zip_problem(file: BinaryIO, limits: ZipLimits) -> str | None:
    """Why the archive is refused unopened ("it …"), or None if it may be opened.

    Judged from the directory alone: the number of members, their declared unpacked sizes, and
    how tightly each (and the whole) is packed. Declared sizes are enough: Python's zipfile
    never unpacks more of a member than its declared size (it stops there, and the checksum
    then fails), so a member that lies about its size cannot unpack to more. A file that is not
    a readable zip is no problem of this function's: None, and opening it will say so.
    """
    file.seek(0, io.SEEK_END)
    packed = file.tell()
    directory = _directory(file)
    file.seek(0)
    if directory is None:
        return None
    count, directory_size = directory
    if count > limits.members or directory_size > limits.members * DIRECTORY_BYTES_PER_MEMBER:
        return f"holds more than {limits.members:,} files, far more than a real one"
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except Exception:  # any damage is for the reader that opens it to report
        return None
    finally:
        file.seek(0)
    if len(members) > limits.members:
        return f"holds more than {limits.members:,} files, far more than a real one"
    total = 0
    for member in members:
        total += member.file_size
        if (
            member.file_size > RATIO_FROM_BYTES
            and member.file_size > limits.ratio * member.compress_size
        ):
            return (
                f"is packed more than {limits.ratio} to 1 ({member.filename} unpacks to "
                f"{filesizeformat(member.file_size)}), far tighter than a real one"
            )
    if total > limits.unpacked_bytes:
        return (
            f"unpacks to {filesizeformat(total)}, more than the limit of "
            f"{filesizeformat(limits.unpacked_bytes)}"
        )
    if total > RATIO_FROM_BYTES and total > limits.ratio * packed:
        return (
            f"is packed more than {limits.ratio} to 1 (it unpacks to {filesizeformat(total)}), "
            "far tighter than a real one"
        )
    return None
