"""Writes: signing a certificate's credential once, at issue, with its place in a status list."""

import random

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from certificates.models import Certificate
from certificates.open_badges import Profile, achievement_credential
from certificates.services import verification_url

from . import integrity
from .keys import active_key, issuer_did
from .models import SignedCredential, StatusList
from .profiles import competency_pages, scale_of

# A list takes new entries until this share of it is used: entries are placed at random, so a
# list's indices say nothing about the order certificates were issued in.
_FILL = 0.5
_random = random.SystemRandom()


def status_list_url(status_list_id: int) -> str:
    return settings.SITE_BASE_URL + reverse("credentials:status_list", args=[status_list_id])


def _allocate_index() -> tuple[StatusList, int]:
    """A free index in the current status list, chosen at random. The list's row is locked while
    choosing, so two issues at once never take one index (the unique constraint also holds)."""
    current = StatusList.objects.select_for_update().order_by("-pk").first()
    if current is None or current.entries.count() >= current.length * _FILL:
        current = StatusList.objects.create()
        current = StatusList.objects.select_for_update().get(pk=current.pk)
    while True:
        index = _random.randrange(current.length)
        if not current.entries.filter(status_index=index).exists():
            return current, index


@transaction.atomic
def credential_sign(*, certificate: Certificate) -> SignedCredential:
    """Sign `certificate`'s Open Badges credential with the active key and keep it: called once,
    when the certificate is issued, inside the same transaction. Signing again returns the
    credential already signed."""
    existing = SignedCredential.objects.filter(certificate=certificate).first()
    if existing is not None:
        return existing
    status_list, index = _allocate_index()
    framework = certificate.framework_version.framework
    codes = [row["code"] for row in certificate.snapshot.get("competencies", [])]
    profile = Profile(
        issuer_id=issuer_did(),
        status_list_url=status_list_url(status_list.pk),
        status_index=index,
        framework_name=framework.short_name,
        scale=scale_of(framework),
        competencies=competency_pages(framework, codes),
    )
    document = achievement_credential(
        certificate,
        verification_url=verification_url(certificate.verification_code),
        site_url=settings.SITE_BASE_URL,
        profile=profile,
    )
    key = active_key()
    signed = SignedCredential.objects.create(
        certificate=certificate,
        status_list=status_list,
        status_index=index,
        document=integrity.sign(document, key, created=timezone.now()),
        verification_method=key.method_id,
    )
    # About the signed credential: the certificate's own history stays its issue and revocation.
    log(
        signed,
        "credentials.credential.sign",
        data={
            "number": certificate.number,
            "key": key.method_id,
            "status_list": status_list.pk,
            "status_index": index,
        },
    )
    return signed


def credentials_sign_missing() -> int:
    """Sign every certificate that has no signed credential yet (those issued before signing
    began), each in its own transaction. Returns how many were signed."""
    signed = 0
    missing = Certificate.objects.filter(signed_credential__isnull=True).order_by("pk")
    for certificate in missing.select_related("framework_version__framework", "qualification"):
        credential_sign(certificate=certificate)
        signed += 1
    return signed
