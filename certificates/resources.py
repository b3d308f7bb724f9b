"""The certificate register as a spreadsheet (CSV or XLSX), through django-import-export."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from workforce.spreadsheets import SafeResource, column


class CertificateRegisterResource(SafeResource):
    """One row per certificate: number, holder, qualification, issued, expires and status.

    Rows come from `selectors.register_rows` as tuples of those cells, each computed in SQL (the
    last day valid, the status's words), so each row is exported as it comes: django-import-export
    finding, dehydrating and rendering each cell of 20,000 rows through its fields took ten times
    as long as reading them. `export_resource` is the library's hook for a row's cells (its
    export workflow); the declared columns still name the headings.
    """

    number = column("number", lambda row: row[0])
    holder = column("holder", lambda row: row[1])
    qualification = column("qualification", lambda row: row[2])
    issued = column("issued", lambda row: row[3])
    expires = column("expires", lambda row: row[4])
    status = column("status", lambda row: row[5])

    class Meta:
        export_order = ("number", "holder", "qualification", "issued", "expires", "status")

    def iter_queryset(self, queryset):
        # One ordinary query for all the rows, not the library's server-side cursor read in
        # chunks: PostgreSQL plans a cursor for its first rows (cursor_tuple_fraction), which
        # for a national register meant looking up each of 20,000 holders' memberships one by
        # one (490 ms) instead of hashing the manager's link workers once and sorting. The
        # file holds every row in memory anyway.
        return iter(queryset)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        # The text arrives safe from running as a formula (selectors._formula_safe); the status
        # is our own words.
        number, holder, qualification, issued, expires, status = instance
        if not kwargs.get("force_native_type"):
            # A CSV's dates as ISO text (an XLSX keeps them as dates).
            issued, expires = issued.isoformat(), expires.isoformat()
        return [number, holder, qualification, issued, expires, status]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a spreadsheet is built. Each of 20,000 rows is a few
    new lists, and the collector kept walking every object the process holds (hundreds of
    thousands: Django, Wagtail) as they piled up: 340 ms of the 380 ms building the register's
    table. Rows hold no reference cycles, so nothing waits to be collected; it runs again after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
