"""Writes about qualifications and certificates; each atomic and audited."""

from django.db import transaction
from wagtail.log_actions import log

from workforce.models import User

from .models import Qualification


@transaction.atomic
def qualification_create(*, actor: User | None = None, **fields) -> Qualification:
    """Create a qualification's rules after checking every field."""
    qualification = Qualification(**fields)
    qualification.full_clean()
    qualification.save()
    log(qualification, "certificates.qualification.create", user=actor)
    return qualification
