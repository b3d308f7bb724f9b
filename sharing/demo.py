"""The demo's share link: Aisha's certificate, with its competency levels, for an interview."""

from certificates.demo import AISHA_EMAIL
from certificates.models import Certificate

from . import selectors, services
from .models import ShareDetail, ShareLink

AISHA_SHARE_LABEL = "For Riverside PCN interview"


def _aisha_share_link():
    """Aisha's demo share link while it still opens (links expire: a later run makes another)."""
    links = ShareLink.objects.filter(holder__email=AISHA_EMAIL, label=AISHA_SHARE_LABEL)
    return next((link for link in links if link.status_now.is_active), None)


def load() -> dict[str, int]:
    """Aisha shares her certificate with its competency levels, and the link is opened once."""
    certificate = Certificate.objects.filter(holder__email=AISHA_EMAIL, is_current=True).first()
    if certificate is None or _aisha_share_link() is not None:
        return {"share links": 0}
    link = services.share_link_create(
        holder=certificate.holder,
        certificate=certificate,
        label=AISHA_SHARE_LABEL,
        detail=ShareDetail.LEVELS,
    )
    services.share_link_opened(link=link)
    return {"share links": 1}


def share_link_address() -> str | None:
    """The address of Aisha's demo share link, for load_demo_data to print."""
    link = _aisha_share_link()
    return selectors.share_url(link) if link else None
