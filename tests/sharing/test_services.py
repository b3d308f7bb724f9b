"""Share link services: who may share what, for how long, and what a revoke and an opening
record; each refusal from the angle of someone trying it on."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates import services as certificate_services
from certificates.models import RevocationReason
from sharing import services
from sharing.models import ShareDetail, ShareLink, ShareLinkOpening, ShareStatus
from workforce.append_only import KeptRecordError
from workforce.refusals import Refusal

pytestmark = pytest.mark.django_db

LABEL = "For Riverside PCN interview"


def refused_with(code: Refusal, call) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        call()
    assert refused.value.code == code
    assert not ShareLink.objects.exists()
    return refused.value


def test_a_holder_shares_a_certificate_for_30_days_by_default(certificate):
    before = timezone.now()

    link = services.share_link_create(
        holder=certificate.holder, certificate=certificate, label=f"  {LABEL}  "
    )

    assert link.label == LABEL
    assert link.certificate == certificate
    assert link.detail == ShareDetail.STATUS
    assert link.status_now == ShareStatus.ACTIVE
    assert before + datetime.timedelta(days=30) <= link.expires_at
    assert link.expires_at <= timezone.now() + datetime.timedelta(days=30)
    entry = ModelLogEntry.objects.get(action="sharing.link.create")
    assert entry.user == certificate.holder
    assert entry.data["certificate"] == certificate.number


def test_a_whole_record_link_needs_no_certificate(link_worker):
    link = services.share_link_create(
        holder=link_worker, label=LABEL, days=7, detail=ShareDetail.LEVELS
    )

    assert link.shares_whole_record
    assert link.detail == ShareDetail.LEVELS


def test_two_links_never_share_a_key(link_worker):
    first = services.share_link_create(holder=link_worker, label=LABEL)
    second = services.share_link_create(holder=link_worker, label=LABEL)

    assert first.key != second.key
    assert len(first.key) == 22  # 128 random bits, URL-safe


@pytest.mark.parametrize("label", ["", "   ", "x" * 101])
def test_a_label_is_required_and_short(link_worker, label):
    refused_with(
        Refusal.SHARE_LABEL, lambda: services.share_link_create(holder=link_worker, label=label)
    )


@pytest.mark.parametrize("days", [0, -5, 366, 10_000, True, "30"])
def test_the_expiry_is_between_1_and_365_days(link_worker, days):
    refused_with(
        Refusal.SHARE_EXPIRY,
        lambda: services.share_link_create(holder=link_worker, label=LABEL, days=days),
    )


@pytest.mark.parametrize("days", [1, 365])
def test_the_bounds_themselves_are_accepted(link_worker, days):
    link = services.share_link_create(holder=link_worker, label=LABEL, days=days)

    assert link.expires_at - link.created_at == datetime.timedelta(days=days)


def test_a_detail_not_on_the_list_is_refused(link_worker):
    refused_with(
        Refusal.SHARE_DETAIL,
        lambda: services.share_link_create(holder=link_worker, label=LABEL, detail="everything"),
    )


def test_nobody_shares_someone_elses_certificate(certificate, outside_link_worker, manager):
    for someone_else in (outside_link_worker, manager):
        with pytest.raises(PermissionDenied, match="only your own certificates"):
            services.share_link_create(holder=someone_else, certificate=certificate, label=LABEL)
    assert not ShareLink.objects.exists()


def test_a_revoked_certificate_cannot_be_shared(certificate, manager):
    certificate_services.certificate_revoke(
        actor=manager,
        certificate=certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        details="Issued before the observation was confirmed.",
    )

    error = refused_with(
        Refusal.SHARE_NOT_STANDING,
        lambda: services.share_link_create(
            holder=certificate.holder, certificate=certificate, label=LABEL
        ),
    )
    assert "revoked" in error.messages[0]


def test_revoking_stops_the_link_at_once_and_for_good(certificate):
    link = services.share_link_create(
        holder=certificate.holder, certificate=certificate, label=LABEL
    )

    services.share_link_revoke(holder=certificate.holder, link=link)

    link.refresh_from_db()
    assert link.status_now == ShareStatus.REVOKED
    assert ModelLogEntry.objects.filter(action="sharing.link.revoke").count() == 1
    # Revoking again changes nothing: the first date stands.
    revoked_at = link.revoked_at
    with pytest.raises(ValidationError) as refused:
        services.share_link_revoke(holder=certificate.holder, link=link)
    assert refused.value.code == Refusal.SHARE_NOT_ACTIVE
    link.refresh_from_db()
    assert link.revoked_at == revoked_at


def test_nobody_revokes_someone_elses_link(certificate, outside_link_worker):
    link = services.share_link_create(
        holder=certificate.holder, certificate=certificate, label=LABEL
    )

    with pytest.raises(PermissionDenied):
        services.share_link_revoke(holder=outside_link_worker, link=link)

    link.refresh_from_db()
    assert link.status_now == ShareStatus.ACTIVE


def test_a_revoked_link_cannot_be_extended_or_reopened(certificate):
    """What a holder agreed to is kept: a revoked link's expiry and revocation stay as written,
    whatever is saved through the ORM."""
    link = services.share_link_create(
        holder=certificate.holder, certificate=certificate, label=LABEL
    )
    services.share_link_revoke(holder=certificate.holder, link=link)
    link.refresh_from_db()

    link.expires_at = timezone.now() + datetime.timedelta(days=365)
    with pytest.raises(KeptRecordError):
        link.save(update_fields=["expires_at"])
    with pytest.raises(KeptRecordError):
        link.delete()
    link.refresh_from_db()
    assert link.status_now == ShareStatus.REVOKED


def test_an_opening_records_the_time_and_nothing_else(link_worker):
    link = services.share_link_create(holder=link_worker, label=LABEL)

    opening = services.share_link_opened(link=link)

    assert {field.name for field in ShareLinkOpening._meta.get_fields()} == {
        "id",
        "link",
        "opened_at",
    }
    assert opening.link == link
    with pytest.raises(KeptRecordError):
        opening.delete()


def test_an_expired_or_revoked_link_records_no_opening(link_worker, clock):
    expired = services.share_link_create(holder=link_worker, label=LABEL, days=1)
    revoked = services.share_link_revoke(
        holder=link_worker, link=services.share_link_create(holder=link_worker, label=LABEL)
    )
    clock(datetime.timedelta(days=1, seconds=1))

    for link in (expired, revoked):
        with pytest.raises(ValidationError) as refused:
            services.share_link_opened(link=link)
        assert refused.value.code == Refusal.SHARE_NOT_ACTIVE
    assert not ShareLinkOpening.objects.exists()
