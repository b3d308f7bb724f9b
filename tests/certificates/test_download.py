"""The stored PDF download: the holder's and a manager's, scoped, each written to the audit log in
one INSERT when the permission-checked view issues its short-lived signed link; the link is then
served without the session or the database (workforce/downloads.py)."""

import datetime
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates import services
from certificates.models import Certificate
from workforce.downloads import PREFIX, SALT
from workforce.models import Membership, Role
from workforce.services import membership_end

pytestmark = pytest.mark.django_db

DOWNLOADS = "certificates.certificate.download"


@pytest.fixture
def certificate(manager, eligible_worker, qualification) -> Certificate:
    return services.certificate_issue(
        actor=manager, worker=eligible_worker, qualification=qualification
    )


def _holder_path(certificate: Certificate) -> str:
    return f"/progress/certificates/{certificate.number}/pdf/"


def _manager_path(certificate: Certificate) -> str:
    return f"/team/certificates/{certificate.number}/pdf/"


def _link(client, path: str) -> str:
    """The signed link the permission-checked view redirects to."""
    response = client.get(path)
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(PREFIX)
    assert response["Cache-Control"] == "private, no-store"
    return response["Location"]


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def _edited(link: str, **changes) -> str:
    """The link with its signed payload changed and its signature kept, as a forger would."""
    payload, timestamp, signature = link.removeprefix(PREFIX).split(":")
    data = signing.JSONSerializer().loads(signing.b64_decode(payload.encode()))
    data.update(changes)
    edited = signing.b64_encode(signing.JSONSerializer().dumps(data)).decode()
    return f"{PREFIX}{edited}:{timestamp}:{signature}"


@pytest.mark.parametrize("who", ["holder", "manager"])
def test_a_download_writes_the_entry_log_would_have_written(
    client, certificate, eligible_worker, manager, who
):
    actor = eligible_worker if who == "holder" else manager
    path = _holder_path(certificate) if who == "holder" else _manager_path(certificate)
    client.force_login(actor)

    assert _body(client.get(_link(client, path))) == certificate.pdf.read()

    entry = ModelLogEntry.objects.get(action=DOWNLOADS)
    assert entry.content_type == ContentType.objects.get_for_model(Certificate)
    assert entry.object_id == str(certificate.pk)
    assert entry.label == str(certificate)
    assert entry.user == actor
    assert entry.data == {"number": certificate.number, "by_holder": who == "holder"}
    assert entry.uuid is None
    assert entry.revision is None
    assert not entry.content_changed
    assert not entry.deleted


def test_the_link_is_served_as_a_private_attachment_without_the_session_or_the_database(
    client, certificate, eligible_worker, django_assert_num_queries
):
    client.force_login(eligible_worker)
    link = _link(client, _holder_path(certificate))

    # A browser with no session at all: the link is the credential, for its minute.
    with django_assert_num_queries(0):
        response = Client().get(link)
        body = _body(response)

    assert body == certificate.pdf.read()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{certificate.number}.pdf"'
    assert response["Content-Length"] == str(len(body))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "Set-Cookie" not in response
    assert Client().head(link).status_code == 200
    assert Client().post(link).status_code == 405


def test_the_holders_link_costs_its_rows_and_one_entry_and_each_link_is_one_entry(
    client, certificate, eligible_worker, django_assert_num_queries
):
    client.force_login(eligible_worker)
    path = _holder_path(certificate)
    _link(client, path)

    # The session, the person, the certificate (by its unique number); the entry's INSERT.
    with django_assert_num_queries(4):
        link = _link(client, path)
    # Following one link several times (a browser's retry) records nothing more.
    for _ in range(3):
        _body(client.get(link))

    assert ModelLogEntry.objects.filter(action=DOWNLOADS).count() == 2


def test_a_tampered_or_forged_link_is_refused(client, certificate, eligible_worker):
    # Another stored file, there to be asked for.
    other = certificate.pdf.storage.save("certificates/other.pdf", ContentFile(b"%PDF-other"))
    client.force_login(eligible_worker)
    link = _link(client, _holder_path(certificate))
    token = link.removeprefix(PREFIX)
    payload = signing.loads(token, salt=SALT)
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")

    refused = [
        PREFIX + flipped,  # the signature changed
        _edited(link, n=other),  # another stored file
        _edited(link, f="someone-else.pdf"),  # another download name
        _edited(link, e=payload["e"] + 3600),  # a longer life
        _edited(link, s="default"),  # another storage
        # Signed, but not by this site, or not as a download link.
        PREFIX + signing.dumps(payload, salt=SALT, key="not-the-sites-secret-key-at-all-0123"),
        PREFIX + signing.dumps(payload, salt="sharing.links"),
        PREFIX + "not-a-link",
        PREFIX,
    ]
    for url in refused:
        response = Client().get(url)
        assert response.status_code == 403, url
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert "not valid" in response.content.decode()
        assert "Set-Cookie" not in response


def test_an_expired_link_is_refused_and_says_to_download_again(
    client, certificate, eligible_worker, settings, monkeypatch
):
    settings.DOWNLOAD_LINK_SECONDS = 60
    client.force_login(eligible_worker)
    link = _link(client, _holder_path(certificate))
    issued = time.time()

    monkeypatch.setattr(time, "time", lambda: issued + 30)
    assert _body(Client().get(link)) == certificate.pdf.read()
    monkeypatch.setattr(time, "time", lambda: issued + 62)
    expired = Client().get(link)

    assert expired.status_code == 403
    assert "expired" in expired.content.decode()
    assert "download again" in expired.content.decode()


def test_a_link_to_a_file_gone_from_storage_is_a_clear_404(client, certificate, eligible_worker):
    client.force_login(eligible_worker)
    link = _link(client, _holder_path(certificate))
    certificate.pdf.storage.delete(certificate.pdf.name)

    gone = Client().get(link)

    assert gone.status_code == 404
    assert "no longer stored" in gone.content.decode()
    # And the view, asked again, issues no link to a missing file and records nothing.
    assert client.get(_holder_path(certificate)).status_code == 404
    assert ModelLogEntry.objects.filter(action=DOWNLOADS).count() == 1


def test_nobody_else_gets_a_link_and_a_refusal_writes_nothing(
    client, certificate, outside_link_worker
):
    client.force_login(outside_link_worker)

    assert client.get(_holder_path(certificate)).status_code == 404
    assert client.get(_manager_path(certificate)).status_code in (302, 403)
    assert not ModelLogEntry.objects.filter(action=DOWNLOADS).exists()


def test_a_manager_whose_role_has_ended_gets_no_new_link(client, certificate, manager):
    client.force_login(manager)
    _link(client, _manager_path(certificate))
    membership_end(
        membership=Membership.objects.get(user=manager, role=Role.MANAGER),
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )

    refused = client.get(_manager_path(certificate))

    assert refused.status_code in (302, 403)
    assert not refused.get("Location", "").startswith(PREFIX)
    assert ModelLogEntry.objects.filter(action=DOWNLOADS).count() == 1
