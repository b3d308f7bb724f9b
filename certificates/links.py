"""The short-lived signed link to a certificate's stored PDF (workforce/downloads.py)."""

from workforce.downloads import download_link

from .models import Certificate


def pdf_link(certificate: Certificate, *, seconds: int | None = None) -> str:
    """Where a browser downloads `certificate`'s stored PDF, as `<number>.pdf`.

    Only for someone already found to be allowed it (its holder, or a manager of its holder).
    Raises FileNotFoundError when the PDF is not in storage.
    """
    return download_link(
        "certificates",
        certificate.pdf.name,
        filename=f"{certificate.number}.pdf",
        content_type="application/pdf",
        seconds=seconds,
    )
