"""Checking a credential someone pasted or uploaded: ours, or a record exported from here.

Each check is reported on its own, in words: the signature, the issuer's key, the status list,
the validity dates and the schema. Nothing is fetched: keys, status and contexts are our own.
"""

import datetime
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
from django.conf import settings
from django.db import models
from django.urls import Resolver404, resolve
from django.utils import timezone

from . import integrity
from .keys import issuer_did
from .selectors import status_of

SCHEMA_FILE = (
    Path(__file__).resolve().parent / "schemas" / "ob_v3p0_achievementcredential_schema.json"
)
_SCHEMA_ERRORS_SHOWN = 3


class CheckState(models.TextChoices):
    """What one check of a credential found."""

    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    NOT_CHECKED = "not_checked", "Not checked"


@dataclass(frozen=True)
class Check:
    """One check and what it found."""

    name: str
    state: str
    message: str

    @property
    def passed(self) -> bool:
        return self.state == CheckState.PASSED

    @property
    def failed(self) -> bool:
        return self.state == CheckState.FAILED

    def as_dict(self) -> dict:
        return {"check": self.name, "result": str(self.state), "message": self.message}


@dataclass(frozen=True)
class Report:
    """Every check of one credential, and of each credential a record holds."""

    kind: str  # "OpenBadgeCredential", "ClrCredential", or what the document says it is
    name: str
    checks: list[Check]
    inner: list["Report"] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(check.failed for check in self.checks) and all(
            report.valid for report in self.inner
        )

    @property
    def summary(self) -> str:
        if self.valid:
            return "Valid: issued by us, unchanged since it was signed, and not revoked."
        failed = [check.name.lower() for check in self.checks if check.failed]
        if any(not report.valid for report in self.inner):
            failed.append("a credential inside it")
        return "Not valid: " + ", ".join(failed) + " failed."

    def as_dict(self) -> dict:
        data = {
            "valid": self.valid,
            "summary": self.summary,
            "type": self.kind,
            "name": self.name,
            "checks": [check.as_dict() for check in self.checks],
        }
        if self.inner:
            data["credentials"] = [report.as_dict() for report in self.inner]
        return data


class NotACredential(ValueError):
    """The text is not a credential at all: not JSON, or not a JSON object."""


def parse(text: str) -> dict:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotACredential(
            f"This is not JSON (line {error.lineno}, column {error.colno}: {error.msg}), so it "
            "cannot be a credential. Paste the whole file as it was downloaded."
        ) from error
    if not isinstance(document, dict):
        raise NotACredential("This JSON is not an object, so it cannot be a credential.")
    return document


def _types(document: dict) -> list[str]:
    types = document.get("type", [])
    return [types] if isinstance(types, str) else [t for t in types if isinstance(t, str)]


def _signature(document: dict) -> tuple[Check, Check]:
    proof = integrity.verify(document)
    if proof.key is None:
        return (
            Check("Signature", CheckState.FAILED, proof.message),
            Check("Issuer key", CheckState.FAILED, "The key that signed it is not one we publish."),
        )
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != issuer_did():
        key = Check(
            "Issuer key",
            CheckState.FAILED,
            f"It names {issuer_id!r} as its issuer, but our key signed it: the two must match.",
        )
    else:
        standing = "our active signing key" if proof.key.active else "a retired key of ours"
        key = Check(
            "Issuer key",
            CheckState.PASSED,
            f"Key {proof.key.key_id} is {standing}, published in our DID document "
            f"({issuer_did()}).",
        )
    if not proof.valid:
        return Check("Signature", CheckState.FAILED, proof.message), key
    return (
        Check(
            "Signature",
            CheckState.PASSED,
            f"{proof.message} Proof: {integrity.PROOF_TYPE} ({integrity.CRYPTOSUITE}) by key "
            f"{proof.key.key_id}.",
        ),
        key,
    )


def _our_status_list(url: str) -> int | None:
    base = settings.SITE_BASE_URL
    if not isinstance(url, str) or not url.startswith(base + "/"):
        return None
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    if match.view_name != "credentials:status_list":
        return None
    return match.kwargs["status_list_id"]


def _status(document: dict, *, required: bool) -> Check:
    entry = document.get("credentialStatus")
    if entry is None:
        if required:
            return Check("Status", CheckState.FAILED, "It has no status entry to check.")
        return Check(
            "Status",
            CheckState.NOT_CHECKED,
            "It has no status entry: it is a record of the day it was made, not revocable.",
        )
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return Check(
            "Status", CheckState.FAILED, "Its status entry is not a Bitstring Status List."
        )
    list_id = _our_status_list(entry.get("statusListCredential"))
    try:
        index = int(entry.get("statusListIndex"))
    except (TypeError, ValueError):
        index = None
    if list_id is None or index is None:
        return Check("Status", CheckState.FAILED, "Its status entry does not point into our lists.")
    revoked = status_of(list_id, index)
    if revoked is None:
        return Check("Status", CheckState.FAILED, "Its status list does not exist here.")
    if revoked:
        return Check(
            "Status",
            CheckState.FAILED,
            f"Revoked: entry {index} of our status list {list_id} is set.",
        )
    return Check(
        "Status", CheckState.PASSED, f"Not revoked (entry {index} of status list {list_id})."
    )


def _moment(value) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _dates(document: dict) -> Check:
    now = timezone.now()
    valid_from = _moment(document.get("validFrom"))
    if valid_from is None:
        return Check("Validity dates", CheckState.FAILED, "Its validFrom is missing or not a date.")
    if valid_from > now + datetime.timedelta(minutes=5):
        return Check(
            "Validity dates", CheckState.FAILED, f"It is not valid until {valid_from:%-d %B %Y}."
        )
    if "validUntil" in document:
        valid_until = _moment(document["validUntil"])
        if valid_until is None:
            return Check("Validity dates", CheckState.FAILED, "Its validUntil is not a date.")
        if valid_until <= now:
            return Check(
                "Validity dates",
                CheckState.FAILED,
                f"Expired: it was valid until {valid_until:%-d %B %Y}.",
            )
        return Check(
            "Validity dates",
            CheckState.PASSED,
            f"Valid from {valid_from:%-d %B %Y} until {valid_until:%-d %B %Y}.",
        )
    return Check("Validity dates", CheckState.PASSED, f"Valid from {valid_from:%-d %B %Y}.")


@cache
def _ob3_validator() -> jsonschema.Draft201909Validator:
    return jsonschema.Draft201909Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def schema_errors(document: dict) -> list[str]:
    """The OB 3.0 AchievementCredential schema's complaints about `document`, where each is."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or 'the top level'}: {error.message}"
        for error in _ob3_validator().iter_errors(document)
    ]


def _schema(document: dict) -> Check:
    errors = schema_errors(document)
    if errors:
        shown = "; ".join(errors[:_SCHEMA_ERRORS_SHOWN])
        more = f" (and {len(errors) - _SCHEMA_ERRORS_SHOWN} more)" if len(errors) > 3 else ""
        return Check(
            "Schema",
            CheckState.FAILED,
            f"It does not follow the Open Badges 3.0 schema: {shown}{more}.",
        )
    return Check("Schema", CheckState.PASSED, "It follows the Open Badges 3.0 schema.")


def _badge_report(document: dict, *, inside_record: bool) -> Report:
    signature, key = _signature(document)
    return Report(
        kind="OpenBadgeCredential",
        name=str(document.get("name", "")),
        checks=[
            signature,
            key,
            _status(document, required=not inside_record),
            _dates(document),
            _schema(document),
        ],
    )


def check(document: dict) -> Report:
    """Check a credential, reporting each check in words."""
    types = _types(document)
    if "ClrCredential" in types:
        signature, key = _signature(document)
        subject = document.get("credentialSubject")
        inner = subject.get("verifiableCredential", []) if isinstance(subject, dict) else []
        # Each certificate inside keeps its own status entry; a competency's has none.
        reports = [
            _badge_report(item, inside_record=True)
            for item in (inner if isinstance(inner, list) else [])
            if isinstance(item, dict)
        ]
        return Report(
            kind="ClrCredential",
            name=str(document.get("name", "")),
            checks=[
                signature,
                key,
                Check(
                    "Status",
                    CheckState.NOT_CHECKED,
                    "A record has no status of its own: each certificate in it is checked "
                    "against our status list below.",
                ),
                _dates(document),
                Check(
                    "Schema",
                    CheckState.NOT_CHECKED,
                    "The record's CLR 2.0 schema is not checked here; each credential in it is "
                    "checked against the Open Badges 3.0 schema below.",
                ),
            ],
            inner=reports,
        )
    if "OpenBadgeCredential" in types or "AchievementCredential" in types:
        return _badge_report(document, inside_record=False)
    return Report(
        kind=", ".join(types) or "unknown",
        name=str(document.get("name", "")),
        checks=[
            Check(
                "Type",
                CheckState.FAILED,
                "It is not an Open Badges credential or a learner record from this service.",
            )
        ],
    )
