"""Reads about share links: a holder's links and their openings, what a shared page shows, and
the holder's "Add to LinkedIn" address. Each a fixed number of queries whatever the data size."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus
from certificates.selectors import certificates_of
from competencies.selectors import current_levels, default_curriculum, level_names
from curriculum.models import Competency
from workforce.models import User

from . import tokens
from .models import ShareDetail, ShareLink, ShareLinkOpening


def links_of(holder: User) -> QuerySet[ShareLink]:
    """The holder's share links, newest first, with the certificate each shows and
    `times_opened`. One query."""
    return (
        ShareLink.objects.filter(holder=holder)
        .select_related("certificate")
        .annotate(times_opened=Count("openings"))
        .order_by("-created_at", "-pk")
    )


def link_of(holder: User, pk: int) -> ShareLink | None:
    """One of the holder's own links; None for anyone else's, as for one that does not exist."""
    return links_of(holder).filter(pk=pk).first()


def openings_of(link: ShareLink) -> QuerySet[ShareLinkOpening]:
    """When `link` was opened, newest first: the time only, which is all that is kept."""
    return ShareLinkOpening.objects.filter(link=link).order_by("-opened_at", "-pk")


def share_url(link: ShareLink) -> str:
    """The link's public address; the site named from settings, never from a request."""
    return settings.SITE_BASE_URL + reverse("sharing:shared", args=[tokens.token_for(link.key)])


def link_by_token(token: str) -> ShareLink | None:
    """The link a visitor's token names, whatever its status; None for a wrong signature
    (without a query) or an unknown key. One query."""
    key = tokens.key_from(token)
    if key is None:
        return None
    return ShareLink.objects.select_related("holder", "certificate").filter(key=key).first()


@dataclass(frozen=True)
class SharedCertificate:
    """A certificate as a shared page shows it: what the verification page says, no more."""

    certificate: Certificate
    status: CertificateStatus
    verification_url: str


@dataclass(frozen=True)
class SharedCompetency:
    code: str
    title: str
    level: int
    level_name: str


@dataclass(frozen=True)
class SharedRecord:
    """What a share link shows: the holder's name and certificates, and, when the holder chose
    it, each competency with the level achieved."""

    holder_name: str
    whole_record: bool
    certificates: list[SharedCertificate]
    competencies: list[SharedCompetency] | None


def _verification_url(certificate: Certificate) -> str:
    return settings.SITE_BASE_URL + reverse(
        "certificates:verify", args=[certificate.verification_code]
    )


def shared_record(link: ShareLink, *, today: datetime.date | None = None) -> SharedRecord:
    """What `link` shows today. A certificate link shows that certificate and, with levels,
    the competencies its snapshot recorded at issue; a whole-record link shows every
    certificate of the holder and, with levels, each competency at the level that counts
    today."""
    today = today or timezone.localdate()
    shows_levels = ShareDetail(link.detail).shows_levels
    if link.certificate is not None:
        certificate = link.certificate
        competencies = None
        if shows_levels:
            competencies = [
                SharedCompetency(row["code"], row["title"], row["level"], row["level_name"])
                for row in certificate.snapshot.get("competencies", [])
            ]
        return SharedRecord(
            holder_name=certificate.holder_name,
            whole_record=False,
            certificates=[
                SharedCertificate(
                    certificate, certificate.status_on(today), _verification_url(certificate)
                )
            ],
            competencies=competencies,
        )
    holder = link.holder
    certificates = [
        SharedCertificate(certificate, certificate.status_today, _verification_url(certificate))
        for certificate in certificates_of(holder)
    ]
    return SharedRecord(
        holder_name=holder.full_name,
        whole_record=True,
        certificates=certificates,
        competencies=_current_competencies(holder, today) if shows_levels else None,
    )


def _current_competencies(holder: User, today: datetime.date) -> list[SharedCompetency]:
    """Each competency of the default curriculum's framework the holder has reached a level
    in, today, under its evidence rule (`competencies.selectors.current_levels`)."""
    curriculum = default_curriculum()
    if curriculum is None:
        return []
    framework = curriculum.framework
    levels = current_levels([holder.pk], framework, as_of=today)
    names = level_names(framework)
    competencies = (
        Competency.objects.filter(framework=framework, is_retired=False)
        .exclude(parent_id_number="")
        .order_by("sort_order", "pk")
    )
    shown = []
    for competency in competencies:
        level = levels.get((holder.pk, competency.pk), (0, None))[0]
        if level:
            shown.append(
                SharedCompetency(
                    competency.id_number, competency.short_name, level, names.get(level, "")
                )
            )
    return shown


# LinkedIn's "Add to profile" address for a certification (addtoprofile.linkedin.com): the
# member's own browser opens it and LinkedIn fills in its form; the server never calls LinkedIn.
LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def linkedin_add_url(certificate: Certificate) -> str:
    """The "Add to LinkedIn profile" address of `certificate`: its name, issuer, month of issue
    and of expiry, the public verification page and its verification code."""
    # The last valid day's month: a certificate valid until 30 November expires in November.
    expires = certificate.valid_until
    parameters = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.qualification_title,
        "organizationName": certificate.issuer_name,
        "issueYear": certificate.issued_on.year,
        "issueMonth": certificate.issued_on.month,
        "expirationYear": expires.year,
        "expirationMonth": expires.month,
        "certUrl": _verification_url(certificate),
        "certId": certificate.verification_code,
    }
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(parameters)}"
