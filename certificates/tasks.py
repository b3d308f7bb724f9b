"""Background work for certificates: bulk issue and the daily renewal reminders."""

from django.tasks import task

# Tasks call services, so this module imports `services` at module level and `services` never
# imports this one there. `services.bulk_issue_request` still enqueues `run_bulk_issue` itself,
# on the commit of its own transaction, so that every bulk request is run whoever makes it (page,
# admin or shell); for that one call it imports this module inside the function.
from . import services
from .models import BulkIssue


@task
def run_bulk_issue(bulk_issue_id: int) -> dict:
    bulk = services.bulk_issue_run(bulk_issue=BulkIssue.objects.get(pk=bulk_issue_id))
    return {"issued": bulk.certificates.count(), "refused": len(bulk.problems)}


@task
def send_certificate_reminders() -> dict[str, int]:
    return services.reminders_send()
