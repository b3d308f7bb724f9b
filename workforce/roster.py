"""A roster spreadsheet (name, email, organisation, role) checked into a plan; nothing saved.

`services.roster_import` carries out a plan with no problems: it creates the people who are
new (they get an email to set their password), gives people the link worker role where they
lack it, and renames people whose name differs when only the manager's organisations have ever
employed them. A roster gives no other role: a row asking for assessor, internal quality
assurer or manager is refused, and the manager is pointed to the role requests page, where a
second manager must approve (or to an administrator).

A manager may change only accounts that are theirs to manage: people in post today in one of
their organisations, with no administrator powers. Any other existing account (someone who
works only elsewhere, a former worker, an administrator) is refused with the same message,
so a roster cannot take an account over, nor tell the manager anything about it.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat

from .models import GRANTED_ROLES, Membership, Role, User
from .permissions import Action, organisations_for
from .spreadsheets import SpreadsheetError, read_table

COLUMNS = ("name", "email", "organisation", "role")
# A roster travels from its preview to its confirmation inside the signed form, which must stay
# under DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB by default); 1 MB (about 10,000 people) fits
# whatever the file holds, with room to spare. Larger rosters are split.
MAX_BYTES = 1024 * 1024
NAME_MAX = User._meta.get_field("full_name").max_length
EMAIL_MAX = User._meta.get_field("email").max_length
_ROLES = {
    **{role.value: role for role in Role},
    **{role.label.casefold(): role for role in Role},
}


@dataclass
class RosterPlan:
    """What a roster file would do, row by row, and every problem with it."""

    notices: list[str] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    # Filled in once the import is saved: new people whose set-password email failed.
    not_emailed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(row["errors"] for row in self.rows)

    def count(self, key: str) -> int:
        return sum(bool(row.get(key)) for row in self.rows if not row["errors"])

    def summary(self, *, done: bool = False) -> str:
        if self.file_errors:
            return "The file could not be read; nothing was imported."
        verb = "" if done else "to be "
        return (
            f"{len(self.rows)} rows: {self.count('create')} new people {verb}added (each "
            f"{'was' if done else 'will be'} emailed a link to set a password), "
            f"{self.count('start')} roles {verb}started, {self.count('rename')} names "
            f"{verb}updated, {sum(bool(r['errors']) for r in self.rows)} rows refused."
        )

    def problems(self) -> list[str]:
        found = list(self.file_errors)
        for row in self.rows:
            found.extend(f"Row {row['row']}: {error}" for error in row["errors"])
        return found


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def not_yours(email: str) -> str:
    """Why a roster may not touch an existing account; says nothing about the account."""
    return (
        f"{email} already has an account with another organisation or none; ask an "
        "administrator to add them."
    )


def granted_elsewhere(role: Role) -> str:
    """Why a roster row asking for a role that needs a second manager's approval is refused."""
    return (
        f"A roster adds link workers only, not the {role.label.lower()} role (role column): "
        "add them as a link worker, then ask for the role under Team → Role requests, where "
        "another manager must approve it, or ask an administrator."
    )


def protected(user: User, *, group_member_ids: set[int] = frozenset()) -> bool:
    """An account no roster may change: inactive, staff, superuser or in an admin group."""
    return not user.is_active or user.is_staff or user.is_superuser or user.pk in group_member_ids


def size_problem(size: int) -> str | None:
    """Why a roster of `size` bytes is refused, or None."""
    if size <= MAX_BYTES:
        return None
    return (
        f"The roster is {filesizeformat(size)}, more than the limit of "
        f"{filesizeformat(MAX_BYTES)} (about 10,000 people) for one roster. Split it into "
        "smaller files, for example one per organisation, and import each."
    )


def check_roster(*, data: bytes, filename: str, actor: User) -> RosterPlan:
    """Plan a roster import by a manager, for their organisations only. Reads only."""
    plan = RosterPlan()
    if too_large := size_problem(len(data)):
        plan.file_errors = [too_large]
        return plan
    try:
        sheet = read_table(data, filename, required=COLUMNS, what="people")
    except SpreadsheetError as error:
        plan.file_errors = error.errors
        return plan
    plan.notices = sheet.notices
    organisations = list(organisations_for(actor, Action.MANAGE))
    by_name = {o.name.casefold(): o for o in organisations}
    by_code = {o.ods_code.upper(): o for o in organisations if o.ods_code}
    emails = {_text(cells["email"]).lower() for _, cells in sheet.rows}
    people = {
        user.email.lower(): user
        for user in User.objects.annotate(address=Lower("email")).filter(address__in=emails)
    }
    memberships = Membership.objects.filter(user__in=people.values())
    active = memberships.active_on()
    held = set(active.values_list("user_id", "organisation_id", "role"))
    in_post_here = set(
        active.filter(organisation__in=organisations).values_list("user_id", flat=True)
    )
    # Past, present or future: a name another employer knows them by is not ours to change.
    ever_elsewhere = set(
        memberships.exclude(organisation__in=organisations).values_list("user_id", flat=True)
    )
    in_groups = set(
        User.groups.through.objects.filter(user__in=people.values()).values_list(
            "user_id", flat=True
        )
    )
    names_in_file: dict[str, tuple[int, str]] = {}
    seen: dict[tuple, int] = {}
    for number, cells in sheet.rows:
        errors, notes = [], []
        name, email = _text(cells["name"]), _text(cells["email"]).lower()
        if not name:
            errors.append("Enter the person's full name (name column).")
        elif len(name) > NAME_MAX:
            errors.append(
                f"The name is {len(name)} characters long; a name can be at most {NAME_MAX} "
                "(name column)."
            )
        if len(email) > EMAIL_MAX:
            errors.append(
                f"The email address is {len(email)} characters long; an email address can be "
                f"at most {EMAIL_MAX} (email column)."
            )
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(f"“{email}” is not an email address (email column).")
        organisation_text = _text(cells["organisation"])
        organisation = by_name.get(organisation_text.casefold()) or by_code.get(
            organisation_text.upper()
        )
        if organisation is None:
            errors.append(
                f"“{organisation_text}” is not one of the organisations you manage ("
                + ", ".join(o.name for o in organisations)
                + ") (organisation column)."
            )
        role_text = _text(cells["role"])
        role = _ROLES.get(role_text.casefold().replace("_", " ")) or _ROLES.get(
            role_text.casefold()
        )
        if role is None:
            errors.append(f"“{role_text}” is not a role: use link worker (role column).")
        elif role in GRANTED_ROLES:
            errors.append(granted_elsewhere(role))
        if email and email == actor.email.lower():
            errors.append("You cannot change your own roles: ask another manager.")
        if email in names_in_file and name and names_in_file[email][1] != name:
            errors.append(
                f"Row {names_in_file[email][0]} gives {email} another name "
                f"(“{names_in_file[email][1]}”)."
            )
        first_mention = email not in names_in_file
        names_in_file.setdefault(email, (number, name))
        key = (email, organisation.pk if organisation else None, role.value if role else None)
        if not errors and key in seen:
            errors.append(f"Repeats row {seen[key]}.")
        seen.setdefault(key, number)
        person = people.get(email)
        if person is not None and (
            person.pk not in in_post_here or protected(person, group_member_ids=in_groups)
        ):
            errors.append(not_yours(email))
            person_may_change = False
        else:
            person_may_change = True
        row = {
            "row": number,
            "name": name,
            "email": email,
            "organisation": organisation.name if organisation else organisation_text,
            "organisation_id": organisation.pk if organisation else None,
            "role": role.value if role else role_text,
            "role_label": role.label if role else role_text,
            "create": person is None and first_mention,
            "start": person is None
            or (
                person_may_change
                and organisation is not None
                and role
                and (person.pk, organisation.pk, role.value) not in held
            ),
            "rename": False,
            "notes": notes,
            "errors": errors,
        }
        if (
            person is not None
            and person_may_change
            and name
            and person.full_name != name
            and first_mention
        ):
            if person.pk in ever_elsewhere:
                notes.append(
                    f"Name kept as “{person.full_name}”: they also work, or have worked, for "
                    "an organisation you do not manage."
                )
            else:
                row["rename"] = True
        if not errors and not row["start"] and not row["rename"]:
            notes.append("Already in post: nothing to change.")
        plan.rows.append(row)
    return plan
