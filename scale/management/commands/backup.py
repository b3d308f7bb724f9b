"""backup: the database and every stored file, with a manifest, to a folder or S3."""

import os
import time

from django.core.management.base import BaseCommand, CommandError

from scale.backup import BackupError, ProgressBar, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's online backup) and every stored file "
        "(evidence, certificates, media) with a manifest of their SHA-256s, into a new "
        "backup-<time> folder in --to: a folder, or s3://bucket/prefix."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            default=os.environ.get("BACKUP_TO", "backups"),
            help="A folder, or s3://bucket/prefix (default: $BACKUP_TO, else backups/).",
        )

    def handle(self, *args, to, verbosity, **options):
        started = time.monotonic()
        progress = ProgressBar(self.stderr._out) if verbosity else None
        try:
            done = backup(to, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backup written to {done.location}: the database ({done.database_bytes:,} bytes) "
            f"and {done.files:,} stored files ({done.file_bytes:,} bytes) in "
            f"{time.monotonic() - started:.1f} s."
        )
