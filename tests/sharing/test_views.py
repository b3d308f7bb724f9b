"""Share link pages: making, listing, opening and revoking a link, through the views; what a
visitor sees, and what a guesser or someone else's holder does not."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from certificates import services as certificate_services
from certificates.models import RevocationReason
from sharing import selectors, services, tokens
from sharing.models import ShareDetail, ShareLink, ShareLinkOpening, ShareStatus
from workforce import ratelimit

pytestmark = pytest.mark.django_db

LABEL = "For Riverside PCN interview"


def path_of(link: ShareLink) -> str:
    return urlsplit(selectors.share_url(link)).path


def share(certificate=None, *, holder=None, detail=ShareDetail.STATUS, days=30) -> ShareLink:
    return services.share_link_create(
        holder=holder or certificate.holder,
        certificate=certificate,
        label=LABEL,
        days=days,
        detail=detail,
    )


def assert_private(response) -> None:
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


# --- The holder's pages ------------------------------------------------------------------


def test_the_holder_makes_a_link_and_sees_its_address(client, certificate):
    client.force_login(certificate.holder)

    form = client.get(f"/progress/sharing/new/?certificate={certificate.number}")
    assert form.status_code == 200
    assert f'value="{certificate.number}"' in form.content.decode()
    response = client.post(
        "/progress/sharing/new/",
        {"shares": certificate.number, "label": LABEL, "detail": "status", "days": "14"},
    )

    link = ShareLink.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/progress/sharing/{link.pk}/"
    assert (link.certificate, link.label, link.detail) == (certificate, LABEL, "status")
    assert link.expires_at - link.created_at == datetime.timedelta(days=14)
    page = client.get(response["Location"]).content.decode()
    assert f'value="{selectors.share_url(link)}"' in page
    assert "Not opened yet" in page


def test_the_form_says_what_is_wrong_and_makes_nothing(client, certificate):
    client.force_login(certificate.holder)

    response = client.post(
        "/progress/sharing/new/",
        {"shares": certificate.number, "label": " ", "detail": "status", "days": "400"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Say who the link is for." in page
    assert "A link lasts at most 365 days." in page
    assert not ShareLink.objects.exists()


def test_someone_elses_certificate_is_not_offered_and_cannot_be_posted(
    client, certificate, outside_link_worker
):
    client.force_login(outside_link_worker)

    assert certificate.number not in client.get("/progress/sharing/new/").content.decode()
    response = client.post(
        "/progress/sharing/new/",
        {"shares": certificate.number, "label": LABEL, "detail": "levels", "days": "30"},
    )

    assert response.status_code == 400
    assert not ShareLink.objects.exists()


def test_a_revoked_certificate_is_not_offered(client, certificate, manager):
    certificate_services.certificate_revoke(
        actor=manager,
        certificate=certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        details="Issued before the observation was confirmed.",
    )
    client.force_login(certificate.holder)

    page = client.get("/progress/sharing/new/").content.decode()

    assert certificate.number not in page
    assert "My whole record" in page


def test_the_list_shows_each_link_with_its_status_and_openings(client, certificate, clock):
    revoked = services.share_link_revoke(holder=certificate.holder, link=share(certificate))
    opened = share(certificate, detail=ShareDetail.LEVELS)
    services.share_link_opened(link=opened)
    services.share_link_opened(link=opened)
    client.force_login(certificate.holder)

    page = client.get("/progress/sharing/").content.decode()

    rows = re.findall(r'<tr class="nhsuk-table__row">(.*?)</tr>', page, re.S)[1:]
    assert len(rows) == 2
    newest, oldest = rows
    assert "With competency levels" in newest
    assert "2 times" in newest
    assert "Active" in newest
    assert f"/progress/sharing/{opened.pk}/revoke/" in newest
    assert "Revoked" in oldest
    assert "0 times" in oldest
    assert f"/progress/sharing/{revoked.pk}/revoke/" not in oldest
    assert escape(certificate.qualification_title) in newest


def test_the_list_costs_the_same_whatever_the_number_of_links(
    client, link_worker, django_assert_num_queries
):
    client.force_login(link_worker)
    share(holder=link_worker)
    with CaptureQueriesContext(connection) as one_link:
        client.get("/progress/sharing/")
    for _ in range(5):
        services.share_link_opened(link=share(holder=link_worker))
    with django_assert_num_queries(len(one_link.captured_queries)):
        assert client.get("/progress/sharing/").content.decode().count("Active") == 6


def test_the_log_shows_when_each_opening_was_and_nothing_about_who(client, certificate):
    link = share(certificate)
    client.get(path_of(link), REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Visitor/1.0")
    client.force_login(certificate.holder)

    page = client.get(f"/progress/sharing/{link.pk}/").content.decode()

    opening = ShareLinkOpening.objects.get()
    assert f"{opening.opened_at:%-d %B %Y}" in page
    assert "Opened 1 time." in page
    assert "203.0.113.9" not in page
    assert "Visitor/1.0" not in page


def test_the_holder_revokes_after_a_confirmation_page(client, certificate):
    link = share(certificate)
    client.force_login(certificate.holder)

    confirmation = client.get(f"/progress/sharing/{link.pk}/revoke/")
    assert confirmation.status_code == 200
    assert "cannot be undone" in confirmation.content.decode()
    link.refresh_from_db()
    assert link.status_now == ShareStatus.ACTIVE  # opening the page changed nothing

    response = client.post(f"/progress/sharing/{link.pk}/revoke/")

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status_now == ShareStatus.REVOKED
    again = client.get(f"/progress/sharing/{link.pk}/revoke/").content.decode()
    assert "already revoked" in again
    assert "Revoke the link</button>" not in again


def test_someone_elses_link_does_not_exist_for_them(client, certificate, outside_link_worker):
    link = share(certificate)
    client.force_login(outside_link_worker)

    for path in (f"/progress/sharing/{link.pk}/", f"/progress/sharing/{link.pk}/revoke/"):
        assert client.get(path).status_code == 404
    assert client.post(f"/progress/sharing/{link.pk}/revoke/").status_code == 404
    link.refresh_from_db()
    assert link.status_now == ShareStatus.ACTIVE
    assert LABEL not in client.get("/progress/sharing/").content.decode()


def test_the_holders_pages_ask_to_sign_in(client):
    for path in ("/progress/sharing/", "/progress/sharing/new/", "/progress/sharing/1/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


# --- The visitor's page ------------------------------------------------------------------


def test_status_only_shows_the_status_and_no_levels(client, certificate):
    link = share(certificate)

    response = client.get(path_of(link))

    page = response.content.decode()
    assert response.status_code == 200
    assert_private(response)
    assert escape(certificate.holder_name) in page
    assert escape(certificate.qualification_title) in page
    assert certificate.number in page
    assert f"{certificate.issued_on:%-d %B %Y}" in page
    assert f"{certificate.valid_until:%-d %B %Y}" in page
    assert "genuine and valid today" in page
    assert "Competencies" not in page
    assert certificate.snapshot["competencies"][0]["code"] not in page
    assert certificate.holder.email not in page
    assert LABEL not in page  # the label is the holder's note, not the visitor's business
    # The signed credential carries the levels too, so a status-only link does not offer it.
    assert "credential.json" not in page
    assert ShareLinkOpening.objects.filter(link=link).count() == 1


def test_with_levels_shows_the_certificates_competencies_as_issued(client, certificate):
    link = share(certificate, detail=ShareDetail.LEVELS)

    page = client.get(path_of(link)).content.decode()

    assert f"/verify/{certificate.verification_code}/credential.json" in page
    rows = certificate.snapshot["competencies"]
    assert rows
    for row in rows:
        assert row["code"] in page
        assert f"{row['level']} {row['level_name']}" in page


def test_a_whole_record_link_shows_every_certificate_and_todays_levels(
    client, certificate, manager
):
    link = share(holder=certificate.holder, detail=ShareDetail.LEVELS)
    certificate_services.certificate_revoke(
        actor=manager,
        certificate=certificate,
        reason=RevocationReason.REVIEW,
        details="Withdrawn after the IQA review.",
    )

    page = client.get(path_of(link)).content.decode()

    # The revoked certificate is shown as revoked, as its verification page says.
    assert certificate.number in page
    assert "It is not valid." in page
    assert "Withdrawn by the issuer after a review" in page
    assert "Withdrawn after the IQA review." not in page  # the manager's words stay private
    assert "SPLW-PCP-01" in page  # a competency the holder reached, as it stands today


def test_the_whole_record_costs_the_same_whatever_the_number_of_certificates(
    client, certificate, link_worker, django_assert_num_queries
):
    """The holder's certificates are read in one query (the other pages of the record too)."""
    link = share(holder=certificate.holder, detail=ShareDetail.LEVELS)
    client.get(path_of(link))
    with django_assert_num_queries(12, exact=False) as first:
        client.get(path_of(link))
    certificate_services.certificate_revoke(
        actor=certificate.issued_by,
        certificate=certificate,
        reason=RevocationReason.REVIEW,
        details="Withdrawn after review.",
    )
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(path_of(link))


def test_a_revoked_link_is_gone_and_says_nothing_of_whose_it_was(client, certificate):
    link = share(certificate)
    services.share_link_revoke(holder=certificate.holder, link=link)

    response = client.get(path_of(link))

    page = response.content.decode()
    assert response.status_code == 410
    assert_private(response)
    assert "This link is no longer available" in page
    for secret in (certificate.holder_name, certificate.number, LABEL, "revoked it on"):
        assert escape(secret) not in page
    assert not ShareLinkOpening.objects.exists()


def test_an_expired_link_answers_exactly_as_a_revoked_one(client, certificate, clock):
    expired = share(certificate, days=1)
    revoked = services.share_link_revoke(holder=certificate.holder, link=share(certificate))
    clock(datetime.timedelta(days=1, minutes=1))

    answers = [client.get(path_of(link)) for link in (expired, revoked)]

    assert [answer.status_code for answer in answers] == [410, 410]
    assert answers[0].content == answers[1].content
    assert not ShareLinkOpening.objects.exists()


def test_guessed_and_altered_tokens_get_the_same_404(client, certificate):
    link = share(certificate)
    real = tokens.token_for(link.key)
    key, signature = real.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    guesses = [
        f"{key}.{flipped}",  # the real key with a forged signature
        tokens.token_for(tokens.new_key()),  # well signed, but no such link (a deleted key)
        f"{tokens.new_key()}.{signature}",  # another key under this signature
        real[:-1],  # cut short: not a token at all
        "not-a-token",
    ]
    for guess in guesses:
        response = client.get(f"/shared/{guess}/")
        assert response.status_code == 404
        assert escape(certificate.holder_name) not in response.content.decode()
    # A forged signature is refused before the links are looked at.
    with CaptureQueriesContext(connection) as forged:
        assert client.get(f"/shared/{key}.{flipped}/").status_code == 404
    assert not [q for q in forged.captured_queries if ShareLink._meta.db_table in q["sql"]]
    assert not ShareLinkOpening.objects.exists()


def test_token_guessing_is_rate_limited(client, certificate, settings, monkeypatch):
    settings.RATE_LIMITS_ENABLED = True
    # One fixed instant, so that the requests fall in one window of the limit however slow.
    monkeypatch.setattr(ratelimit.time, "time", lambda: 1893488410.0)
    link = share(certificate)
    key = tokens.new_key()

    answers = [client.get(f"/shared/{key}.{'A' * 43}/").status_code for _ in range(61)]

    assert answers[:60] == [404] * 60
    assert answers[60] == 429
    # Once over the limit from this address, even the right address waits.
    assert client.get(path_of(link)).status_code == 429


# --- LinkedIn ---------------------------------------------------------------------------


def test_the_linkedin_address_carries_the_certifications_fields(certificate):
    address = urlsplit(selectors.linkedin_add_url(certificate))

    assert (address.scheme, address.netloc, address.path) == (
        "https",
        "www.linkedin.com",
        "/profile/add",
    )
    assert parse_qs(address.query, strict_parsing=True) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": [certificate.qualification_title],
        "organizationName": [certificate.issuer_name],
        "issueYear": [str(certificate.issued_on.year)],
        "issueMonth": [str(certificate.issued_on.month)],
        "expirationYear": [str(certificate.valid_until.year)],
        "expirationMonth": [str(certificate.valid_until.month)],
        "certUrl": [certificate_services.verification_url(certificate.verification_code)],
        "certId": [certificate.verification_code],
    }


def test_the_certificate_page_links_to_linkedin_in_a_new_tab(client, certificate):
    client.force_login(certificate.holder)

    page = client.get("/progress/certificates/").content.decode()

    link = re.search(r'<a href="(https://www\.linkedin\.com/[^"]+)"([^>]*)>(.*?)</a>', page)
    assert link is not None
    href, attributes, text = link.groups()
    assert href == escape(selectors.linkedin_add_url(certificate))
    assert 'target="_blank"' in attributes
    assert "noopener" in attributes
    assert "Add to LinkedIn profile" in text
    assert "(opens in a new tab)" in text
    assert f"/progress/sharing/new/?certificate={certificate.number}" in page
