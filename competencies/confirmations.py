"""Reads for assessments entered in an assessor's name by someone else, waiting for them."""

from django.db.models import QuerySet

from workforce.models import User
from workforce.permissions import Action, subjects_of

from .models import Assessment


def awaiting_confirmation(assessor: User) -> QuerySet[Assessment]:
    """Assessments someone else entered in `assessor`'s name (an import) that they have not
    confirmed, of link workers they may still assess: until confirmed, these count for nothing.
    """
    return (
        Assessment.objects.standing()
        .filter(
            assessor=assessor,
            needs_confirmation=True,
            confirmation__isnull=True,
            worker__in=subjects_of(assessor, Action.ASSESS),
        )
        .select_related("worker", "competency", "method", "recorded_by", "source_import")
        .order_by("worker__full_name", "worker__pk", "assessed_on", "pk")
    )
