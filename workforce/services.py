"""Writes about people, organisations and memberships; each one is atomic and audited."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.functional import LazyObject
from django.utils.http import urlsafe_base64_encode
from wagtail.log_actions import log

from .models import (
    GRANTED_ROLES,
    GrantOutcome,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    RoleGrantDecision,
    RoleGrantRequest,
    User,
)
from .permissions import CREATOR_MONTHS, created_recently_by, holds_role
from .refusals import Refusal, refuse

GRANTED_BY_ADMINISTRATOR = (
    "Assessor, internal quality assurer and manager roles are granted by an administrator, or "
    "requested by one manager of the organisation and approved by another (Team → Role "
    "requests)."
)

logger = logging.getLogger(__name__)


@transaction.atomic
def user_create(
    *, email: str, full_name: str, password: str | None = None, actor: User | None = None
) -> User:
    """Create a person; without a password they cannot sign in until they set one.

    `actor` is recorded as the account's creator: for 12 months they may not assess,
    countersign or certify the person (`workforce.permissions`).
    """
    email = User.objects.normalize_email(email).strip().lower()
    full_name = full_name.strip()
    if not full_name:
        raise ValidationError(
            {"full_name": refuse(Refusal.FULL_NAME, "Enter the person's full name.")}
        )
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": refuse(
                    Refusal.EMAIL_TAKEN, f"Someone with the email address {email} already exists."
                )
            }
        )
    user = User.objects.create_user(
        email=email, full_name=full_name, password=password, created_by=actor
    )
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
    """Give `user` a role in `organisation` from `starts_on` (today by default).

    Assessor, IQA and manager roles only from an administrator (a superuser, or `actor` None at
    the command line); managers use `role_grant_request` and a second manager's approval.
    """
    if role in GRANTED_ROLES and not _is_administrator(actor):
        raise PermissionDenied(GRANTED_BY_ADMINISTRATOR)
    return _membership_start(
        user=user, organisation=organisation, role=role, starts_on=starts_on, actor=actor
    )


def _is_administrator(actor: User | None) -> bool:
    return actor is None or (actor.is_active and actor.is_superuser)


def _membership_start(
    *,
    user: User,
    organisation: Organisation,
    role: Role,
    starts_on: datetime.date | None,
    actor: User | None,
    data: dict | None = None,
) -> Membership:
    starts_on = starts_on or timezone.localdate()
    overlapping = (
        Membership.objects.active_on(starts_on)
        .filter(user=user, organisation=organisation, role=role)
        .exists()
    )
    if overlapping:
        raise refuse(
            Refusal.ALREADY_MEMBER,
            f"{user} is already a {Role(role).label.lower()} at {organisation} on "
            f"{starts_on:%d %B %Y}.",
        )
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=role, starts_on=starts_on
    )
    log(
        membership,
        "workforce.membership.start",
        user=actor,
        data={
            "role": role,
            "organisation": organisation.pk,
            "starts_on": str(starts_on),
            **(data or {}),
        },
    )
    return membership


@transaction.atomic
def membership_end(
    *, membership: Membership, ends_on: datetime.date | None = None, actor: User | None = None
) -> Membership:
    """End a role on `ends_on` (today by default); the membership itself is kept as history."""
    ends_on = ends_on or timezone.localdate()
    if ends_on < membership.starts_on:
        raise refuse(Refusal.MEMBERSHIP_DATES, "A membership cannot end before it starts.")
    membership.ends_on = ends_on
    membership.save(update_fields=["ends_on"])
    log(membership, "workforce.membership.end", user=actor, data={"ends_on": str(ends_on)})
    return membership


@transaction.atomic
def user_rename(*, user: User, full_name: str, actor: User | None = None) -> User:
    """Change the name a person is known by (and that new certificates will carry)."""
    full_name = full_name.strip()
    if not full_name:
        raise ValidationError(
            {"full_name": refuse(Refusal.FULL_NAME, "Enter the person's full name.")}
        )
    previous = user.full_name
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    log(user, "workforce.user.rename", user=actor, data={"from": previous, "to": full_name})
    return user


def user_invite_send(*, user: User) -> None:
    """Email a new person a link to set their password (Django's password reset token)."""
    context = {
        "user": user,
        "service_name": settings.SERVICE_NAME,
        "url": settings.SITE_BASE_URL
        + reverse(
            "password_reset_confirm",
            args=[
                urlsafe_base64_encode(force_bytes(user.pk)),
                default_token_generator.make_token(user),
            ],
        ),
        "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
    }
    subject = render_to_string("imports/email/set_password_subject.txt", context).strip()
    body = render_to_string("imports/email/set_password.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def roster_import(*, data: bytes, filename: str, actor: User):
    """A manager onboards staff from a roster file: all rows or none.

    Creates new people (emailed a link to set their password once the import is saved), starts
    the roles they lack in the manager's organisations, and renames people only those
    organisations have employed. Existing accounts that are not the manager's to change are
    refused by the check (`roster.check_roster`). Returns the `roster.RosterPlan`; nothing is
    saved unless `.ok`; after the commit `.not_emailed` lists anyone the email did not reach.
    """
    from .roster import check_roster, protected  # roster reads only; it never imports services

    plan = check_roster(data=data, filename=filename, actor=actor)
    if not plan.ok:
        return plan
    people: dict[str, User] = {
        user.email.lower(): user
        for user in User.objects.annotate(address=Lower("email")).filter(
            address__in={row["email"] for row in plan.rows}
        )
    }
    in_groups = set(
        User.groups.through.objects.filter(user__in=people.values()).values_list(
            "user_id", flat=True
        )
    )
    if any(protected(user, group_member_ids=in_groups) for user in people.values()):
        # The check refuses these; never reached unless the check is changed carelessly.
        raise refuse(
            Refusal.PROTECTED_ACCOUNT,
            "A roster cannot change an administrator's or inactive account.",
        )
    organisations = {
        o.pk: o
        for o in Organisation.objects.filter(pk__in={row["organisation_id"] for row in plan.rows})
    }
    created: list[User] = []
    for row in plan.rows:
        if row["create"]:
            # Trust the check, not a second look: someone given an account since the check
            # ran is not this roster's to take over, and `user_create` refuses them.
            user = user_create(email=row["email"], full_name=row["name"], actor=actor)
            people[row["email"]] = user
            created.append(user)
        elif (user := people.get(row["email"])) is None:
            raise refuse(
                Refusal.ACCOUNT_REMOVED, f"The account of {row['email']} was removed meanwhile."
            )
        elif row["rename"]:
            user_rename(user=user, full_name=row["name"], actor=actor)
        if row["start"]:
            membership_start(
                user=user,
                organisation=organisations[row["organisation_id"]],
                role=Role(row["role"]),
                actor=actor,
            )
    for organisation in organisations.values():
        log(
            organisation,
            "workforce.roster.import",
            user=actor,
            data={"filename": filename, "rows": len(plan.rows), "people_created": len(created)},
        )
    # Only once the import is saved: a rolled-back import must not invite anyone.
    transaction.on_commit(lambda: _invite(created, plan))
    return plan


def _invite(people: list[User], plan) -> None:
    """Email each new person separately: one failure must not stop the others or undo the import."""
    for user in people:
        try:
            user_invite_send(user=user)
        except Exception:
            logger.exception("Could not email %s a link to set a password", user.email)
            plan.not_emailed.append(user.email)


def export_record(
    *,
    actor: User,
    report: str,
    file_format: str,
    rows: int,
    organisation: Organisation | None = None,
    scope: dict | None = None,
) -> None:
    """Record that `actor` exported `rows` rows of `report` as `file_format`.

    Logged against the organisation when the export is of one organisation (its managers then
    see it in their audit log), otherwise against the actor's own account. The view has already
    limited the rows to what `actor` may see; `scope` says how (filters, counts: no names).
    One INSERT, so it needs no transaction of its own.
    """
    data = {"report": report, "file_format": file_format, "rows": rows, **(scope or {})}
    if organisation is not None:
        data["organisation"] = organisation.pk
    # request.user arrives wrapped (lazily, maybe twice); Wagtail's log finds no log model for
    # the wrapper and would skip the entry without a word.
    while isinstance(actor, LazyObject):
        actor.pk  # noqa: B018 - evaluates the lazy object
        actor = actor._wrapped
    log(organisation or actor, "workforce.export", user=actor, data=data)


# --- Role grants --------------------------------------------------------------------------------
# A manager may not make anyone an assessor, IQA or manager alone: one manager of the
# organisation asks, a different one approves (or an administrator grants the role directly,
# through `membership_start`). Nobody decides a request they made or one about themselves.


def _in_post(user: User, organisation: Organisation) -> bool:
    return Membership.objects.active_on().filter(user=user, organisation=organisation).exists()


def _require_manager(actor: User, organisation: Organisation) -> None:
    if not (actor.is_authenticated and actor.is_active) or not holds_role(
        actor, Role.MANAGER, organisation=organisation
    ):
        raise PermissionDenied(f"Only managers of {organisation} may ask for or decide its roles.")


@transaction.atomic
def role_grant_request(
    *, user: User, organisation: Organisation, role: Role, reason: str, actor: User
) -> RoleGrantRequest:
    """A manager asks for someone in post at their organisation to be given a role that a
    second manager of it must approve (`role_grant_approve`)."""
    _require_manager(actor, organisation)
    if role not in GRANTED_ROLES:
        raise refuse(
            Refusal.ROLE_NOT_GRANTABLE,
            "Ask here for the assessor, internal quality assurer or manager role only; link "
            "workers are added with a roster.",
        )
    role = Role(role)
    if not reason.strip():
        raise refuse(Refusal.REASON, f"Say why {user} needs the {role.label.lower()} role.")
    if not user.is_active or not _in_post(user, organisation):
        raise refuse(
            Refusal.GRANT_PERSON,
            f"{user} is not in post at {organisation}: add them with a roster first, or ask "
            "an administrator.",
        )
    if holds_role(user, role, organisation=organisation):
        raise refuse(
            Refusal.ALREADY_MEMBER,
            f"{user} already holds the {role.label.lower()} role at {organisation}.",
        )
    waiting = RoleGrantRequest.objects.filter(
        user=user, organisation=organisation, role=role, decision__isnull=True
    )
    if waiting.exists():
        raise refuse(
            Refusal.GRANT_WAITING,
            f"A request for {user} to hold the {role.label.lower()} role at {organisation} is "
            "already waiting for a second manager.",
        )
    grant_request = RoleGrantRequest.objects.create(
        user=user,
        organisation=organisation,
        role=role,
        reason=reason.strip(),
        requested_by=actor,
    )
    log(
        grant_request,
        "workforce.role.request",
        user=actor,
        data={"user": user.pk, "organisation": organisation.pk, "role": role.value},
    )
    return grant_request


def _open_request(grant_request: RoleGrantRequest, actor: User) -> RoleGrantRequest:
    """The request locked, after checking `actor` may decide it and it is still open."""
    grant_request = (
        RoleGrantRequest.objects.select_for_update()
        .select_related("user", "organisation", "requested_by")
        .get(pk=grant_request.pk)
    )
    _require_manager(actor, grant_request.organisation)
    if actor.pk == grant_request.user_id:
        raise PermissionDenied("Nobody decides a request about their own roles.")
    if RoleGrantDecision.objects.filter(request=grant_request).exists():
        raise refuse(Refusal.GRANT_DECIDED, "This request has already been decided.")
    return grant_request


@transaction.atomic
def role_grant_approve(*, grant_request: RoleGrantRequest, actor: User) -> RoleGrantDecision:
    """A second manager of the organisation approves a request: the role starts today."""
    grant_request = _open_request(grant_request, actor)
    if actor.pk == grant_request.requested_by_id:
        raise PermissionDenied(
            f"Nobody approves their own request: another manager of "
            f"{grant_request.organisation} must."
        )
    if created_recently_by(grant_request.user, actor, timezone.localdate()):
        raise PermissionDenied(
            f"You created {grant_request.user}'s account in the last {CREATOR_MONTHS} months: "
            "another manager must approve their roles."
        )
    if not grant_request.user.is_active or not _in_post(
        grant_request.user, grant_request.organisation
    ):
        raise refuse(
            Refusal.GRANT_PERSON,
            f"{grant_request.user} is no longer in post at {grant_request.organisation}.",
        )
    membership = _membership_start(
        user=grant_request.user,
        organisation=grant_request.organisation,
        role=Role(grant_request.role),
        starts_on=None,
        actor=actor,
        data={"role_request": grant_request.pk},
    )
    decision = RoleGrantDecision.objects.create(
        request=grant_request,
        outcome=GrantOutcome.APPROVED,
        decided_by=actor,
        membership=membership,
    )
    log(
        grant_request,
        "workforce.role.approve",
        user=actor,
        data={"membership": membership.pk, "requested_by": grant_request.requested_by_id},
    )
    return decision


@transaction.atomic
def role_grant_refuse(
    *, grant_request: RoleGrantRequest, actor: User, reason: str
) -> RoleGrantDecision:
    """A manager of the organisation refuses a request (the one who made it withdraws it)."""
    grant_request = _open_request(grant_request, actor)
    if not reason.strip():
        raise refuse(Refusal.REASON, "Say why the request is refused.")
    decision = RoleGrantDecision.objects.create(
        request=grant_request,
        outcome=GrantOutcome.REFUSED,
        decided_by=actor,
        reason=reason.strip(),
    )
    log(grant_request, "workforce.role.refuse", user=actor, data={"reason": reason.strip()})
    return decision


@transaction.atomic
def membership_supervisor_set(
    *, actor: User, membership: Membership, supervisor: User | None
) -> Membership:
    """A manager names a link worker's supervisor at one of the manager's organisations, or
    clears the name: the assessor there who countersigns the worker's awards."""
    from .permissions import Action, holds_role, may, require  # permissions reads models only

    organisation = membership.organisation
    worker = membership.user
    today = timezone.localdate()
    require(actor, Action.MANAGE, worker)
    active = Membership.objects.active_on(today).filter(pk=membership.pk).exists()
    if not holds_role(actor, Role.MANAGER, organisation=organisation) or not active:
        raise PermissionDenied(
            f"Only a manager at {organisation} names supervisors of its current link workers."
        )
    if membership.role != Role.LINK_WORKER:
        raise refuse(Refusal.SUPERVISOR, "Only a link worker has a named supervisor.")
    if supervisor is not None and not (
        supervisor.is_active
        and holds_role(supervisor, Role.ASSESSOR, organisation=organisation)
        and may(supervisor, Action.COUNTERSIGN, worker)
    ):
        raise refuse(
            Refusal.SUPERVISOR,
            f"{supervisor} cannot be {worker}'s named supervisor: choose an assessor at "
            f"{organisation} who may countersign for them.",
        )
    previous = membership.supervisor_id
    membership.supervisor = supervisor
    membership.save(update_fields=["supervisor"])
    log(
        membership,
        "workforce.membership.supervisor",
        user=actor,
        data={"from": previous, "to": supervisor.pk if supervisor else None},
    )
    return membership
