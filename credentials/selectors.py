"""Reads: signed credentials, status lists, the issuer's DID document, the holder's record."""

import base64
import datetime
import gzip
import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from certificates.models import Certificate
from certificates.open_badges import (
    CONTEXT,
    Profile,
    competency_result,
    holder_identity,
    instant,
    issuer_profile,
    result_description,
)
from competencies.evidence_rules import achievements
from competencies.selectors import default_curriculum, level_names
from curriculum.models import Competency
from workforce.models import User

from . import integrity
from .contexts import CLR_V2, MULTIKEY_V1, OPEN_BADGES_V3, VC_V2
from .keys import active_key, issuer_did, issuer_keys
from .models import SignedCredential, StatusList
from .profiles import competency_pages, scale_of
from .services import status_list_url


def signed_credential(certificate: Certificate) -> dict | None:
    """The certificate's credential as signed at issue; None if it was never signed."""
    row = SignedCredential.objects.filter(certificate=certificate).only("document").first()
    return row.document if row else None


def did_document() -> dict:
    """The issuer's did:web document: every published key, active or retired, as a Multikey
    that may assert credentials."""
    did = issuer_did()
    keys = issuer_keys()
    return {
        "@context": ["https://www.w3.org/ns/did/v1", MULTIKEY_V1],
        "id": did,
        "verificationMethod": [
            {
                "id": key.method_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.public_key_multibase,
            }
            for key in keys
        ],
        "assertionMethod": [key.method_id for key in keys],
    }


def revoked_indices(status_list_id: int) -> tuple[list[int], datetime.datetime | None]:
    """The list's indices whose certificates are revoked, and the latest revocation. One query."""
    rows = list(
        SignedCredential.objects.filter(
            status_list_id=status_list_id, certificate__revoked_at__isnull=False
        ).values_list("status_index", "certificate__revoked_at")
    )
    latest = max((revoked_at for _, revoked_at in rows), default=None)
    return sorted(index for index, _ in rows), latest


def encoded_list(length: int, indices: list[int]) -> str:
    """The bitstring, index 0 the first byte's leftmost bit, GZIP-compressed, as multibase
    base64url (no padding)."""
    bits = bytearray(length // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def status_list_credential(status_list_id: int) -> dict | None:
    """The signed BitstringStatusListCredential of a list, as the database has it now.

    Two queries. Signing is memoised in the cache under the set of revoked indices and the
    signing key, so a revocation is in the very next answer: it changes the key.
    """
    status_list = StatusList.objects.filter(pk=status_list_id).first()
    if status_list is None:
        return None
    indices, latest = revoked_indices(status_list_id)
    key = active_key()
    digest = hashlib.sha256(",".join(map(str, indices)).encode()).hexdigest()
    cache_key = (
        f"credentials:status:{status_list_id}:{key.method_id}:{digest}:{settings.SITE_BASE_URL}"
    )
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    url = status_list_url(status_list_id)
    # Dated by the latest change, so that the same list signs to the same document every time.
    as_of = latest or status_list.created_at
    document = {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": as_of.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": encoded_list(status_list.length, indices),
        },
    }
    signed = integrity.sign(document, key, created=as_of)
    cache.set(cache_key, signed, timeout=24 * 3600)
    return signed


def status_of(status_list_id: int, index: int) -> bool | None:
    """Whether the entry at `index` of our list is revoked; None for no such list or entry."""
    if not StatusList.objects.filter(pk=status_list_id).exists():
        return None
    entry = (
        SignedCredential.objects.filter(status_list_id=status_list_id, status_index=index)
        .select_related("certificate")
        .only("certificate__revoked_at")
        .first()
    )
    if entry is None:
        return False
    return entry.certificate.revoked_at is not None


def _competency_credentials(holder: User, issuer: dict, site_url: str) -> tuple[list, list]:
    """Each competency the holder shows at proficiency today, as an achievement and a signed
    credential carrying its level; empty when there is no live curriculum."""
    curriculum = default_curriculum()
    if curriculum is None:
        return [], []
    framework = curriculum.framework
    threshold = framework.proficiency_threshold
    if threshold is None:
        return [], []
    held = achievements([holder.pk], framework)
    competencies = {
        competency.pk: competency
        for competency in Competency.objects.filter(
            pk__in=[competency_id for _, competency_id in held]
        )
    }
    names = level_names(framework)
    rows = []
    for (_, competency_id), achievement in held.items():
        competency = competencies.get(competency_id)
        if competency is None or not achievement.level or achievement.level < threshold:
            continue
        rows.append(
            (
                competency.sort_order,
                {
                    "code": competency.id_number,
                    "title": competency.short_name,
                    "level": achievement.level,
                    "level_name": names.get(achievement.level, ""),
                    "on": achievement.on,
                },
            )
        )
    rows = [row for _, row in sorted(rows, key=lambda pair: (pair[0], pair[1]["code"]))]
    profile = Profile(
        issuer_id=issuer["id"],
        status_list_url="",
        status_index=0,
        framework_name=framework.short_name,
        scale=scale_of(framework),
        competencies=competency_pages(framework, [row["code"] for row in rows]),
    )
    key = active_key()
    now = timezone.now()
    achievements_held, credentials = [], []
    for row in rows:
        base = f"urn:link-worker-academy:competency:{framework.id_number}:{row['code']}"
        page = profile.competencies.get(row["code"])
        achievement = {
            "id": base,
            "type": ["Achievement"],
            "achievementType": "Competency",
            "humanCode": row["code"],
            "name": row["title"],
            "description": f"{row['code']} {row['title']}, in {framework.short_name}.",
            "criteria": {
                "narrative": "Shown at or above the proficiency level of the framework's scale, "
                "as its evidence rule requires."
            },
            "resultDescription": [result_description(base, row, profile)],
        }
        if page is not None:
            achievement["criteria"]["id"] = page.url
        achievements_held.append(achievement)
        credential = {
            "@context": CONTEXT,
            "id": f"urn:uuid:{uuid.uuid4()}",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": f"{row['code']} {row['title']}",
            "issuer": issuer,
            "validFrom": instant(row["on"]),
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": [holder_identity(holder.full_name)],
                "achievement": achievement,
                "result": [competency_result(base, row)],
            },
        }
        credentials.append(integrity.sign(credential, key, created=now))
    return achievements_held, credentials


def holder_record(holder: User) -> dict:
    """The holder's whole record as a signed 1EdTech CLR 2.0 ClrCredential: the signed
    credential of each certificate that stands, and each competency at proficiency today."""
    site_url = settings.SITE_BASE_URL
    certificates = list(
        Certificate.objects.filter(holder=holder, is_current=True)
        .select_related("signed_credential")
        .order_by("issued_on", "pk")
    )
    documents = [
        certificate.signed_credential.document
        for certificate in certificates
        if hasattr(certificate, "signed_credential")
    ]
    issuer = issuer_profile(Profile(issuer_did(), "", 0, "", ()), settings.SERVICE_NAME, site_url)
    competency_achievements, competency_credentials = _competency_credentials(
        holder, issuer, site_url
    )
    now = timezone.now()
    record = {
        "@context": [VC_V2, CLR_V2, OPEN_BADGES_V3],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": f"Learning record of {holder.full_name}",
        "description": f"Every certificate and competency {holder.full_name} holds at "
        f"{settings.SERVICE_NAME}, as on {timezone.localdate():%-d %B %Y}.",
        "issuer": issuer,
        "validFrom": now.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": [holder_identity(holder.full_name)],
            "achievement": [
                *(document["credentialSubject"]["achievement"] for document in documents),
                *competency_achievements,
            ],
            "verifiableCredential": [*documents, *competency_credentials],
        },
    }
    return integrity.sign(record, active_key(), created=now)
