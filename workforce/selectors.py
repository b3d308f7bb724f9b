"""Reads about people, organisations and memberships."""

import datetime

from django.db.models import QuerySet

from .models import Membership, Organisation, Role, User


def organisations_where(
    user: User, role: Role, *, on: datetime.date | None = None
) -> QuerySet[Organisation]:
    """The organisations where `user` holds `role` on that day."""
    return Organisation.objects.filter(
        pk__in=Membership.objects.active_on(on).filter(user=user, role=role).values("organisation")
    )


def roles_of(user: User, *, on: datetime.date | None = None) -> set[str]:
    """Every role `user` holds anywhere on that day."""
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.active_on(on).filter(user=user).values_list("role", flat=True).distinct()
    )


def link_workers_for(user: User, role: Role, *, on: datetime.date | None = None) -> QuerySet[User]:
    """Link workers (never `user` themselves) in the organisations where `user` holds `role`."""
    worker_memberships = Membership.objects.active_on(on).filter(
        role=Role.LINK_WORKER, organisation__in=organisations_where(user, role, on=on)
    )
    return (
        User.objects.filter(is_active=True, pk__in=worker_memberships.values("user"))
        .exclude(pk=user.pk)
        .order_by("full_name", "email")
    )


def memberships_of(user: User, *, on: datetime.date | None = None) -> QuerySet[Membership]:
    """`user`'s memberships active on that day, with their organisations."""
    return Membership.objects.active_on(on).filter(user=user).select_related("organisation")
