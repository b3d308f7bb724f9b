"""Uploaded spreadsheets (CSV, XLSX) read into numbered rows, and spreadsheet-safe cells out.

Every import reads files here, so they all accept and refuse the same things: files that are too
large, empty, legacy .xls or not a spreadsheet at all; text that is not UTF-8 (read anyway when
its encoding can be detected); missing, unknown or repeated column headings. Headings are matched
without regard to case, spaces or order. Empty rows are skipped; row numbers stay those the
person sees in their spreadsheet program (the heading is row 1).

Hostile files cost little: an XLSX is judged by its zip directory before it is opened, read
with its declared dimensions ignored, only as wide as its headings and no further than
settings.IMPORT_MAX_ROWS; a CSV's delimiter is guessed from the start of its first line only.

Every export goes out through `SafeResource` (django-import-export) and `export_bytes`, so no
text cell can run as a formula: django-import-export's own
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading "=" (losing it) and turns every
cell into text, so it is left off.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from charset_normalizer import from_bytes
from django.conf import settings
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.http import content_disposition_header
from import_export import fields, resources
from import_export.formats import base_formats

from .archives import ZipLimits, zip_problem

XLSX_MAGIC = b"PK\x03\x04"
# Legacy Excel (.xls) files are OLE2 compound documents.
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CSV_DELIMITERS = ",;\t"
# csv.Sniffer takes time that grows with the square of its text (48 KB of ,"a took 16 s); the
# headings fit in far less.
SNIFF_CHARS = 2048
# No import has more columns than this: a wider first row is refused without listing each.
MAX_COLUMNS = 100
# An XLSX workbook of IMPORT_MAX_ROWS rows unpacks to about 40 MB, in about 10 files.
XLSX_LIMITS = ZipLimits(members=1000, unpacked_bytes=100 * 1024 * 1024)
DAMAGED_XLSX = "The XLSX file is damaged or not a spreadsheet: save it again from Excel and retry."
# A spreadsheet program runs a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | datetime.date | datetime.datetime | None


class SpreadsheetError(ValueError):
    """A file that cannot be read as a table, with every reason found."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = list(errors)


@dataclass
class Sheet:
    """The rows of an uploaded table by normalised column name, each with its row number."""

    columns: list[str]
    rows: list[tuple[int, dict[str, Cell]]]
    notices: list[str] = field(default_factory=list)


def normalise_heading(heading: object) -> str:
    """'Worker email ' and 'WORKER_EMAIL' are both 'worker_email'."""
    return re.sub(r"[\s_-]+", "_", str(heading or "").strip().lower()).strip("_")


def neutralise(value: object) -> object:
    """A text value that a spreadsheet program would run as a formula, made plain text.

    OWASP's advice: prefix a single quote, which spreadsheets read as "this cell is text".
    `restore` undoes it when a file we exported comes back.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class SafeResource(resources.Resource):
    """A resource whose text cells cannot run as spreadsheet formulas."""

    # How many rows the last export wrote, for its audit entry: counted as they stream out
    # rather than by a second query.
    exported_rows: int | None = None

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    def after_export(self, queryset, dataset, **kwargs):
        super().after_export(queryset, dataset, **kwargs)
        self.exported_rows = len(dataset)


def column(name: str, dehydrate) -> fields.Field:
    """An export-only column computed from each row."""
    return fields.Field(column_name=name, dehydrate_method=dehydrate)


FORMATS = {"csv": base_formats.CSV(), "xlsx": base_formats.XLSX()}


def export_bytes(resource: SafeResource, rows, file_format: str) -> bytes:
    """The rows through the resource as a CSV (UTF-8 with a BOM, for Excel) or an XLSX file."""
    native = file_format == "xlsx"
    dataset = resource.export(rows, force_native_type=native)
    data = FORMATS[file_format].export_data(dataset)
    return data if native else ("\ufeff" + data).encode("utf-8")


def csv_bytes(resource: SafeResource, rows) -> bytes:
    """The rows through the resource as `export_bytes` makes a CSV (the same headings and cells,
    UTF-8 with a BOM), written with the csv module as each row comes.

    For resources with no export hooks but the cells (`export_resource`, `export_field`):
    `Resource.export` builds a tablib Dataset, which checks, copies and formats every row again
    before the same csv writer sees it; for the register's 20,000 rows that was more than the
    rows' query. Sets `exported_rows`, as `export` does.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(resource.get_export_headers())
    count = 0
    for row in resource.iter_queryset(rows):
        writer.writerow(resource.export_resource(row))
        count += 1
    resource.exported_rows = count
    return out.getvalue().encode("utf-8")


def content_type(file_format: str) -> str:
    return FORMATS[file_format].get_content_type()


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    """`response` as a private download named `filename`, in any script.

    A name that is not ASCII goes out as RFC 6266's filename*=utf-8''…: set as is, Django
    would MIME-encode the header, and browsers then neither download it nor keep its name.
    """
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def download(data: bytes, file_format: str, stem: str) -> HttpResponse:
    """An exported file as a private download named `<stem>-<today>.<format>`."""
    day = timezone.localdate().isoformat()
    response = HttpResponse(data, content_type=content_type(file_format))
    return attachment(response, f"{stem}-{day}.{file_format}")


def restore(value: str) -> str:
    """The text `neutralise` was given."""
    if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def size_problem(size: int) -> str | None:
    """Why a file of `size` bytes is refused, or None (settings.IMPORT_MAX_BYTES)."""
    limit = settings.IMPORT_MAX_BYTES
    if size <= limit:
        return None
    return (
        f"The file is {filesizeformat(size)}, more than the limit of {filesizeformat(limit)}. "
        "Split it into smaller files and import each."
    )


def read_table(
    data: bytes,
    filename: str,
    *,
    required: Iterable[str],
    optional: Iterable[str] = (),
    ignored: Iterable[str] = (),
    what: str = "rows",
    max_rows: int | None = None,
) -> Sheet:
    """Read a CSV or XLSX upload, or raise SpreadsheetError saying what is wrong with it.

    `ignored` columns are accepted and left out (e.g. the extra columns of our own exports).
    At most `max_rows` rows (settings.IMPORT_MAX_ROWS) below the headings, empty ones counted.
    """
    required, optional, ignored = list(required), list(optional), list(ignored)
    max_rows = settings.IMPORT_MAX_ROWS if max_rows is None else max_rows
    if too_large := size_problem(len(data)):
        raise SpreadsheetError([too_large])
    if not data.strip():
        raise SpreadsheetError(["The file is empty."])
    name = filename.lower()
    if data.startswith(XLS_MAGIC) or name.endswith(".xls"):
        raise SpreadsheetError(
            [
                "This is a legacy Excel 97–2003 workbook (.xls), which cannot be read. Open it "
                "in Excel and choose File > Save As > “Excel Workbook (.xlsx)”, or "
                "“CSV UTF-8 (Comma delimited) (.csv)”, then upload the new file."
            ]
        )
    if data.startswith(XLSX_MAGIC):
        notices, table = _read_xlsx(data, max_rows=max_rows)
    elif name.endswith(".xlsx"):
        raise SpreadsheetError(["The file is named .xlsx but is not an Excel workbook."])
    else:
        notices, table = _read_csv(data)
    sheet = _to_sheet(
        table, required=required, optional=optional, ignored=ignored, what=what, max_rows=max_rows
    )
    sheet.notices[:0] = notices
    return sheet


def _read_xlsx(data: bytes, *, max_rows: int) -> tuple[list[str], list[tuple]]:
    # Imported late: openpyxl takes a moment to load and only XLSX uploads need it.
    import openpyxl

    if problem := zip_problem(io.BytesIO(data), XLSX_LIMITS):
        raise SpreadsheetError(
            [
                f"The XLSX file {problem}, so it was not opened. Save the sheet again from your "
                "spreadsheet program, or as “CSV UTF-8”, and upload the new file."
            ]
        )
    # Every row is read here, not lazily later: a workbook whose zip is sound can still hold a
    # damaged sheet (cut-off XML), which only reading its rows finds, and any error openpyxl
    # raises then (ParseError, KeyError, ValueError, …) means the same thing to the person.
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            names = list(book.sheetnames)
            rows = _xlsx_rows(book.worksheets[0], max_rows=max_rows)
        finally:
            book.close()
    except SpreadsheetError:
        raise
    except Exception as error:
        raise SpreadsheetError([DAMAGED_XLSX]) from error
    notices = []
    if len(names) > 1:
        others = ", ".join(f"“{name}”" for name in names[1:])
        notices.append(
            f"The workbook has {len(names)} sheets: only the first, "
            f"“{names[0]}”, was read. Other sheets ({others}) were ignored."
        )
    return notices, rows


def _xlsx_rows(sheet, *, max_rows: int) -> list[tuple]:
    """The heading row, then at most `max_rows` + 1 rows below it, each as wide as the headings.

    The sheet's declared size (its <dimension>) is ignored: a few bytes can declare a million
    rows by 16,384 columns, and openpyxl would pad every row it reads to that. Without it, a
    row is as wide as its last cell, and empty rows are only made up between rows the file
    holds; so a file with one cell in its last row still yields a row for every row above it,
    which is why reading stops one row past the cap (and `_to_sheet` then refuses the file).
    """
    sheet.reset_dimensions()
    first = next(sheet.iter_rows(max_row=1, values_only=True), None)
    if first is None:
        return []  # a sheet with no rows at all
    headings = _trimmed(list(first))
    if len(headings) > MAX_COLUMNS:
        return [headings]  # refused by `_to_sheet` for its width, before any row is read
    rows: list[tuple] = [tuple(headings)]
    below = sheet.iter_rows(min_row=2, max_col=max(len(headings), 1), values_only=True)
    for row in below:
        rows.append(row)
        if len(rows) > max_rows + 1:
            break
    return rows


def _trimmed(headings: list) -> list:
    """The headings without the empty cells after the last one."""
    while headings and _blank(headings[-1]):
        headings.pop()
    return headings


def _decode(data: bytes) -> tuple[list[str], str]:
    # No spreadsheet's text holds a NUL: it marks another kind of file (or UTF-16, which Excel
    # calls "Unicode Text"), and PostgreSQL refuses it in any text it is asked to look up.
    if b"\x00" in data:
        raise SpreadsheetError(
            [
                "The file is not a CSV or XLSX spreadsheet (it holds NUL characters). Save it "
                "as “CSV UTF-8 (Comma delimited)” or as an Excel workbook, then upload it again."
            ]
        )
    try:
        return [], data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    match = from_bytes(data).best()
    if match is None:
        raise SpreadsheetError(
            [
                "The file is not UTF-8 text and its encoding could not be detected. Save it as "
                "“CSV UTF-8 (Comma delimited)” (Excel) or as UTF-8 CSV, then upload it again."
            ]
        )
    return [
        f"The file is not UTF-8: it was read as {match.encoding} ({', '.join(match.languages)}). "
        "Check that names with accents look right below; if they do not, save the file as "
        "“CSV UTF-8” and upload it again."
    ], str(match)


def _read_csv(data: bytes) -> tuple[list[str], Iterable[list[str]]]:
    notices, text = _decode(data)
    first_line = text[:SNIFF_CHARS].split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=CSV_DELIMITERS)
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    return notices, csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _to_sheet(
    table: Iterable,
    *,
    required: list[str],
    optional: list[str],
    ignored: list[str],
    what: str,
    max_rows: int,
) -> Sheet:
    rows = iter(table)
    try:
        headings = list(next(rows))
    except StopIteration:
        raise SpreadsheetError(["The file is empty."]) from None
    except csv.Error as error:
        raise SpreadsheetError([f"The CSV file could not be read: {error}."]) from error
    headings = _trimmed(headings)
    if len(headings) > MAX_COLUMNS:
        raise SpreadsheetError(
            [
                f"The first row has {len(headings):,} columns. It must hold only the column "
                f"headings: {', '.join(required + optional)}."
            ]
        )
    columns = [normalise_heading(heading) for heading in headings]
    known = set(required) | set(optional) | set(ignored)
    errors = []
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        errors.append(f"These columns appear more than once: {', '.join(repeated)}.")
    missing = [column for column in required if column not in columns]
    if missing:
        errors.append(
            f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
            f"The first row must hold the column headings: {', '.join(required + optional)}."
        )
    unknown = [
        str(headings[i]).strip() or f"(no heading, column {i + 1})"
        for i, column in enumerate(columns)
        if column not in known
    ]
    if unknown:
        errors.append(
            f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"The columns are {', '.join(required + optional)}; remove or rename any other."
        )
    if errors:
        raise SpreadsheetError(errors)
    wanted = [(i, column) for i, column in enumerate(columns) if column not in set(ignored)]
    sheet = Sheet(columns=[column for _, column in wanted], rows=[])
    try:
        for number, values in enumerate(rows, start=2):
            if number > max_rows + 1:
                raise SpreadsheetError(
                    [
                        f"The file has more than {max_rows:,} rows below the headings (empty "
                        "rows count too). Split it into smaller files and import each, and "
                        "delete any empty rows below your data."
                    ]
                )
            values = list(values)
            if all(_blank(value) for value in values):
                continue
            sheet.rows.append(
                (number, {column: values[i] if i < len(values) else None for i, column in wanted})
            )
    except csv.Error as error:
        raise SpreadsheetError([f"The CSV file could not be read: {error}."]) from error
    if not sheet.rows:
        raise SpreadsheetError([f"The file has column headings but no {what}."])
    return sheet
