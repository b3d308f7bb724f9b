"""A certificate as an Open Badges 3.0 AchievementCredential, for wallets and other systems.

This builds the credential's content; `credentials` signs it once, at issue, and serves it. Only
the holder's name identifies them, as on the public page. The achievement aligns to the framework's
competencies (and the national frameworks they map to) and describes the rating scale; the subject
carries the level each competency was shown at when the certificate was issued.
"""

import datetime
from dataclasses import dataclass, field

from .models import Certificate

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXT = [VC_V2, OPEN_BADGES_V3]


@dataclass(frozen=True)
class NationalAlignment:
    """A national framework's section a competency maps to, e.g. ST0958 K3."""

    framework: str  # the framework's name, in words
    code: str
    title: str


@dataclass(frozen=True)
class CompetencyPage:
    """A competency's public page and the national framework references it maps to."""

    url: str
    national: tuple[NationalAlignment, ...] = ()


@dataclass(frozen=True)
class Profile:
    """What the credential says beyond the certificate: who signs it, where its status is, and
    the framework's scale and competency pages as they were when it was signed."""

    issuer_id: str  # the issuer's DID, whose document publishes its keys
    status_list_url: str
    status_index: int
    framework_name: str
    scale: tuple[tuple[int, str, str], ...]  # (value, name, description), lowest first
    competencies: dict[str, CompetencyPage] = field(default_factory=dict)


def instant(day: datetime.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def achievement_id(code: str) -> str:
    return f"urn:link-worker-academy:qualification:{code}"


def _alignment(name: str, url: str, code: str, framework: str) -> dict:
    return {
        "type": ["Alignment"],
        "targetName": name,
        "targetUrl": url,
        "targetCode": code,
        "targetFramework": framework,
        "targetType": "ceasn:Competency",
    }


def competency_alignment(row: dict, profile: Profile) -> dict | None:
    """The alignment to a competency of the snapshot, when its page is known."""
    page = profile.competencies.get(row["code"])
    if page is None:
        return None
    return _alignment(
        f"{row['code']} {row['title']}", page.url, row["code"], profile.framework_name
    )


def national_alignments(rows: list[dict], profile: Profile) -> list[dict]:
    """Each national framework reference the competencies map to, once; its target is the
    competency page, which publishes the mapping."""
    seen = {}
    for row in rows:
        page = profile.competencies.get(row["code"])
        for reference in page.national if page else ():
            key = (reference.framework, reference.code)
            if key not in seen:
                seen[key] = _alignment(
                    f"{reference.code} {reference.title}",
                    page.url,
                    reference.code,
                    reference.framework,
                )
    return list(seen.values())


def level_id(result_id: str, value: int) -> str:
    return f"{result_id}/levels/{value}"


def result_description(base: str, row: dict, profile: Profile) -> dict:
    """A competency's rating scale, as the result it is judged by."""
    result_id = f"{base}/competencies/{row['code']}"
    description = {
        "id": result_id,
        "type": ["ResultDescription"],
        "name": f"{row['code']} {row['title']}: level shown",
        "resultType": "RubricCriterionLevel",
        "allowedValue": [name for _, name, _ in profile.scale],
        "rubricCriterionLevel": [
            {
                "id": level_id(result_id, value),
                "type": ["RubricCriterionLevel"],
                "name": name,
                "level": str(value),
                **({"description": words} if words else {}),
            }
            for value, name, words in profile.scale
        ],
    }
    alignment = competency_alignment(row, profile)
    if alignment:
        description["alignment"] = [alignment]
    return description


def competency_result(base: str, row: dict) -> dict:
    """The level a competency was shown at."""
    result_id = f"{base}/competencies/{row['code']}"
    return {
        "type": ["Result"],
        "resultDescription": result_id,
        "achievedLevel": level_id(result_id, row["level"]),
        "value": row["level_name"],
    }


def holder_identity(name: str) -> dict:
    return {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": name}


def issuer_profile(profile: Profile, name: str, site_url: str) -> dict:
    return {"id": profile.issuer_id, "type": ["Profile"], "name": name, "url": f"{site_url}/"}


def achievement_credential(
    certificate: Certificate, *, verification_url: str, site_url: str, profile: Profile
) -> dict:
    """The Open Badges 3.0 AchievementCredential of `certificate` (schema: 1EdTech's
    ob_v3p0_achievementcredential JSON Schema), ready to sign."""
    code = certificate.qualification.code
    # The qualification's words as they were on the day of issue, like everything else here.
    description = certificate.snapshot.get("qualification_description") or (
        certificate.qualification_title
    )
    base = achievement_id(code)
    rows = certificate.snapshot.get("competencies", [])
    alignments = [competency_alignment(row, profile) for row in rows]
    achievement = {
        "id": base,
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "humanCode": code,
        "name": certificate.qualification_title,
        "description": description,
        "criteria": {"narrative": description, "id": f"{site_url}/curriculum/"},
        "version": certificate.snapshot["curriculum"],
    }
    alignments = [a for a in alignments if a] + national_alignments(rows, profile)
    if alignments:
        achievement["alignment"] = alignments
    if rows:
        achievement["resultDescription"] = [result_description(base, row, profile) for row in rows]
    subject = {
        "type": ["AchievementSubject"],
        "identifier": [holder_identity(certificate.holder_name)],
        "achievement": achievement,
    }
    if rows:
        subject["result"] = [competency_result(base, row) for row in rows]
    signatures = _signatures(certificate.snapshot)
    if signatures:
        # The award's sign-off and countersignature, as the certificate prints them.
        subject["narrative"] = signatures
    return {
        "@context": CONTEXT,
        "id": verification_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.qualification_title,
        "issuer": issuer_profile(profile, certificate.issuer_name, site_url),
        "validFrom": instant(certificate.issued_on),
        "validUntil": instant(certificate.expires_on),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{profile.status_list_url}#{profile.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(profile.status_index),
            "statusListCredential": profile.status_list_url,
        },
    }


def _signatures(snapshot: dict) -> str:
    """ "Signed off by A, 2026-11-26. Countersigned by B, named supervisor, 2026-11-27." """
    sentences = []
    for entry in snapshot.get("signoffs", []):
        if entry.get("kind"):
            words = [f"{entry['role']} {entry['name']}", entry.get("as"), entry["date"]]
            sentences.append(", ".join(word for word in words if word) + ".")
    return " ".join(sentences)
