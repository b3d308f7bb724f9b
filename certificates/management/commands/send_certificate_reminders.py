"""Email renewal-due and lapsed reminders; safe to run as often as you like (e.g. daily cron)."""

from django.core.management.base import BaseCommand

from certificates.tasks import send_certificate_reminders


class Command(BaseCommand):
    help = (
        "Email each certificate holder and their managers once when renewal becomes due and "
        "once when the certificate lapses. Run it daily; repeated runs send nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the task for the background worker instead of running it now.",
        )

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            result = send_certificate_reminders.enqueue()
            self.stdout.write(f"Queued reminder task {result.id}.")
            return
        sent = send_certificate_reminders.call()
        self.stdout.write(
            f"Sent {sent['renewal_due']} renewal-due and {sent['lapsed']} lapsed reminders."
        )
