"""The issuer's Ed25519 signing keys, from configuration only, and how it publishes them.

`CREDENTIAL_SIGNING_KEYS` holds `id=seed` pairs separated by commas, the active key first; a seed
is the key's 32 secret bytes in base64url. Keys after the first no longer sign but stay
published, as do `CREDENTIAL_RETIRED_KEYS` (`id=publicKeyMultibase`, for keys whose secret has
been destroyed), so that what they signed still verifies. Rotating is putting the new key first.

Without configured keys, a developer's machine, the demo and the tests use the key in
`CREDENTIAL_SIGNING_KEY_FILE`, made on first use; production settings set no file and refuse to
start without `CREDENTIAL_SIGNING_KEYS`.
"""

import base64
import os
import re
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlsplit

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# The multicodec prefix of an Ed25519 public key (0xed, as an unsigned varint), as Multikey has it.
_ED25519_PUBLIC = b"\xed\x01"
_KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass(frozen=True)
class IssuerKey:
    """One of the issuer's keys: its id, public key, and secret key when it can still sign."""

    key_id: str
    public_key: Ed25519PublicKey
    private_key: Ed25519PrivateKey | None
    active: bool

    @property
    def method_id(self) -> str:
        """Its verification method in the issuer's DID document, e.g. did:web:host#2026-11."""
        return f"{issuer_did()}#{self.key_id}"

    @property
    def public_key_multibase(self) -> str:
        raw = self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return multibase_base58btc(_ED25519_PUBLIC + raw)

    def sign(self, data: bytes) -> bytes:
        if self.private_key is None:
            raise ImproperlyConfigured(f"Key {self.key_id} is retired: it no longer signs.")
        return self.private_key.sign(data)


def multibase_base58btc(data: bytes) -> str:
    """Multibase base58btc: "z" then the Bitcoin base58 alphabet."""
    return "z" + base58.b58encode(data).decode("ascii")


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    """The Ed25519 key of a Multikey `publicKeyMultibase` (z6Mk…); ValueError if it is not one."""
    if not value.startswith("z"):
        raise ValueError("A Multikey public key is base58btc, starting with z.")
    raw = base58.b58decode(value[1:])
    if len(raw) != 34 or not raw.startswith(_ED25519_PUBLIC):
        raise ValueError("Not an Ed25519 Multikey public key.")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def issuer_did() -> str:
    """The issuer's did:web, named after SITE_BASE_URL's host (a port is percent-encoded)."""
    parts = urlsplit(settings.SITE_BASE_URL)
    did = "did:web:" + quote(parts.netloc, safe="")
    path = parts.path.strip("/")
    return did + "".join(":" + quote(segment, safe="") for segment in path.split("/") if path)


def _pairs(value: str, setting: str) -> list[tuple[str, str]]:
    pairs = []
    for item in value.replace("\n", ",").split(","):
        item = item.strip()
        if not item:
            continue
        key_id, separator, material = item.partition("=")
        if not separator or not _KEY_ID.match(key_id.strip()):
            raise ImproperlyConfigured(
                f"{setting}: each key is written id=value, the id in letters, digits, '.', '_' "
                f"or '-' (found {key_id.strip()[:20]!r})."
            )
        pairs.append((key_id.strip(), material.strip()))
    return pairs


def _seed(text: str, key_id: str) -> Ed25519PrivateKey:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as error:
        raise ImproperlyConfigured(f"Signing key {key_id} is not base64url.") from error
    if len(raw) != 32:
        raise ImproperlyConfigured(f"Signing key {key_id} must be 32 bytes, not {len(raw)}.")
    return Ed25519PrivateKey.from_private_bytes(raw)


def new_seed() -> str:
    """A fresh signing key's secret, as CREDENTIAL_SIGNING_KEYS writes it."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode("ascii")


def _key_file_entries(path: Path) -> str:
    """The local key file's `id=seed`, written (readable by its owner only) if missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once do not each write a different key.
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(handle, "w") as file:
                file.write(f"local-1={new_seed()}\n")
    return path.read_text(encoding="utf-8")


@cache
def _configured(signing: str, retired: str, key_file: str | None) -> tuple[IssuerKey, ...]:
    if not signing.strip() and key_file:
        signing = _key_file_entries(Path(key_file))
    keys = []
    for position, (key_id, seed) in enumerate(_pairs(signing, "CREDENTIAL_SIGNING_KEYS")):
        private = _seed(seed, key_id)
        keys.append(IssuerKey(key_id, private.public_key(), private, active=position == 0))
    for key_id, multibase in _pairs(retired, "CREDENTIAL_RETIRED_KEYS"):
        try:
            public = public_key_from_multibase(multibase)
        except ValueError as error:
            raise ImproperlyConfigured(f"Retired key {key_id}: {error}") from error
        keys.append(IssuerKey(key_id, public, None, active=False))
    if not keys:
        raise ImproperlyConfigured(
            "No credential signing key: set CREDENTIAL_SIGNING_KEYS (id=seed, the active key "
            "first; make a seed with `python manage.py credential_key`)."
        )
    ids = [key.key_id for key in keys]
    if len(set(ids)) != len(ids):
        raise ImproperlyConfigured("Two credential keys share an id; each key needs its own.")
    return tuple(keys)


def issuer_keys() -> tuple[IssuerKey, ...]:
    """Every key the issuer publishes, the active one first."""
    key_file = settings.CREDENTIAL_SIGNING_KEY_FILE
    return _configured(
        settings.CREDENTIAL_SIGNING_KEYS,
        settings.CREDENTIAL_RETIRED_KEYS,
        str(key_file) if key_file else None,
    )


def active_key() -> IssuerKey:
    return issuer_keys()[0]


def key_for_method(method_id: str) -> IssuerKey | None:
    """The published key a proof's `verificationMethod` names, or None if it is not ours."""
    return next((key for key in issuer_keys() if key.method_id == method_id), None)
