"""Verification with the shared cache on (VERIFICATION_CACHE, certificates/verification.py): a
code checked before costs no query, a revoke or renewal still shows on the very next check, and
every check is counted, in batches appended as rows with their count. Run on the local-memory
cache (one process, as a test is) and, when a Redis server answers, on Redis itself, whose
counting takes another path (three commands in one round trip on its own connection)."""

import io
import uuid

import pytest
import redis
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Sum

from certificates import services, verification
from certificates.models import Certificate, CertificateCheck, RevocationReason

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/12"


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.2).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["local-memory", "redis"])
def shared_cache(request, settings):
    if request.param == "redis":
        if not _redis_answers():
            pytest.skip(f"no Redis server at {REDIS_URL}")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                # This test's own keys: nothing else's is read or cleared.
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            }
        }
    else:
        cache.clear()  # the test run's own local-memory cache
    settings.VERIFICATION_CACHE = True
    yield request.param
    verification.reset()


@pytest.fixture
def certificate(manager, eligible_worker, qualification) -> Certificate:
    return services.certificate_issue(
        actor=manager, worker=eligible_worker, qualification=qualification
    )


def _page(client, certificate):
    return client.get(f"/verify/{certificate.verification_code}/")


def _checks_written(certificate) -> int:
    return certificate.checks.aggregate(total=Sum("count"))["total"] or 0


def test_a_code_checked_before_needs_no_query(
    shared_cache, client, certificate, django_assert_num_queries
):
    first = _page(client, certificate)  # reads the row, keeps it, and writes the first check

    with django_assert_num_queries(0):
        again = _page(client, certificate)

    assert again.status_code == 200
    assert again.content == first.content
    assert ">Valid</strong>" in again.content.decode()
    with django_assert_num_queries(0):
        data = client.get(f"/verify/{certificate.verification_code}.json").json()
    assert data["status"] == "valid"
    assert data["holder_name"] == certificate.holder_name


def test_a_revoke_shows_on_the_very_next_check(shared_cache, client, certificate, manager):
    before = _page(client, certificate)
    _page(client, certificate)  # served from the kept row

    services.certificate_revoke(
        actor=manager,
        certificate=certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        details="Issued against the wrong record.",
    )
    after = _page(client, certificate)
    data = client.get(f"/verify/{certificate.verification_code}.json").json()

    assert ">Revoked</strong>" in after.content.decode()
    assert after["ETag"] != before["ETag"]
    assert data["status"] == "revoked"


def test_a_reader_that_read_the_old_row_cannot_keep_it(shared_cache, client, certificate):
    # A check read the row, current, just before a renewal's save; it tries to keep it after.
    stale = Certificate.objects.raw(
        "SELECT *, NULL AS successor_code FROM certificates_certificate WHERE id = %s",
        [certificate.pk],
    )[0]
    changed = Certificate.objects.get(pk=certificate.pk)
    changed.is_current = False
    changed.save(update_fields=["is_current"])  # a renewal's first step

    verification.keep(stale)

    assert verification.kept_certificate(certificate.verification_code) is None
    assert "Valid</strong>" not in _page(client, certificate).content.decode()


def test_a_renewal_links_to_its_successor_on_the_very_next_check(shared_cache, client, certificate):
    _page(client, certificate)
    old = Certificate.objects.get(pk=certificate.pk)
    old.is_current = False
    old.save(update_fields=["is_current"])
    successor = Certificate.objects.get(pk=certificate.pk)
    successor.pk = None
    successor.number, successor.verification_code = "LWPC-CORE-NEXT", "N" * 32
    successor.pdf_sha256 = "1" * 64
    successor.is_current = True
    successor.supersedes = certificate
    successor.award_sign_off = None
    successor.save()

    html = _page(client, certificate).content.decode()

    assert ">Superseded</strong>" in html
    assert f'href="/verify/{"N" * 32}/"' in html


def test_every_check_is_counted_in_rows_with_their_count(shared_cache, client, certificate):
    checks = 7
    for _ in range(checks):
        assert _page(client, certificate).status_code == 200

    # The first was written at once; the others wait in the cache, at most a minute.
    assert _checks_written(certificate) == 1
    assert verification.counted([certificate.verification_code]) == {
        certificate.verification_code: checks - 1
    }

    call_command("flush_certificate_checks", stdout=io.StringIO())

    assert _checks_written(certificate) == checks
    assert certificate.checks.count() == 2  # appended, never updated
    assert verification.counted([certificate.verification_code]) == {}


def test_counts_are_written_by_the_check_after_a_minute(
    shared_cache, client, certificate, monkeypatch
):
    _page(client, certificate)
    _page(client, certificate)
    assert _checks_written(certificate) == 1

    monkeypatch.setattr(verification, "FLUSH_SECONDS", 0)
    _page(client, certificate)

    assert _checks_written(certificate) == 3


def test_the_hundredth_check_writes_the_batch(shared_cache, client, certificate, monkeypatch):
    monkeypatch.setattr(verification, "FLUSH_EVERY", 3)
    for _ in range(4):  # the first, then three more: the third of those writes them
        _page(client, certificate)

    assert _checks_written(certificate) == 4
    assert list(certificate.checks.order_by("pk").values_list("count", flat=True)) == [1, 3]


def test_two_servers_taking_the_same_counts_write_them_once(shared_cache, certificate):
    code = certificate.verification_code
    for _ in range(5):
        verification.count_check(code)

    first, second = verification.take_count(code), verification.take_count(code)

    assert (first, second) == (5, 0)


def test_an_unknown_code_is_a_404_and_counts_nothing(shared_cache, client, certificate):
    code = "x" * 32

    assert client.get(f"/verify/{code}/").status_code == 404
    assert client.get(f"/verify/{code}.json").status_code == 404

    assert verification.counted([code]) == {}
    assert CertificateCheck.objects.count() == 0


def test_the_credential_and_lookups_are_counted_too(shared_cache, client, certificate):
    surname = certificate.holder_name.split()[-1]
    client.get(f"/verify/{certificate.verification_code}/credential.json")
    client.get(f"/verify/?lookup-number={certificate.number}&lookup-surname={surname}")

    call_command("flush_certificate_checks", stdout=io.StringIO())

    assert _checks_written(certificate) == 2


# The backup reads the database from another connection: the rows must be committed.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_first_writes_the_checks_waiting_in_the_cache(
    shared_cache, client, certificate, tmp_path
):
    _page(client, certificate)  # written at once: the first check
    _page(client, certificate)  # waiting in the cache
    assert _checks_written(certificate) == 1

    # A restore clears the cache: what waits there must be in the database the backup reads.
    call_command("backup", to=str(tmp_path / "backups"), stdout=io.StringIO())

    assert _checks_written(certificate) == 2


# Redis alone: the local-memory cache has no connection to drop.
@pytest.mark.parametrize("shared_cache", ["redis"], indirect=True)
def test_a_check_after_redis_dropped_the_connection_is_answered_and_counted(
    shared_cache, client, certificate
):
    _page(client, certificate)
    # Redis closes the check's own connection, as a restart or an idle timeout would.
    connection = verification._lane.connection
    connection.send_command("CLIENT", "ID")
    own_id = connection.read_response()
    redis.Redis.from_url(REDIS_URL).client_kill_filter(_id=own_id)

    assert _page(client, certificate).status_code == 200

    call_command("flush_certificate_checks", stdout=io.StringIO())
    assert _checks_written(certificate) == 2
