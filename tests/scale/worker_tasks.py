"""A task for the two-worker test whose every run leaves a line in a journal file.

Our own tasks guard against a second delivery themselves (a bulk issue claims its job row,
reminders are sent once each), which would hide a task run twice; this one counts every run.
"""

import os
import time

from django.tasks import task


@task
def record_run(number: int, journal: str) -> int:
    """Append "number pid" to the journal (one write, O_APPEND: whole lines even from two
    processes) after a moment's work, so that both workers are busy at once."""
    time.sleep(0.02)
    descriptor = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, f"{number} {os.getpid()}\n".encode())
    finally:
        os.close(descriptor)
    return number
