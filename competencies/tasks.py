"""Background work for large spreadsheet imports: check a file, then save it when confirmed."""

import logging

from django.tasks import task

# Tasks call services, never the reverse at module level: a task is a thin way to run a service
# later, so it sits above the services. The import pages enqueue these tasks themselves, so
# `competencies.services` never needs this module.
from . import services
from .models import AssessmentImport

logger = logging.getLogger(__name__)


def _failed(import_id: str) -> None:
    logger.exception("Assessment import %s failed", import_id)
    services.assessment_import_fail(assessment_import_id=import_id)


@task
def check_assessment_import(import_id: str) -> None:
    """Check an uploaded file row by row, reporting progress; saves no assessment."""
    record = AssessmentImport.objects.select_related("created_by").get(pk=import_id)
    try:
        services.assessment_import_check(assessment_import=record)
    except Exception:
        _failed(import_id)
        raise


@task
def confirm_assessment_import(import_id: str) -> None:
    """Save a checked file's assessments, all or none."""
    record = AssessmentImport.objects.select_related("created_by").get(pk=import_id)
    try:
        services.assessment_import_confirm(assessment_import=record, actor=record.created_by)
    except Exception:
        _failed(import_id)
        raise
