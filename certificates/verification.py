"""The public check's own use of the shared cache: each certificate's public row kept by its
verification code, and checks counted there and written to the database in batches.

A check is the busiest request there is (a QR code scanned by a room of people, employers'
systems asking again and again), and two statements a check, the row read and the check
appended, were most of its cost. With `settings.VERIFICATION_CACHE` on (by default when the
cache is shared, Redis), a check of a code seen before needs no statement at all:

- The row the public may see is kept under its code, as read. Only a revoke or a renewal changes
  it (the database refuses any other change to an issued certificate), and both save the row:
  before the save, `certificate_changing` puts a "changed" mark in its place for
  `CHANGED_SECONDS`, so that every check until then reads the database, and readers only ever
  *add* a row where there is none. A reader that read the old row before the change committed
  finds the mark there and keeps nothing; once the mark lapses, the next reader keeps the new
  row. So a revoke shows on the very next check, whichever server answers it.
- Each check adds one to the certificate's count in the cache. The first check after
  `FLUSH_SECONDS`, or the one that makes `FLUSH_EVERY`, takes the count and appends it to the
  database as one CertificateCheck row with that `count`; `flush_certificate_checks` writes
  whatever is left (run it every few minutes). A count is never updated in place, only taken
  from the cache (atomically: two servers cannot both take it) and appended.

Status is never kept: it is worked out on every check from the row and today's date.
"""

import os
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from redis import exceptions as redis_errors

from .models import Certificate

ROW_SECONDS = 24 * 60 * 60  # a row unread for a day is dropped (it is read again when asked)
CHANGED_SECONDS = 10 * 60  # longer than any revoke's or renewal's transaction
FLUSH_SECONDS = 60
FLUSH_EVERY = 100

# What the verification selectors read (certificates.selectors._PUBLIC_CERTIFICATE_SQL); a kept
# certificate's snapshot holds only its sign-offs, all that the check shows.
PUBLIC_FIELDS = (
    "id",
    "number",
    "verification_code",
    "holder_name",
    "qualification_title",
    "issuer_name",
    "issued_on",
    "expires_on",
    "renewal_due_on",
    "snapshot",
    "is_current",
    "revoked_at",
    "revocation_reason",
)
_CHANGED = "changed"


def enabled() -> bool:
    return bool(getattr(settings, "VERIFICATION_CACHE", False))


def _row_key(code: str) -> str:
    return f"verify:row:{code}"


def _count_key(code: str) -> str:
    return f"verify:checks:{code}"


def _flushed_key(code: str) -> str:
    return f"verify:flushed:{code}"


# One check, in one round trip: the kept row, the count after this check, and when counts were
# last written, as three plain commands sent together on this thread's own connection. Not
# redis-py's client (its pool, pipeline and parser cost four times the round trip in Python),
# nor a Lua script (seventeen microseconds of Redis's time a call against two for the three
# commands). Atomicity is not needed: each command stands alone.
class _Lane(threading.local):
    connection = None
    pid = 0
    where: tuple | None = None


_lane = _Lane()
# Each code's three commands, packed for the wire, by cache (its server, prefix and version).
_commands: dict[tuple, list[bytes]] = {}
_COMMANDS_MAX = 4096
# Kept rows as they came from Redis, and the certificate each makes: unpickling a row and
# making its model instance cost more than the round trip. Only an identical row is found
# here, and a revoke or renewal replaces the row (with the "changed" mark, then the new row),
# so nothing stale is: a shared instance, only ever read.
_certificates: dict[bytes, Certificate] = {}
_CERTIFICATES_MAX = 1024


def reset() -> None:
    """Forget this thread's connection and what was packed or made for the cache (when the
    cache's settings change, as in tests)."""
    if _lane.connection is not None and _lane.pid == os.getpid():
        _lane.connection.disconnect()
    _lane.connection, _lane.where = None, None
    _commands.clear()
    _certificates.clear()


def _redis() -> RedisCache | None:
    backend = caches["default"]  # `cache` is a proxy to it
    return backend if isinstance(backend, RedisCache) else None


def _where(backend: RedisCache) -> tuple:
    # Writes go to the first server.
    return (backend._servers[0], backend.key_prefix, backend.version)


def _command(backend: RedisCache, where: tuple, code: str) -> list[bytes]:
    command = _commands.get((where, code))
    if command is None:
        row, count, flushed = (backend.make_and_validate_key(key) for key in _keys(code))
        connection = _connection(backend, where)
        command = [
            b"".join(connection.pack_commands([("GET", row), ("INCR", count), ("GET", flushed)]))
        ]
        if len(_commands) >= _COMMANDS_MAX:
            _commands.clear()
        _commands[(where, code)] = command
    return command


def _connection(backend: RedisCache, where: tuple):
    """This thread's connection to the cache's Redis, made as its pool would make one; a new
    one in a forked process (a connection is never shared with a parent) or for other settings."""
    if _lane.connection is None or _lane.pid != os.getpid() or _lane.where != where:
        pool = backend._cache.get_client(write=True).connection_pool
        _lane.connection = pool.connection_class(**pool.connection_kwargs)
        _lane.pid, _lane.where = os.getpid(), where
    return _lane.connection


def _round_trip(backend: RedisCache, code: str) -> tuple[bytes | None, int, bytes | None]:
    where = _where(backend)
    command = _command(backend, where, code)
    connection = _connection(backend, where)
    try:
        # A connection Redis has closed (a restart, an idle timeout) still takes what is sent
        # and fails only on reading; so, as redis-py's pool does before lending one, a
        # connection with anything to read is dropped before the commands go.
        if connection.can_read(timeout=0):
            raise redis_errors.ConnectionError("unexpected data on the connection")
    except redis_errors.ConnectionError:
        connection.disconnect()
    try:
        connection.send_packed_command(command, check_health=False)
        return connection.read_response(), connection.read_response(), connection.read_response()
    except BaseException:
        # Whatever was not read is still on the wire: never use this connection again.
        connection.disconnect()
        _lane.connection = None
        raise


def _checked(code: str) -> tuple[object, int, float | None]:
    """Count one check of `code`: (its kept row or None, its count, when last written)."""
    backend = _redis()
    if backend is None:
        cache.add(_count_key(code), 0, timeout=None)
        count = cache.incr(_count_key(code))
        return cache.get(_row_key(code)), count, cache.get(_flushed_key(code))
    row, count, flushed = _round_trip(backend, code)
    # Django's serializer stores integers as such (INCR's count reads back as an int) and
    # pickles anything else.
    loads = backend._cache._serializer.loads
    if row is not None:
        row = _certificates.get(row) or _made(row, loads(row))
    return row, count, loads(flushed) if flushed is not None else None


def _made(raw: bytes, row: object) -> object:
    """The certificate a kept row makes, remembered by the row's bytes; the "changed" mark as
    it is."""
    certificate = _certificate(row)
    if certificate is None:
        return row
    if len(_certificates) >= _CERTIFICATES_MAX:
        _certificates.clear()
    _certificates[raw] = certificate
    return certificate


def _keys(code: str) -> tuple[str, str, str]:
    return _row_key(code), _count_key(code), _flushed_key(code)


def _due(count: int, flushed: float | None) -> bool:
    return count >= FLUSH_EVERY or flushed is None or time.time() - flushed >= FLUSH_SECONDS


# --- The public row --------------------------------------------------------------------------


def _certificate(row: object) -> Certificate | None:
    if isinstance(row, Certificate):  # made from the same row before (`_made`)
        return row
    if not isinstance(row, dict):  # not kept, or the "changed" mark
        return None
    certificate = Certificate.from_db(
        "default", PUBLIC_FIELDS, [row[name] for name in PUBLIC_FIELDS]
    )
    certificate.successor_code = row["successor_code"]
    return certificate


def kept_certificate(code: str) -> Certificate | None:
    """The certificate `code` names as kept in the cache, with `successor_code`; None when it is
    not kept (or is changing): read the database then."""
    return _certificate(cache.get(_row_key(code)))


def keep(certificate: Certificate) -> None:
    """Keep a row just read from the database, unless one (or a "changed" mark) is there."""
    row = {name: getattr(certificate, name) for name in PUBLIC_FIELDS}
    # Of the snapshot, only what the check shows: the rest (every competency's evidence) is
    # most of the row, read back and unpickled on every check for nothing.
    row["snapshot"] = {"signoffs": certificate.snapshot.get("signoffs", [])}
    row["successor_code"] = certificate.successor_code
    cache.add(_row_key(certificate.verification_code), row, timeout=ROW_SECONDS)


def certificate_changing(sender, instance: Certificate, **kwargs) -> None:
    """pre_save and post_save of Certificate: a saved certificate's kept row is replaced by the
    "changed" mark, before the change is written and again after. Raises if the cache cannot be
    reached, which rolls the change back: a revoke that the checks might not see is refused."""
    if not enabled() or instance._state.adding or kwargs.get("created"):
        return
    cache.set(_row_key(instance.verification_code), _CHANGED, timeout=CHANGED_SECONDS)


# --- Counting --------------------------------------------------------------------------------


def kept_and_counted(code: str) -> tuple[Certificate | None, bool]:
    """One check of `code`, counted in the cache, and its kept certificate (None when not kept),
    in one round trip to Redis; and whether its counts are due to be written. A code that names
    no certificate must be `uncounted`."""
    row, count, flushed = _checked(code)
    return _certificate(row), _due(count, flushed)


def uncounted(code: str) -> None:
    """Forget the count `kept_and_counted` began for a code that names no certificate."""
    cache.delete(_count_key(code))


def count_check(code: str) -> bool:
    """Count one check of the certificate with `code` in the cache; True when its counts are
    due to be written (the first check after FLUSH_SECONDS, or every FLUSH_EVERY-th)."""
    _, count, flushed = _checked(code)
    return _due(count, flushed)


def take_count(code: str) -> int:
    """Take the checks counted in the cache for the certificate with `code`, to be appended to
    the database. Of two servers taking at once, one gets them and the other 0; checks counted
    meanwhile stay for next time."""
    count_key = _count_key(code)
    cache.set(_flushed_key(code), time.time(), timeout=ROW_SECONDS)
    count = cache.get(count_key) or 0
    if count <= 0:
        return 0
    if cache.decr(count_key, count) < 0:  # another server took them first: put them back
        cache.incr(count_key, count)
        return 0
    return count


def give_back(code: str, count: int) -> None:
    """Return taken counts that could not be written, to be written next time."""
    try:
        cache.incr(_count_key(code), count)
    except ValueError:
        cache.add(_count_key(code), count, timeout=None)


def counted(codes: Iterable[str]) -> dict[str, int]:
    """The checks counted in the cache and not yet written, by verification code."""
    keys = {_count_key(code): code for code in codes}
    return {keys[key]: count for key, count in cache.get_many(list(keys)).items() if count}
