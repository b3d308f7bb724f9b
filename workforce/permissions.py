"""The one place that answers "may this person do X to that person?" for every app.

Access is always scoped by memberships that are active on the day in question: an assessor or
manager acts only for link workers of an organisation where they themselves hold that role, and
nobody acts on their own record except to read it.
"""

import datetime
from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .models import Membership, Organisation, Role, User

TRAINERS_GROUP = "Trainers"
CURRICULUM_REVIEWERS_GROUP = "Curriculum reviewers"


class Action(StrEnum):
    """Things one person may do to another person's records."""

    VIEW_RECORDS = "view records of"
    ASSESS = "assess"
    REVIEW_EVIDENCE = "review evidence of"
    COUNTERSIGN = "countersign for"
    ISSUE_CERTIFICATE = "issue a certificate to"
    REVOKE_CERTIFICATE = "revoke a certificate of"


# The role the actor must hold in an organisation where the subject is a link worker.
_ROLE_FOR_ACTION: dict[Action, frozenset[str]] = {
    Action.VIEW_RECORDS: frozenset({Role.ASSESSOR, Role.MANAGER}),
    Action.ASSESS: frozenset({Role.ASSESSOR}),
    Action.REVIEW_EVIDENCE: frozenset({Role.ASSESSOR}),
    Action.COUNTERSIGN: frozenset({Role.ASSESSOR}),
    Action.ISSUE_CERTIFICATE: frozenset({Role.MANAGER}),
    Action.REVOKE_CERTIFICATE: frozenset({Role.MANAGER}),
}
_SELF_ALLOWED = frozenset({Action.VIEW_RECORDS})


def denial_reason(
    actor: User, action: Action, subject: User, *, on: datetime.date | None = None
) -> str | None:
    """Why `actor` may not do `action` to `subject` on that day, or None when they may."""
    if not actor.is_authenticated or not actor.is_active:
        return "You need to sign in with an active account."
    if actor.pk == subject.pk:
        if action in _SELF_ALLOWED:
            return None
        return f"Nobody may {action} themselves."
    day = on or timezone.localdate()
    roles = _ROLE_FOR_ACTION[action]
    actor_orgs = Membership.objects.active_on(day).filter(user=actor, role__in=roles)
    shares_organisation = (
        Membership.objects.active_on(day)
        .filter(user=subject, role=Role.LINK_WORKER)
        .filter(organisation__in=actor_orgs.values("organisation"))
        .exists()
    )
    if shares_organisation:
        return None
    role_names = " or ".join(sorted(Role(role).label.lower() for role in roles))
    return (
        f"To {action} {subject}, you must be a {role_names} in an organisation where they are a "
        f"link worker on {day:%d %B %Y}."
    )


def may(actor: User, action: Action, subject: User, *, on: datetime.date | None = None) -> bool:
    """Whether `actor` may do `action` to `subject` on that day (today by default)."""
    return denial_reason(actor, action, subject, on=on) is None


def require(actor: User, action: Action, subject: User, *, on: datetime.date | None = None) -> None:
    """Raise PermissionDenied, naming the rule, unless `actor` may do `action` to `subject`."""
    reason = denial_reason(actor, action, subject, on=on)
    if reason is not None:
        raise PermissionDenied(reason)


def holds_role(
    user: User,
    role: Role,
    *,
    organisation: Organisation | None = None,
    on: datetime.date | None = None,
) -> bool:
    """Whether `user` holds `role` (in `organisation`, if given) on that day."""
    if not user.is_authenticated:
        return False
    memberships = Membership.objects.active_on(on).filter(user=user, role=role)
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    return memberships.exists()


def is_curriculum_author(user: User) -> bool:
    """Trainers and curriculum reviewers work in the Wagtail admin."""
    return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")


def role_required(role: Role):
    """View decorator: signed in and holding `role` in at least one organisation today."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not holds_role(request.user, role):
                raise PermissionDenied(
                    f"This page is for people with the {role.label.lower()} role "
                    "in an organisation."
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
