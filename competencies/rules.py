"""The rules an assessment must keep, shared by the recording service and the importer."""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from curriculum.models import AssessmentMethod, Competency, ScaleLevel
from workforce.models import Membership, Role, User
from workforce.permissions import Action, denial_reason

UNPUBLISHED = "The competency framework has not been published yet."


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


class RuleLookups:
    """What the assessment rules read: straight from the database, a few queries per call.

    The bulk importer passes `PreloadedLookups`, which answers from data loaded once for a
    whole file, so one set of rules serves one assessment or ten thousand.
    """

    def assess_denial(self, assessor: User, worker: User, on: datetime.date) -> str | None:
        """Why `assessor` may not assess `worker` on that day, or None."""
        return denial_reason(assessor, Action.ASSESS, worker, on=on)

    def accepted_methods(self, competency: Competency) -> set[str]:
        """The codes of the methods the competency may be assessed by."""
        return {method.code for method in competency.accepted_methods.all()}

    def scale(self, competency: Competency) -> dict[int, str]:
        """The competency's framework's levels: value to name."""
        return {level.value: level.name for level in competency.framework.scale_levels.all()}

    def today(self) -> datetime.date:
        return timezone.localdate()


class PreloadedLookups(RuleLookups):
    """The assessment rules' lookups answered from data loaded once for a whole file.

    Memberships are loaded for the people in the file; whether an assessor may assess a
    worker on a day is worked out from them as `workforce.permissions.denial_reason` does,
    and a refusal's wording comes from `denial_reason` itself, so the message is the same.
    """

    def __init__(self, *, workers: Iterable[User], assessors: Iterable[User], competencies):
        worker_ids = {worker.pk for worker in workers}
        assessor_ids = {assessor.pk for assessor in assessors}
        self._worker_spans = self._spans(worker_ids, Role.LINK_WORKER)
        self._assessor_spans = self._spans(assessor_ids, Role.ASSESSOR)
        self._methods = {
            competency.pk: {method.code for method in competency.accepted_methods.all()}
            for competency in competencies
        }
        framework_ids = {competency.framework_id for competency in competencies}
        self._scales: dict[int, dict[int, str]] = defaultdict(dict)
        for level in ScaleLevel.objects.filter(framework_id__in=framework_ids):
            self._scales[level.framework_id][level.value] = level.name
        self._denials: dict[tuple, str | None] = {}
        self._today = super().today()

    @staticmethod
    def _spans(user_ids: set[int], role: Role) -> dict[int, list[tuple]]:
        spans = defaultdict(list)
        memberships = Membership.objects.filter(user_id__in=user_ids, role=role).values_list(
            "user_id", "organisation_id", "starts_on", "ends_on"
        )
        for user_id, organisation_id, starts_on, ends_on in memberships:
            spans[user_id].append((organisation_id, starts_on, ends_on))
        return spans

    @staticmethod
    def _organisations(spans: list[tuple], day: datetime.date) -> set[int]:
        return {
            organisation_id
            for organisation_id, starts_on, ends_on in spans
            if starts_on <= day and (ends_on is None or ends_on >= day)
        }

    def assess_denial(self, assessor: User, worker: User, on: datetime.date) -> str | None:
        key = (assessor.pk, worker.pk, on)
        if key not in self._denials:
            shared = (
                assessor.is_active
                and assessor.pk != worker.pk
                and self._organisations(self._assessor_spans[assessor.pk], on)
                & self._organisations(self._worker_spans[worker.pk], on)
            )
            # Only a refusal asks the database, for its exact wording.
            self._denials[key] = None if shared else super().assess_denial(assessor, worker, on)
        return self._denials[key]

    def accepted_methods(self, competency: Competency) -> set[str]:
        return self._methods[competency.pk]

    def scale(self, competency: Competency) -> dict[int, str]:
        return self._scales[competency.framework_id]

    def today(self) -> datetime.date:
        return self._today


def assessment_rule_errors(
    *,
    worker: User,
    competency: Competency,
    level: int,
    method: AssessmentMethod,
    assessed_on: datetime.date,
    assessor: User,
    lookups: RuleLookups | None = None,
) -> list[ValidationError]:
    """Every assessment rule this would break (empty when it may be recorded).

    Shared by the form, the service and the bulk importer, so they refuse the same things.
    """
    lookups = lookups or RuleLookups()
    errors = []
    if (reason := lookups.assess_denial(assessor, worker, assessed_on)) is not None:
        errors.append(_refuse(reason, "not_permitted"))
    if assessed_on > lookups.today():
        errors.append(
            _refuse(
                f"The assessment date cannot be in the future ({assessed_on:%d %B %Y}).",
                "future_date",
            )
        )
    if competency.is_retired:
        errors.append(
            _refuse(f"{competency.id_number} is retired and is no longer assessed.", "retired")
        )
    accepted = lookups.accepted_methods(competency)
    if method.code not in accepted:
        errors.append(
            _refuse(
                f"{competency.id_number} is not assessed by {method.name} ({method.code}); "
                f"it accepts {', '.join(sorted(accepted)) or 'no method yet'}.",
                "method_not_accepted",
            )
        )
    levels = lookups.scale(competency)
    if level not in levels:
        errors.append(
            _refuse(
                f"Level {level} is not on the framework's scale ({describe_scale(levels)}).",
                "level_off_scale",
            )
        )
    return errors


def describe_scale(levels: dict[int, str]) -> str:
    """'1 Aware, 2 Developing, …' for messages."""
    return ", ".join(f"{value} {name}" for value, name in sorted(levels.items()))
