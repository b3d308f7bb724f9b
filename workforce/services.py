"""Writes about people, organisations and memberships; each one is atomic and audited."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from .models import Membership, Organisation, OrganisationKind, Role, User


@transaction.atomic
def user_create(
    *, email: str, full_name: str, password: str | None = None, actor: User | None = None
) -> User:
    """Create a person; without a password they cannot sign in until they set one."""
    email = User.objects.normalize_email(email).strip().lower()
    full_name = full_name.strip()
    if not full_name:
        raise ValidationError({"full_name": "Enter the person's full name."})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"Someone with the email address {email} already exists."})
    user = User.objects.create_user(email=email, full_name=full_name, password=password)
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    log(user, "workforce.user.create", user=actor)
    return user


@transaction.atomic
def organisation_create(
    *, name: str, kind: OrganisationKind, ods_code: str = "", actor: User | None = None
) -> Organisation:
    """Register an employer of link workers."""
    organisation = Organisation(name=name.strip(), kind=kind, ods_code=ods_code.strip().upper())
    organisation.full_clean()
    organisation.save()
    log(organisation, "workforce.organisation.create", user=actor)
    return organisation


@transaction.atomic
def membership_start(
    *,
    user: User,
    organisation: Organisation,
    role: Role,
    starts_on: datetime.date | None = None,
    actor: User | None = None,
) -> Membership:
    """Give `user` a role in `organisation` from `starts_on` (today by default)."""
    starts_on = starts_on or timezone.localdate()
    overlapping = (
        Membership.objects.active_on(starts_on)
        .filter(user=user, organisation=organisation, role=role)
        .exists()
    )
    if overlapping:
        raise ValidationError(
            f"{user} is already a {Role(role).label.lower()} at {organisation} on "
            f"{starts_on:%d %B %Y}."
        )
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=role, starts_on=starts_on
    )
    log(
        membership,
        "workforce.membership.start",
        user=actor,
        data={"role": role, "organisation": organisation.pk, "starts_on": str(starts_on)},
    )
    return membership


@transaction.atomic
def membership_end(
    *, membership: Membership, ends_on: datetime.date | None = None, actor: User | None = None
) -> Membership:
    """End a role on `ends_on` (today by default); the membership itself is kept as history."""
    ends_on = ends_on or timezone.localdate()
    if ends_on < membership.starts_on:
        raise ValidationError("A membership cannot end before it starts.")
    membership.ends_on = ends_on
    membership.save(update_fields=["ends_on"])
    log(membership, "workforce.membership.end", user=actor, data={"ends_on": str(ends_on)})
    return membership
