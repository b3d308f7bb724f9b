"""Reads about people, organisations and memberships."""

import datetime

from django.db.models import QuerySet

from .models import Membership, RoleGrantRequest, User
from .permissions import Action, organisations_for, subjects_of


def roles_of(user: User, *, on: datetime.date | None = None) -> set[str]:
    """Every role `user` holds anywhere on that day."""
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.active_on(on).filter(user=user).values_list("role", flat=True).distinct()
    )


def people_in_scope(
    actor: User, action: Action, *, on: datetime.date | None = None
) -> QuerySet[User]:
    """The active people `actor` may `action` that day, by name: caseloads, teams, registers.

    The scope is `workforce.permissions.subjects_of`; deactivated accounts are left off lists
    (the rule itself still lets their records be read and their certificates revoked).
    """
    return subjects_of(actor, action, on=on).filter(is_active=True).order_by("full_name", "email")


def memberships_of(user: User, *, on: datetime.date | None = None) -> QuerySet[Membership]:
    """`user`'s memberships active on that day, with their organisations."""
    return Membership.objects.active_on(on).filter(user=user).select_related("organisation")


def grantable_people(actor: User) -> QuerySet[User]:
    """Active people in post today at an organisation `actor` manages, administrators left
    out: those a manager may ask a role for."""
    in_post = Membership.objects.active_on().filter(
        organisation__in=organisations_for(actor, Action.MANAGE)
    )
    return (
        User.objects.filter(pk__in=in_post.values("user"), is_active=True)
        .exclude(is_staff=True)
        .exclude(is_superuser=True)
        .order_by("full_name", "email")
    )


def role_requests(actor: User) -> QuerySet[RoleGrantRequest]:
    """Role requests for the organisations `actor` manages today, newest first, with their
    decisions."""
    return RoleGrantRequest.objects.filter(
        organisation__in=organisations_for(actor, Action.MANAGE)
    ).select_related("user", "organisation", "requested_by", "decision", "decision__decided_by")
