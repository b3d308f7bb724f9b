"""An administrator at the command line gives someone an assessor, IQA or manager role."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from workforce import services
from workforce.models import GRANTED_ROLES, Organisation, Role, User
from workforce.refusals import refusal_text


class Command(BaseCommand):
    help = (
        "Give a person a role in an organisation as an administrator (audited with no user): "
        "grant_role EMAIL ORGANISATION ROLE, the organisation by name or ODS code, the role "
        "one of " + ", ".join(role.value for role in GRANTED_ROLES) + "."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("organisation")
        parser.add_argument("role", choices=[role.value for role in GRANTED_ROLES])

    def handle(self, *args, email: str, organisation: str, role: str, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"Nobody has the email address {email}.")
        found = Organisation.objects.filter(
            Q(name__iexact=organisation.strip()) | Q(ods_code__iexact=organisation.strip())
        ).first()
        if found is None:
            raise CommandError(f"No organisation is named or coded {organisation}.")
        try:
            membership = services.membership_start(
                user=user, organisation=found, role=Role(role), actor=None
            )
        except (ValidationError, PermissionDenied) as refused:
            raise CommandError(refusal_text(refused)) from refused
        self.stdout.write(
            f"{user} now holds the {membership.get_role_display().lower()} role at {found} from "
            f"{membership.starts_on:%d %B %Y}."
        )
