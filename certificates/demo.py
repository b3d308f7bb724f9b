"""The brief's qualification for the demo: the Link Worker Practice Certificate (Core)."""

from curriculum.models import AssessmentMethod, CompetencyFramework

from . import services
from .models import Qualification

FRAMEWORK_ID = "SPLW-CORE"
CORE_CODE = "LWPC-CORE"


def load() -> dict[str, int]:
    """Create the Core certificate's rules unless they exist; return how many were added."""
    if Qualification.objects.filter(code=CORE_CODE).exists():
        return {"qualifications": 0}
    services.qualification_create(
        code=CORE_CODE,
        title="Link Worker Practice Certificate (Core)",
        description=(
            "Every core competency at level 3 or above, two direct observations by two different "
            "assessors and a professional discussion of your portfolio, with a year of "
            "supervision and CPD."
        ),
        framework=CompetencyFramework.objects.get(id_number=FRAMEWORK_ID),
        all_core_at_level=3,
        min_direct_observations=2,
        observation_method=AssessmentMethod.objects.get(code="DOP"),
        required_method=AssessmentMethod.objects.get(code="PD"),
        min_supervision_sessions_12_months=10,
        min_cpd_points_year=20,
        min_cpd_formal_hours_year=10,
        validity_months=36,
        renewal_window_days=60,
        issuer_name="Link Worker Academy",
        signatory="Head of Training",
    )
    return {"qualifications": 1}
