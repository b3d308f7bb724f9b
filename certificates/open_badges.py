"""A certificate as an Open Badges 3.0 AchievementCredential, for wallets and other systems.

Unsigned: its proof is the verification page it points to (`id`), which says whether it still
stands. Only the holder's name identifies them, as on the public page.
"""

import datetime

from .models import Certificate

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _instant(day: datetime.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def achievement_credential(
    certificate: Certificate, *, verification_url: str, site_url: str
) -> dict:
    """The Open Badges 3.0 AchievementCredential of `certificate` (schema: 1EdTech's
    ob_v3p0_achievementcredential JSON Schema)."""
    code = certificate.qualification.code
    # The qualification's words as they were on the day of issue, like everything else here.
    description = certificate.snapshot.get("qualification_description") or (
        certificate.qualification_title
    )
    subject = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": certificate.holder_name,
            }
        ],
        "achievement": {
            "id": f"urn:link-worker-academy:qualification:{code}",
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "humanCode": code,
            "name": certificate.qualification_title,
            "description": description,
            "criteria": {"narrative": description, "id": f"{site_url}/curriculum/"},
            "version": certificate.snapshot["curriculum"],
        },
    }
    signatures = _signatures(certificate.snapshot)
    if signatures:
        # The award's sign-off and countersignature, as the certificate prints them.
        subject["narrative"] = signatures
    return {
        "@context": CONTEXT,
        "id": verification_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.qualification_title,
        "issuer": {
            "id": f"{site_url}/",
            "type": ["Profile"],
            "name": certificate.issuer_name,
            "url": f"{site_url}/",
        },
        "validFrom": _instant(certificate.issued_on),
        "validUntil": _instant(certificate.expires_on),
        "credentialSubject": subject,
    }


def _signatures(snapshot: dict) -> str:
    """ "Signed off by A, 2026-11-26. Countersigned by B, named supervisor, 2026-11-27." """
    sentences = []
    for entry in snapshot.get("signoffs", []):
        if entry.get("kind"):
            words = [f"{entry['role']} {entry['name']}", entry.get("as"), entry["date"]]
            sentences.append(", ".join(word for word in words if word) + ".")
    return " ".join(sentences)
