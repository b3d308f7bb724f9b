"""restore: a backup into an empty database and the storages, then every certificate checked."""

import os
import time

from django.core.management.base import BaseCommand, CommandError

from scale.backup import BackupError, ProgressBar, restore


class Command(BaseCommand):
    help = (
        "Restore a backup (a backup-<time> folder, or the newest one in --from: a folder or "
        "s3://bucket/prefix) into the configured database, which must be empty unless --force, "
        "and its files into the configured storages. Every file is checked against the "
        "manifest's SHA-256 first; afterwards every certificate against its restored PDF."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="source",
            default=os.environ.get("BACKUP_FROM") or os.environ.get("BACKUP_TO", "backups"),
            help="A backup folder, or a place holding backup-* folders (the newest is taken): "
            "a folder or s3://bucket/prefix (default: $BACKUP_FROM, else $BACKUP_TO, else "
            "backups/).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace everything in a database that is not empty, and stored files of the "
            "same name that differ.",
        )

    def handle(self, *args, source, force, verbosity, **options):
        started = time.monotonic()
        progress = ProgressBar(self.stderr._out) if verbosity else None
        try:
            done = restore(source, force=force, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored {done.location} into the {done.engine} database: "
            f"{done.files_restored:,} files written, {done.files_present:,} already in place, "
            f"in {time.monotonic() - started:.1f} s."
        )
        self.stdout.write(
            f"Certificates: {done.certificates:,} checked, {done.certificates_matching:,} match "
            "the SHA-256 stored with them."
        )
        for note in done.notes:
            self.stdout.write(note)
        if done.certificate_problems:
            shown = "\n  ".join(done.certificate_problems[:20])
            more = len(done.certificate_problems) - 20
            raise CommandError(
                f"{len(done.certificate_problems):,} certificates do not match their PDF:\n  "
                f"{shown}" + (f"\n  and {more:,} more" if more > 0 else "")
            )
