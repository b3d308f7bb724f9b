"""The people and records the scenarios use, found in whichever database is being measured.

The seeded national database names them (`scale.seeding`); a database without them (a developer's
demo, a test's tiny world) falls back to the demo's accounts and to the first suitable records.
"""

from dataclasses import dataclass

from django.urls import reverse

from certificates.models import Certificate, CertificateStatus
from certificates.selectors import certificates_visible_to, with_status
from workforce.models import User

from .server import BenchError

# The demo's accounts, for a database that was not seeded by seed_scale.
_DEMO = {
    "BIG_MANAGER_EMAIL": "manager@example.org",
    "SMALL_MANAGER_EMAIL": "manager@example.org",
    "NATIONAL_MANAGER_EMAIL": "manager@example.org",
    "TYPICAL_WORKER_EMAIL": "linkworker@example.org",
    "ASSESSOR_EMAIL": "assessor@example.org",
    "SEED_PASSWORD": "demo-password",
}


def seeding_name(name: str):
    """A constant of `scale.seeding` (the seed helper's module), or the demo's equivalent."""
    try:
        from scale import seeding
    except ImportError:
        return _DEMO.get(name)
    return getattr(seeding, name, _DEMO.get(name))


@dataclass
class World:
    big_manager: User
    small_manager: User
    national_manager: User
    typical_worker: User
    assessor: User
    password: str
    verification_code: str
    # A certificate whose stored PDF is there, and who may download it through which page.
    pdf_certificate: Certificate | None
    pdf_user: User | None
    pdf_path: str


def _user(name: str, *, override: str | None = None) -> User:
    """The seeded account `name` names, or in a database without it the demo's."""
    emails = [override] if override else [seeding_name(name), _DEMO[name]]
    for email in emails:
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            return user
    raise BenchError(f"no account {' or '.join(emails)} ({name}) in this database")


def _password(override: str | None) -> str:
    """The seeded accounts' password, or the demo's in a database the seed did not make."""
    if override:
        return override
    seeded = seeding_name("SEED_PASSWORD")
    domain = seeding_name("SEED_EMAIL_DOMAIN")
    if domain and User.objects.filter(email__iendswith=f"@{domain}").exists():
        return seeded
    return _DEMO["SEED_PASSWORD"]


def _stored(certificate: Certificate) -> bool:
    try:
        return bool(certificate.pdf) and certificate.pdf.storage.exists(certificate.pdf.name)
    except Exception:  # any storage error means "not usable here"
        return False


def find_world(*, emails: dict[str, str] | None = None) -> World:
    """The scenarios' people and records; `emails` overrides the seeded names (tests)."""
    emails = emails or {}
    worker = _user("TYPICAL_WORKER_EMAIL", override=emails.get("TYPICAL_WORKER_EMAIL"))
    national = _user("NATIONAL_MANAGER_EMAIL", override=emails.get("NATIONAL_MANAGER_EMAIL"))
    valid = with_status(Certificate.objects.all()).filter(status=CertificateStatus.VALID)
    code = valid.order_by("pk").values_list("verification_code", flat=True).first()
    # The holder's own download (the link worker's page) when the typical worker holds one;
    # otherwise the national manager's download of someone's certificate.
    pdf_certificate, pdf_user, pdf_path = None, None, ""
    for certificate in Certificate.objects.filter(holder=worker).order_by("-pk")[:5]:
        if _stored(certificate):
            pdf_certificate, pdf_user = certificate, worker
            pdf_path = reverse("certificates:my_certificate_pdf", args=[certificate.number])
            break
    if pdf_certificate is None:
        for certificate in certificates_visible_to(national).filter(status=CertificateStatus.VALID)[
            :20
        ]:
            if _stored(certificate):
                pdf_certificate, pdf_user = certificate, national
                pdf_path = reverse("certificates:manage_pdf", args=[certificate.number])
                break
    if pdf_certificate is None:  # a database without the seed: the holder's own download
        for certificate in valid.select_related("holder")[:20]:
            if _stored(certificate):
                pdf_certificate, pdf_user = certificate, certificate.holder
                pdf_path = reverse("certificates:my_certificate_pdf", args=[certificate.number])
                break
    return World(
        big_manager=_user("BIG_MANAGER_EMAIL", override=emails.get("BIG_MANAGER_EMAIL")),
        small_manager=_user("SMALL_MANAGER_EMAIL", override=emails.get("SMALL_MANAGER_EMAIL")),
        national_manager=national,
        typical_worker=worker,
        assessor=_user("ASSESSOR_EMAIL", override=emails.get("ASSESSOR_EMAIL")),
        password=_password(emails.get("SEED_PASSWORD")),
        verification_code=code or "",
        pdf_certificate=pdf_certificate,
        pdf_user=pdf_user,
        pdf_path=pdf_path,
    )
