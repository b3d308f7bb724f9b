"""Demo internal quality assurance: an IQA at Riverside North PCN and two samples (idempotent).

Called by `load_demo_data` after the people and their records exist. One of Siân's assessments
(PCP-02) is not agreed (on hold until Amara re-assesses it; both are emailed), one of Kwame's is
agreed.
"""

from competencies.models import Assessment, IqaDecision, IqaSample
from workforce import services as workforce_services
from workforce.demo import DEMO_PASSWORD, IN_POST_SINCE, NORTH_PCN
from workforce.models import Membership, Organisation, Role, User

from . import services

IQA_EMAIL = "iqa@example.org"
IQA_NAME = "Harriet Osei"
ON_HOLD = ("linkworker@example.org", "SPLW-PCP-02")
ON_HOLD_REASON = (
    "The support plan reads as written for the person rather than with them: level 3 needs "
    "goals the person owns, in their own words, and a note of how they were agreed together."
)
AGREED = ("kwame.mensah@example.org", "SPLW-PCP-01")


def _iqa() -> tuple[User, int]:
    added = 0
    user = User.objects.filter(email__iexact=IQA_EMAIL).first()
    if user is None:
        user = workforce_services.user_create(
            email=IQA_EMAIL, full_name=IQA_NAME, password=DEMO_PASSWORD
        )
        added += 1
    organisation = Organisation.objects.get(name=NORTH_PCN)
    if not Membership.objects.active_on().filter(user=user, role=Role.IQA).exists():
        # Granted at the command line, as an administrator grants it.
        workforce_services.membership_start(
            user=user, organisation=organisation, role=Role.IQA, starts_on=IN_POST_SINCE
        )
    return user, added


def _standing(email: str, code: str) -> Assessment | None:
    return (
        Assessment.objects.standing()
        .filter(worker__email__iexact=email, competency__id_number=code)
        .latest_first()
        .first()
    )


def load() -> dict[str, int]:
    """Add the IQA and their two samples when missing; return how many of each were added."""
    iqa, people = _iqa()
    samples = 0
    if not IqaSample.objects.filter(quality_assurer=iqa).exists():
        for (email, code), decision, reason in (
            (AGREED, IqaDecision.AGREED, ""),
            (ON_HOLD, IqaDecision.NOT_AGREED, ON_HOLD_REASON),
        ):
            assessment = _standing(email, code)
            if assessment is not None:
                services.iqa_sample_record(
                    assessment=assessment, quality_assurer=iqa, decision=decision, reason=reason
                )
                samples += 1
    return {"quality assurers": people, "IQA samples": samples}
