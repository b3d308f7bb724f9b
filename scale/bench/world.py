"""The people and records the scenarios use, found in whichever database is being measured.

The seeded national database names them (`scale.seeding`); a database without them (a developer's
demo, a test's tiny world) falls back to the demo's accounts and to the first suitable records.
"""

from dataclasses import dataclass

from django.urls import reverse

from certificates.models import Certificate
from workforce.models import User

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
    email = override or seeding_name(name)
    try:
        return User.objects.get(email__iexact=email)
    except User.DoesNotExist as missing:
        raise LookupError(f"no account {email} ({name}) in this database") from missing


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
    codes = seeding_name("SAMPLE_VERIFICATION_CODES") or []
    valid = Certificate.objects.filter(revoked_at__isnull=True, is_current=True).order_by("pk")
    code = codes[0] if codes else valid.values_list("verification_code", flat=True).first()
    # The holder's own download (the link worker's page) when the typical worker holds one;
    # otherwise the national manager's download of someone's certificate.
    pdf_certificate, pdf_user, pdf_path = None, None, ""
    for certificate in Certificate.objects.filter(holder=worker).order_by("-pk")[:5]:
        if _stored(certificate):
            pdf_certificate, pdf_user = certificate, worker
            pdf_path = reverse("certificates:my_certificate_pdf", args=[certificate.number])
            break
    if pdf_certificate is None:
        for certificate in valid[:20]:
            if _stored(certificate):
                pdf_certificate, pdf_user = certificate, national
                pdf_path = reverse("certificates:manage_pdf", args=[certificate.number])
                break
    return World(
        big_manager=_user("BIG_MANAGER_EMAIL", override=emails.get("BIG_MANAGER_EMAIL")),
        small_manager=_user("SMALL_MANAGER_EMAIL", override=emails.get("SMALL_MANAGER_EMAIL")),
        national_manager=national,
        typical_worker=worker,
        assessor=_user("ASSESSOR_EMAIL", override=emails.get("ASSESSOR_EMAIL")),
        password=emails.get("SEED_PASSWORD") or seeding_name("SEED_PASSWORD") or "",
        verification_code=code or "",
        pdf_certificate=pdf_certificate,
        pdf_user=pdf_user,
        pdf_path=pdf_path,
    )
