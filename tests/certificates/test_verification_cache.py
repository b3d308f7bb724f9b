"""Verification is never stale, whatever cache sits in front: no-cache on the page (an ETag that
changes with the status), no-store on its JSON and credential; each check stays counted and
the page needs two queries, however it is found."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from certificates import services
from certificates.models import Certificate, RevocationReason

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(manager, eligible_worker, qualification) -> Certificate:
    return services.certificate_issue(
        actor=manager, worker=eligible_worker, qualification=qualification
    )


def _page(client, certificate, **headers):
    return client.get(f"/verify/{certificate.verification_code}/", headers=headers)


def _directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_the_page_is_revalidated_by_every_cache(client, certificate):
    response = _page(client, certificate)

    assert response.status_code == 200
    assert _directives(response) == {"no-cache"}
    assert response["ETag"].startswith('"')
    assert "Cookie" in response["Vary"]


def test_json_and_credential_are_never_stored(client, certificate):
    code = certificate.verification_code

    assert client.get(f"/verify/{code}.json")["Cache-Control"] == "no-store"
    assert client.get(f"/verify/{code}/credential.json")["Cache-Control"] == "no-store"


def test_a_revoke_shows_on_the_very_next_check(client, certificate, manager):
    before = _page(client, certificate)
    assert ">Valid</strong>" in before.content.decode()

    services.certificate_revoke(
        actor=manager,
        certificate=certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        details="Issued against the wrong record.",
    )
    # A cache holding the valid page asks whether it still stands: it does not.
    after = _page(client, certificate, if_none_match=before["ETag"])
    data = client.get(f"/verify/{certificate.verification_code}.json").json()

    assert after.status_code == 200
    assert ">Revoked</strong>" in after.content.decode()
    assert after["ETag"] != before["ETag"]
    assert data["status"] == "revoked"


def test_an_unchanged_page_is_a_304_and_still_counted(client, certificate):
    first = _page(client, certificate)

    again = _page(client, certificate, if_none_match=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert _directives(again) == {"no-cache"}
    assert certificate.checks.count() == 2


def test_the_same_page_twice_is_the_same_page(client, certificate):
    # The second is served from the rendered copy of the first: identical, ETag included.
    first, second = _page(client, certificate), _page(client, certificate)

    assert first.content == second.content
    assert first["ETag"] == second["ETag"]


def test_a_signed_in_visitor_gets_a_private_page(client, certificate, manager):
    client.force_login(manager)

    response = _page(client, certificate)

    assert escape(manager.full_name) in response.content.decode()  # O'Brien as &#x27;
    assert _directives(response) == {"no-cache", "private"}


def test_an_anonymous_page_never_carries_a_signed_in_visitors_header(client, certificate, manager):
    client.force_login(manager)
    _page(client, certificate)
    client.logout()

    response = _page(client, certificate)

    assert manager.full_name not in response.content.decode()
    assert "Sign in" in response.content.decode()


def test_a_renewed_certificate_links_to_its_successor_in_two_queries(
    client, certificate, django_assert_num_queries
):
    # A renewal in the data, made directly, as test_verification does.
    Certificate.objects.filter(pk=certificate.pk).update(is_current=False)
    successor = Certificate.objects.get(pk=certificate.pk)
    successor.pk = None
    successor.number, successor.verification_code = "LWPC-CORE-NEXT", "N" * 32
    successor.pdf_sha256 = "1" * 64
    successor.is_current = True
    successor.supersedes = certificate
    successor.award_sign_off = None
    successor.save()

    with django_assert_num_queries(2):
        html = _page(client, certificate).content.decode()

    assert f'href="/verify/{"N" * 32}/"' in html


@pytest.mark.parametrize("path", ["page", "json", "credential", "lookup"])
def test_every_way_of_checking_needs_at_most_two_queries(
    client, certificate, path, django_assert_max_num_queries
):
    code = certificate.verification_code
    surname = certificate.holder_name.split()[-1]
    url = {
        "page": f"/verify/{code}/",
        "json": f"/verify/{code}.json",
        # The credential is a row of its own: the certificate, it and the count.
        "credential": f"/verify/{code}/credential.json",
        "lookup": f"/verify/?lookup-number={certificate.number}&lookup-surname={surname}",
    }[path]

    with django_assert_max_num_queries(3 if path == "credential" else 2):
        assert client.get(url).status_code == 200
    assert certificate.checks.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_check_is_counted_by_one_statement_appending_one_row(certificate):
    """Outside a transaction, as a request runs it: one statement appends one row. On
    PostgreSQL that statement also commits without waiting for the disk, for itself alone."""
    with CaptureQueriesContext(connection) as queries:
        services.certificate_verified(certificate=certificate)

    assert certificate.checks.count() == 1
    assert len(queries) == 1
    assert "INSERT INTO" in queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "synchronous_commit TO OFF" in queries[0]["sql"]
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"  # LOCAL: the session's own is untouched
