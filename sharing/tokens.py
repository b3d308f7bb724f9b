"""Share link addresses: a random key, signed with SECRET_KEY.

The database keeps only the key, so a copy of it (a backup, a replica, an export) opens no shared
page, which is what storing a hash would give; unlike a hash, the holder can see their address
again and the demo prints it on every run. A visitor's token is checked in constant time before
any query: a guessed or altered token costs no database look-up and answers like an unknown one.
"""

import secrets

from django.core import signing

_SIGNER_SALT = "sharing.share-link"
_SEPARATOR = "."


def _signer() -> signing.Signer:
    # SECRET_KEY_FALLBACKS keep old addresses working while the key is rotated.
    return signing.Signer(salt=_SIGNER_SALT, sep=_SEPARATOR)


def new_key() -> str:
    """128 random bits, URL-safe (22 characters)."""
    return secrets.token_urlsafe(16)


def token_for(key: str) -> str:
    return _signer().sign(key)


def key_from(token: str) -> str | None:
    """The key a token carries, or None when its signature is wrong."""
    try:
        return _signer().unsign(token)
    except signing.BadSignature:
        return None
