"""Reads about people, organisations and memberships."""

import datetime

from django.db.models import QuerySet

from .models import Membership, User
from .permissions import Action, subjects_of


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
