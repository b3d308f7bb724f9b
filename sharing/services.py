"""Writes about share links: create, revoke, and record an opening. Each atomic, checked here
whatever page or command calls it, and audited (openings are counted, not audited: they have
no actor)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from certificates.models import Certificate
from workforce.models import User
from workforce.refusals import Refusal, refuse

from . import tokens
from .models import ShareDetail, ShareLink, ShareLinkOpening

LABEL_MAX_LENGTH = ShareLink._meta.get_field("label").max_length
DEFAULT_EXPIRY_DAYS = 30
MIN_EXPIRY_DAYS = 1
MAX_EXPIRY_DAYS = 365


@transaction.atomic
def share_link_create(
    *,
    holder: User,
    label: str,
    days: int = DEFAULT_EXPIRY_DAYS,
    detail: ShareDetail | str = ShareDetail.STATUS,
    certificate: Certificate | None = None,
) -> ShareLink:
    """A link showing `certificate` (or, without one, the holder's whole record) at `detail`,
    for `days` from now. Only the holder shares what is theirs, and only a certificate that
    still stands: a revoked or replaced one is not offered to anyone as a record."""
    label = " ".join(label.split())
    if not label:
        raise refuse(
            Refusal.SHARE_LABEL,
            "Say who the link is for, e.g. “For Riverside PCN interview”: you will see it in "
            "your list of links.",
        )
    if len(label) > LABEL_MAX_LENGTH:
        raise refuse(
            Refusal.SHARE_LABEL, f"Keep the label to {LABEL_MAX_LENGTH} characters or fewer."
        )
    if (
        isinstance(days, bool)
        or not isinstance(days, int)
        or not (MIN_EXPIRY_DAYS <= days <= MAX_EXPIRY_DAYS)
    ):
        raise refuse(
            Refusal.SHARE_EXPIRY,
            f"A link lasts between {MIN_EXPIRY_DAYS} and {MAX_EXPIRY_DAYS} days.",
        )
    if detail not in ShareDetail.values:
        raise refuse(Refusal.SHARE_DETAIL, "Choose how much the link shows.")
    if certificate is not None:
        # Read again under a lock: a revocation a moment ago is seen, not raced past.
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.holder_id != holder.pk:
            raise PermissionDenied("You can share only your own certificates.")
        status = certificate.status_on(timezone.localdate())
        if not status.stands:
            raise refuse(
                Refusal.SHARE_NOT_STANDING,
                f"Certificate {certificate.number} is {status.label.lower()}, so it cannot be "
                "shared.",
            )
    now = timezone.now()
    link = ShareLink.objects.create(
        holder=holder,
        certificate=certificate,
        label=label,
        detail=detail,
        key=tokens.new_key(),
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    log(
        link,
        "sharing.link.create",
        user=holder,
        data={
            "label": label,
            "detail": link.detail,
            "certificate": certificate.number if certificate else None,
            "days": days,
        },
    )
    return link


@transaction.atomic
def share_link_revoke(*, holder: User, link: ShareLink) -> ShareLink:
    """Stop `link` opening, at once and for good."""
    link = ShareLink.objects.select_for_update().get(pk=link.pk)
    if link.holder_id != holder.pk:
        raise PermissionDenied("You can revoke only your own share links.")
    if link.revoked_at is not None:
        raise refuse(
            Refusal.SHARE_NOT_ACTIVE,
            f"“{link.label}” was already revoked on "
            f"{timezone.localtime(link.revoked_at):%d %B %Y}.",
        )
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    log(link, "sharing.link.revoke", user=holder, data={"label": link.label})
    return link


def share_link_opened(*, link: ShareLink) -> ShareLinkOpening:
    """Record that an active link was opened, with the time and nothing about the visitor.
    One INSERT, so concurrent openings never wait for each other."""
    if not link.status_now.is_active:
        raise refuse(Refusal.SHARE_NOT_ACTIVE, "This link is no longer available.")
    return ShareLinkOpening.objects.create(link=link)
