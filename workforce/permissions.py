"""The one place that answers "may this person do X to that person?" for every app.

Access is always scoped by memberships that are active on the day in question: an assessor or
manager acts only for link workers of an organisation where they themselves hold that role, and
nobody acts on their own record except to read it. Nor does anyone assess, countersign or
certify a person whose account they created in the 12 months before the day in question
(`_CREATOR_BARRED`): whoever makes an account must not also be the one who vouches for it.
The rule is written once, in `_ROLE_FOR_ACTION`, `_CREATOR_BARRED` and `subjects_of()`; the
predicate (`may`, `denial_reason`, `require`) and the querysets (`subjects_of`, `actors_for`,
`organisations_for`, `shared_organisations`) are all answers to it, so every scoped list agrees
with every check.
"""

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Membership, Organisation, Role, User

TRAINERS_GROUP = "Trainers"
CURRICULUM_REVIEWERS_GROUP = "Curriculum reviewers"


class Action(StrEnum):
    """Things one person may do to another person's records."""

    VIEW_RECORDS = "view records of"
    MANAGE = "manage"
    IMPORT_ASSESSMENTS = "import assessments for"
    ASSESS = "assess"
    REVIEW_EVIDENCE = "review evidence of"
    COUNTERSIGN = "countersign for"
    ISSUE_CERTIFICATE = "issue a certificate to"
    REVOKE_CERTIFICATE = "revoke a certificate of"
    QUALITY_ASSURE = "quality-assure the assessments of"


# The role the actor must hold in an organisation where the subject is a link worker.
_ROLE_FOR_ACTION: dict[Action, frozenset[str]] = {
    Action.VIEW_RECORDS: frozenset({Role.ASSESSOR, Role.MANAGER}),
    Action.MANAGE: frozenset({Role.MANAGER}),
    Action.IMPORT_ASSESSMENTS: frozenset({Role.ASSESSOR, Role.MANAGER}),
    Action.ASSESS: frozenset({Role.ASSESSOR}),
    Action.REVIEW_EVIDENCE: frozenset({Role.ASSESSOR}),
    Action.COUNTERSIGN: frozenset({Role.ASSESSOR}),
    Action.ISSUE_CERTIFICATE: frozenset({Role.MANAGER}),
    Action.REVOKE_CERTIFICATE: frozenset({Role.MANAGER}),
    Action.QUALITY_ASSURE: frozenset({Role.IQA}),
}
_SELF_ALLOWED = frozenset({Action.VIEW_RECORDS})
# Actions nobody may take for a person whose account they created in the last CREATOR_MONTHS.
_CREATOR_BARRED = frozenset({Action.ASSESS, Action.COUNTERSIGN, Action.ISSUE_CERTIFICATE})
CREATOR_MONTHS = 12


def _months_before(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def creator_bar_starts(day: datetime.date) -> datetime.datetime:
    """Accounts created at or after this moment are still barred to their creator on `day`:
    the start of the day after the same date CREATOR_MONTHS earlier."""
    since = _months_before(day, CREATOR_MONTHS) + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))


def created_recently_by(subject: User, actor: User, day: datetime.date) -> bool:
    """Whether `actor` created `subject`'s account in the CREATOR_MONTHS before `day`."""
    return (
        subject.created_by_id is not None
        and subject.created_by_id == actor.pk
        and subject.date_joined >= creator_bar_starts(day)
    )


def organisations_for(
    actor: User, action: Action, *, on: datetime.date | None = None
) -> QuerySet[Organisation]:
    """The organisations where `actor` holds a role that lets them `action` people that day."""
    return Organisation.objects.filter(
        pk__in=Membership.objects.active_on(on)
        .filter(user=actor, role__in=_ROLE_FOR_ACTION[action])
        .values("organisation")
    )


def _link_workers_in(organisations: QuerySet[Organisation], day: datetime.date) -> QuerySet:
    return (
        Membership.objects.active_on(day)
        .filter(role=Role.LINK_WORKER, organisation__in=organisations)
        .values("user")
    )


def subjects_of(actor: User, action: Action, *, on: datetime.date | None = None) -> QuerySet[User]:
    """Everyone `actor` may `action` on that day (today by default): the rule itself.

    Link workers of the organisations where the actor holds the action's role, never the actor
    (except to read their own records); nobody for a signed-out or deactivated actor. Lists that
    show only active people filter on `is_active` themselves.
    """
    if not actor.is_authenticated or not actor.is_active:
        return User.objects.none()
    day = on or timezone.localdate()
    others = Q(pk__in=_link_workers_in(organisations_for(actor, action, on=day), day)) & ~Q(
        pk=actor.pk
    )
    if action in _CREATOR_BARRED:
        others &= ~Q(created_by=actor, date_joined__gte=creator_bar_starts(day))
    return User.objects.filter(others | Q(pk=actor.pk) if action in _SELF_ALLOWED else others)


def actors_for(subject: User, action: Action, *, on: datetime.date | None = None) -> QuerySet[User]:
    """Everyone who may `action` `subject` on that day: `subjects_of` read the other way."""
    day = on or timezone.localdate()
    subject_organisations = (
        Membership.objects.active_on(day)
        .filter(user=subject, role=Role.LINK_WORKER)
        .values("organisation")
    )
    holders = (
        Membership.objects.active_on(day)
        .filter(role__in=_ROLE_FOR_ACTION[action], organisation__in=subject_organisations)
        .values("user")
    )
    others = Q(pk__in=holders) & ~Q(pk=subject.pk)
    if (
        action in _CREATOR_BARRED
        and subject.created_by_id is not None
        and subject.date_joined >= creator_bar_starts(day)
    ):
        others &= ~Q(pk=subject.created_by_id)
    return User.objects.filter(
        others | Q(pk=subject.pk) if action in _SELF_ALLOWED else others, is_active=True
    )


def shared_organisations(
    actor: User, action: Action, subject: User, *, on: datetime.date | None = None
) -> QuerySet[Organisation]:
    """The organisations through which `actor` may `action` `subject` that day."""
    day = on or timezone.localdate()
    return organisations_for(actor, action, on=day).filter(
        pk__in=Membership.objects.active_on(day)
        .filter(user=subject, role=Role.LINK_WORKER)
        .values("organisation")
    )


def denial_reason(
    actor: User, action: Action, subject: User, *, on: datetime.date | None = None
) -> str | None:
    """Why `actor` may not do `action` to `subject` on that day, or None when they may."""
    if not actor.is_authenticated or not actor.is_active:
        return "You need to sign in with an active account."
    if actor.pk == subject.pk:
        return None if action in _SELF_ALLOWED else f"Nobody may {action} themselves."
    day = on or timezone.localdate()
    if action in _CREATOR_BARRED and created_recently_by(subject, actor, day):
        return (
            f"You created {subject}'s account on "
            f"{timezone.localtime(subject.date_joined):%d %B %Y}: for {CREATOR_MONTHS} months "
            f"after that, someone else must {action} them."
        )
    if subjects_of(actor, action, on=day).filter(pk=subject.pk).exists():
        return None
    role_names = " or ".join(sorted(Role(role).label.lower() for role in _ROLE_FOR_ACTION[action]))
    return (
        f"To {action} {subject}, you must be a {role_names} in an organisation where they are a "
        f"link worker on {day:%d %B %Y}."
    )


class ScopeSnapshot:
    """The rule for one action answered in memory, from the memberships of the people given,
    loaded in two queries: for checking a whole import file without a query a row. It agrees
    with `may()` for those people (the scope property test checks it)."""

    def __init__(self, action: Action, *, actors: Iterable[User], subjects: Iterable[User]):
        self.action = action
        self._actor_spans = self._spans({a.pk for a in actors}, _ROLE_FOR_ACTION[action])
        self._subject_spans = self._spans({s.pk for s in subjects}, {Role.LINK_WORKER})

    @staticmethod
    def _spans(user_ids: set[int], roles) -> dict[int, list[tuple]]:
        spans = defaultdict(list)
        for user_id, organisation_id, starts_on, ends_on in Membership.objects.filter(
            user_id__in=user_ids, role__in=roles
        ).values_list("user_id", "organisation_id", "starts_on", "ends_on"):
            spans[user_id].append((organisation_id, starts_on, ends_on))
        return spans

    @staticmethod
    def _organisations_on(spans: list[tuple], day: datetime.date) -> set[int]:
        # The same dates as MembershipQuerySet.active_on: from the start to the end, inclusive.
        return {
            organisation_id
            for organisation_id, starts_on, ends_on in spans
            if starts_on <= day and (ends_on is None or ends_on >= day)
        }

    def allows(self, actor: User, subject: User, day: datetime.date) -> bool:
        """Whether `actor` may do the action to `subject` on `day`."""
        if not actor.is_authenticated or not actor.is_active:
            return False
        if actor.pk == subject.pk:
            return self.action in _SELF_ALLOWED
        if self.action in _CREATOR_BARRED and created_recently_by(subject, actor, day):
            return False
        return bool(
            self._organisations_on(self._actor_spans[actor.pk], day)
            & self._organisations_on(self._subject_spans[subject.pk], day)
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
