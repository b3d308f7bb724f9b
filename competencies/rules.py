"""The rules an assessment must keep, shared by the recording service and the importer."""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from curriculum.models import AssessmentMethod, Competency, ScaleLevel
from workforce.models import User
from workforce.permissions import Action, ScopeSnapshot, denial_reason
from workforce.refusals import Refusal, refuse

UNPUBLISHED = "The competency framework has not been published yet."


class RuleLookups:
    """What the assessment rules read: straight from the database, a few queries per call.

    The bulk importer passes `PreloadedLookups`, which answers from data loaded once for a
    whole file, so one set of rules serves one assessment or ten thousand.
    """

    def assess_denial(self, assessor: User, worker: User, on: datetime.date) -> str | None:
        """Why `assessor` may not assess `worker` on that day, or None."""
        return denial_reason(assessor, Action.ASSESS, worker, on=on)

    def accepted_methods(self, competency: Competency) -> set[str]:
        """The codes of the methods the competency may be assessed by: those its evidence rule
        names, "all of" and "any of" alike."""
        return rule_method_codes(competency)

    def scale(self, competency: Competency) -> dict[int, str]:
        """The competency's framework's levels: value to name."""
        return {level.value: level.name for level in competency.framework.scale_levels.all()}

    def today(self) -> datetime.date:
        return timezone.localdate()


class PreloadedLookups(RuleLookups):
    """The assessment rules' lookups answered from data loaded once for a whole file.

    Whether an assessor may assess a worker on a day comes from the scope rule's in-memory form
    (`workforce.permissions.ScopeSnapshot`), and a refusal's wording from `denial_reason`
    itself, so the answer and the message are the service's.
    """

    def __init__(self, *, workers: Iterable[User], assessors: Iterable[User], competencies):
        self._assess_scope = ScopeSnapshot(Action.ASSESS, actors=assessors, subjects=workers)
        self._methods = {
            competency.pk: rule_method_codes(competency) for competency in competencies
        }
        framework_ids = {competency.framework_id for competency in competencies}
        self._scales: dict[int, dict[int, str]] = defaultdict(dict)
        for level in ScaleLevel.objects.filter(framework_id__in=framework_ids):
            self._scales[level.framework_id][level.value] = level.name
        self._denials: dict[tuple, str | None] = {}
        self._today = super().today()

    def assess_denial(self, assessor: User, worker: User, on: datetime.date) -> str | None:
        key = (assessor.pk, worker.pk, on)
        if key not in self._denials:
            allowed = self._assess_scope.allows(assessor, worker, on)
            # Only a refusal asks the database, for its exact wording.
            self._denials[key] = None if allowed else super().assess_denial(assessor, worker, on)
        return self._denials[key]

    def accepted_methods(self, competency: Competency) -> set[str]:
        return self._methods[competency.pk]

    def scale(self, competency: Competency) -> dict[int, str]:
        return self._scales[competency.framework_id]

    def today(self) -> datetime.date:
        return self._today


def rule_method_codes(competency: Competency) -> set[str]:
    """The codes of every method a competency's evidence rule names."""
    return {method.code for method in competency.required_methods.all()} | {
        method.code for method in competency.accepted_methods.all()
    }


def assessment_rule_errors(
    *,
    worker: User,
    competency: Competency,
    level: int,
    method: AssessmentMethod,
    assessed_on: datetime.date,
    lookups: RuleLookups | None = None,
) -> list[ValidationError]:
    """Every assessment rule this would break (empty when it may be recorded).

    Shared by the service and the bulk importer, so they refuse the same things. Whether the
    assessor may assess the worker at all is the scope rule's (`lookups.assess_denial`): the
    service raises it as `PermissionDenied`, the importer reports it against the row.
    """
    lookups = lookups or RuleLookups()
    errors = []
    if assessed_on > lookups.today():
        errors.append(
            refuse(
                Refusal.FUTURE_DATE,
                f"The assessment date cannot be in the future ({assessed_on:%d %B %Y}).",
            )
        )
    if competency.is_retired:
        errors.append(
            refuse(Refusal.RETIRED, f"{competency.id_number} is retired and is no longer assessed.")
        )
    accepted = lookups.accepted_methods(competency)
    if method.code not in accepted:
        errors.append(
            refuse(
                Refusal.METHOD_NOT_ACCEPTED,
                f"{competency.id_number} is not assessed by {method.name} ({method.code}); "
                f"it accepts {', '.join(sorted(accepted)) or 'no method yet'}.",
            )
        )
    levels = lookups.scale(competency)
    if level not in levels:
        errors.append(
            refuse(
                Refusal.LEVEL_OFF_SCALE,
                f"Level {level} is not on the framework's scale ({describe_scale(levels)}).",
            )
        )
    return errors


def describe_scale(levels: dict[int, str]) -> str:
    """'1 Aware, 2 Developing, …' for messages."""
    return ", ".join(f"{value} {name}" for value, name in sorted(levels.items()))
