"""django-import-export resources for reports: assessment history and an organisation's matrix.

Columns of the history are those the assessment import reads (and export-only columns it knows
to ignore), so an exported file imports straight back as "already recorded". Every text cell is
made formula-safe (`workforce.spreadsheets.neutralise`): django-import-export's own
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading "=" (losing it) and turns every
cell into text, so it is left off.
"""

from django.http import HttpResponse
from django.utils import timezone
from import_export import fields, resources
from import_export.formats import base_formats

from workforce.spreadsheets import neutralise

from .models import Assessment
from .selectors import ProgressMatrix

FORMATS = {"csv": base_formats.CSV(), "xlsx": base_formats.XLSX()}


class SafeResource(resources.Resource):
    """A resource whose text cells cannot run as spreadsheet formulas."""

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))


def column(name: str, dehydrate) -> fields.Field:
    return fields.Field(column_name=name, dehydrate_method=dehydrate)


class AssessmentHistoryResource(SafeResource):
    """Every assessment, corrections included; `current` says whether it still stands."""

    worker_email = column("worker_email", lambda a: a.worker.email)
    worker_name = column("worker_name", lambda a: a.worker.full_name)
    competency_code = column("competency_code", lambda a: a.competency.id_number)
    competency_title = column("competency_title", lambda a: a.competency.short_name)
    level = column("level", lambda a: a.level)
    method = column("method", lambda a: a.method.code)
    method_name = column("method_name", lambda a: a.method.name)
    assessed_on = column("assessed_on", lambda a: a.assessed_on)
    assessor_email = column("assessor_email", lambda a: a.assessor.email)
    assessor_name = column("assessor_name", lambda a: a.assessor.full_name)
    notes = column("notes", lambda a: a.notes)
    framework_version = column(
        "framework_version",
        lambda a: f"{a.framework_version.framework.id_number} v{a.framework_version.number}",
    )
    current = column("current", lambda a: "no" if _is_superseded(a) else "yes")
    recorded_at = column(
        "recorded_at", lambda a: timezone.localtime(a.recorded_at).strftime("%Y-%m-%d %H:%M")
    )

    class Meta:
        export_order = (
            "worker_email",
            "worker_name",
            "competency_code",
            "competency_title",
            "level",
            "method",
            "method_name",
            "assessed_on",
            "assessor_email",
            "assessor_name",
            "notes",
            "framework_version",
            "current",
            "recorded_at",
        )

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if field.column_name == "assessed_on" and not kwargs.get("force_native_type"):
            return value.isoformat()
        return value


def _is_superseded(assessment: Assessment) -> bool:
    try:
        return assessment.superseded_by is not None
    except Assessment.superseded_by.RelatedObjectDoesNotExist:
        return False


class ProgressMatrixResource(SafeResource):
    """A row per link worker, a column per competency code: the current level (blank: none)."""

    worker_name = column("worker_name", lambda row: row[0].full_name)
    worker_email = column("worker_email", lambda row: row[0].email)

    def __init__(self, matrix: ProgressMatrix, **kwargs):
        super().__init__(**kwargs)
        for index, competency in enumerate(matrix.competencies):
            self.fields[competency.id_number] = column(
                competency.id_number, lambda row, index=index: row[1][index] or None
            )


def export_bytes(resource: SafeResource, rows, file_format: str) -> bytes:
    """The rows through the resource as a CSV (UTF-8 with a BOM, for Excel) or an XLSX file."""
    native = file_format == "xlsx"
    dataset = resource.export(rows, force_native_type=native)
    data = FORMATS[file_format].export_data(dataset)
    return data if native else ("\ufeff" + data).encode("utf-8")


def content_type(file_format: str) -> str:
    return FORMATS[file_format].get_content_type()


def download(data: bytes, file_format: str, stem: str) -> HttpResponse:
    """An exported file as a private download named `<stem>-<today>.<format>`."""
    response = HttpResponse(data, content_type=content_type(file_format))
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{stem}-{day}.{file_format}"'
    response["Cache-Control"] = "private, no-store"
    return response
