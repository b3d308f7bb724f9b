"""Background work for certificates: bulk issue and the daily renewal reminders."""

from django.tasks import task

from . import services
from .models import BulkIssue


@task
def run_bulk_issue(bulk_issue_id: int) -> dict:
    bulk = services.bulk_issue_run(bulk_issue=BulkIssue.objects.get(pk=bulk_issue_id))
    return {"issued": bulk.certificates.count(), "refused": len(bulk.problems)}


@task
def send_certificate_reminders() -> dict[str, int]:
    return services.reminders_send()
