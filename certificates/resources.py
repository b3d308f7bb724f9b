"""The certificate register as a spreadsheet (CSV or XLSX), through django-import-export."""

from workforce.spreadsheets import SafeResource, column


class CertificateRegisterResource(SafeResource):
    """One row per certificate: number, holder, qualification, issued, expires and status.

    Rows come from `selectors.certificates_visible_to`, which annotates each one's status.
    """

    number = column("number", lambda c: c.number)
    holder = column("holder", lambda c: c.holder_name)
    qualification = column("qualification", lambda c: c.qualification_title)
    issued = column("issued", lambda c: c.issued_on)
    expires = column("expires", lambda c: c.valid_until)
    status = column("status", lambda c: c.status_today.label)

    class Meta:
        export_order = ("number", "holder", "qualification", "issued", "expires", "status")

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if field.column_name in ("issued", "expires") and not kwargs.get("force_native_type"):
            return value.isoformat()
        return value
