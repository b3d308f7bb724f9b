"""Competency evidence rules: which assessments make a level, and what is still missing.

A competency's rule names the methods that are all required ("all of") and the alternatives
("any of"). Each method counts by the worker's latest counting assessment by it
(`AssessmentQuerySet.latest_by_method`). The framework caps what some methods show on their own
(e-learning level 1, a knowledge test level 2), so level 3 and above need evidence from practice.

The rule is met at level L when
- every "all of" method supports L: it was assessed at L or more, or up to its cap when capped
  below L (a knowledge test at level 2 supports a level-3 simulation);
- one "any of" method (when there are any) supports L; and
- one of those methods shows L on its own: assessed at L or more and not capped below it.
A competency with neither list accepts any method alone. A refresher (e.g. information
governance e-learning every 12 months) runs from the latest assessment by its method; once it
runs out the competency's level no longer counts, though the history shows what was achieved.
"""

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import Value
from django.utils import timezone

from curriculum.models import AssessmentMethod, Competency, CompetencyFramework, MethodCap

from .models import LATEST_FIRST, Assessment


@dataclass(frozen=True)
class Shown:
    """A worker's latest counting assessment of a competency by one method."""

    method_id: int
    level: int
    assessed_on: datetime.date
    assessment: Assessment | None = None  # loaded only when one worker's record is read


@dataclass(frozen=True)
class EvidenceRule:
    """One competency's evidence rule, read once per framework."""

    competency_id: int
    code: str
    all_of: tuple[AssessmentMethod, ...]
    any_of: tuple[AssessmentMethod, ...]
    caps: Mapping[int, int]
    refresh_months: int | None = None
    refresh_method: AssessmentMethod | None = None
    milestone: bool = False  # needed before unsupervised work
    is_core: bool = False
    in_use: bool = True  # assessed: not retired, and not a domain grouping competencies

    @cached_property
    def all_of_ids(self) -> tuple[int, ...]:
        return tuple(method.pk for method in self.all_of)

    @cached_property
    def any_of_ids(self) -> tuple[int, ...]:
        return tuple(method.pk for method in self.any_of)

    @property
    def methods(self) -> tuple[AssessmentMethod, ...]:
        """Every method the rule names; an assessment by another one is refused."""
        return self.all_of + tuple(m for m in self.any_of if m not in self.all_of)

    def cap(self, method_id: int) -> int | None:
        return self.caps.get(method_id)

    def _supports(self, shown: Shown | None, level: int) -> bool:
        if shown is None:
            return False
        cap = self.cap(shown.method_id)
        return shown.level >= (level if cap is None else min(level, cap))

    def _shows(self, shown: Shown | None, level: int) -> bool:
        if shown is None:
            return False
        cap = self.cap(shown.method_id)
        return min(shown.level, cap if cap is not None else shown.level) >= level

    def used_at(self, by_method: Mapping[int, Shown], level: int) -> list[Shown] | None:
        """The assessments meeting the rule at `level`, or None when it is not met there."""
        if not self.all_of and not self.any_of:
            # No rule authored yet: any one method alone, within its cap.
            showing = [s for s in by_method.values() if self._shows(s, level)]
            return showing[:1] or None
        used = []
        for method in self.all_of:
            shown = by_method.get(method.pk)
            if not self._supports(shown, level):
                return None
            used.append(shown)
        if self.any_of:
            alternatives = [
                by_method[m.pk] for m in self.any_of if self._supports(by_method.get(m.pk), level)
            ]
            if not alternatives:
                return None
            # Prefer an alternative that shows the level itself.
            alternatives.sort(key=lambda s: not self._shows(s, level))
            used.append(alternatives[0])
        if not any(self._shows(shown, level) for shown in used):
            return None
        return used

    def describe(self) -> str:
        """The rule in words, e.g. "Simulation or role-play and knowledge test"."""
        parts = []
        if self.all_of:
            parts.append(" and ".join(m.name for m in self.all_of))
        if self.any_of:
            parts.append(" or ".join(m.name for m in self.any_of))
        return "; plus ".join(parts) if parts else "Any method"

    def missing_for(self, by_method: Mapping[int, Shown], level: int) -> str:
        """What the worker still needs for `level`, in words ("" when the rule is met)."""
        if self.used_at(by_method, level) is not None:
            return ""
        needed = []
        for method in self.all_of:
            shown = by_method.get(method.pk)
            if shown is None:
                needed.append(_a(method.name))
            elif not self._supports(shown, level):
                needed.append(f"{_a(method.name)} at level {_floor(self, method, level)}")
        if self.any_of and not any(self._supports(by_method.get(m.pk), level) for m in self.any_of):
            options = " or ".join(_a(m.name) for m in self.any_of)
            tried = any(m.pk in by_method for m in self.any_of)
            needed.append(f"{options} at level {level}" if tried else options)
        had = [
            m.name[:1].lower() + m.name[1:]
            for m in self.methods
            if self._supports(by_method.get(m.pk), level)
        ]
        if needed:
            text = "needs " + _join(needed)
            return f"{text} as well as the {_join(had)}" if had else text
        # Every method is there but none shows the level alone: all are capped below it.
        practice = [m for m in self.methods if self.cap(m.pk) is None or self.cap(m.pk) >= level]
        if practice:
            return f"needs {_join([_a(m.name) for m in practice], 'or')} at level {level}"
        return f"needs evidence from practice at level {level}"


def _a(name: str) -> str:
    name = name[:1].lower() + name[1:]
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"


def _join(items: list[str], word: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def _floor(rule: EvidenceRule, method: AssessmentMethod, level: int) -> int:
    cap = rule.cap(method.pk)
    return level if cap is None else min(level, cap)


# Not frozen, with slots: a team page builds thousands, and a frozen dataclass's __init__ costs
# three times as much. Nothing changes one once built.
@dataclass(slots=True)
class Achievement:
    """Where a worker stands on one competency under its evidence rule."""

    achieved_level: int = 0  # the highest level the rule is met at
    on: datetime.date | None = None  # when it was met: the latest of the assessments used
    used: tuple[Shown, ...] = ()
    refresh_due_on: datetime.date | None = None
    lapsed: bool = False  # the refresher has run out
    missing: str = ""  # what is still needed for the level aimed at, in words

    @property
    def level(self) -> int:
        """The level that counts today: none once a refresher has run out."""
        return 0 if self.lapsed else self.achieved_level

    @property
    def assessments(self) -> list[Assessment]:
        return [shown.assessment for shown in self.used if shown.assessment is not None]


def lapse_note(rule: EvidenceRule) -> str:
    """What a competency needs once its refresher has run out, in words."""
    if rule.refresh_method is not None:
        return f"needs a new {rule.refresh_method.name.lower()}: the refresher ran out"
    return "needs re-assessing: the refresher ran out"


def judge(
    rule: EvidenceRule,
    by_method: Mapping[int, Shown],
    *,
    top: int,
    threshold: int | None,
    as_of: datetime.date,
) -> Achievement:
    """The worker's achievement on one competency from their latest assessment by each method.

    `top` is the scale's highest level; below `threshold` (proficiency) the achievement says
    what is still missing to reach it.
    """
    achieved, used = 0, ()
    for level in range(top, 0, -1):
        meeting = rule.used_at(by_method, level)
        if meeting is not None:
            achieved, used = level, tuple(meeting)
            break
    on = max((shown.assessed_on for shown in used), default=None)
    due, lapsed = None, False
    if rule.refresh_months and achieved:
        refreshing = [
            shown.assessed_on
            for shown in by_method.values()
            if rule.refresh_method is None or shown.method_id == rule.refresh_method.pk
        ]
        if refreshing:
            due = max(refreshing) + relativedelta(months=rule.refresh_months)
            lapsed = as_of >= due
        else:
            lapsed = True
    missing = ""
    if threshold is not None and achieved < threshold:
        missing = rule.missing_for(by_method, threshold)
    elif lapsed:
        missing = lapse_note(rule)
    return Achievement(
        achieved_level=achieved,
        on=on,
        used=used,
        refresh_due_on=due,
        lapsed=lapsed,
        missing=missing,
    )


def _top_level(rule: EvidenceRule, levels: Mapping[int, int], top: int) -> int:
    """The highest level `rule` is met at, from the level of the latest assessment by each method
    (method id to level), worked out at once rather than level by level.

    A method supports every level up to its own, or every level once it reached its cap; it
    shows up to its level within the cap. The rule is met at L when each "all of" method
    supports L, one "any of" method does, and one of them shows L: so the highest L is the
    least of those bounds (`judge` tries each level; tests hold the two to the same answer).
    """
    caps = rule.caps
    if not rule.all_of and not rule.any_of:
        best = 0
        for method_id, level in levels.items():
            cap = caps.get(method_id)
            best = max(best, level if cap is None else min(level, cap))
        return min(top, best)
    bound, showing = top, 0
    for method_id in rule.all_of_ids:
        level = levels.get(method_id)
        if level is None:
            return 0
        cap = caps.get(method_id)
        if cap is None:
            bound, showing = min(bound, level), max(showing, level)
        else:
            bound = bound if level >= cap else min(bound, level)
            showing = max(showing, min(level, cap))
    if rule.any_of:
        supported, seen = 0, False
        for method_id in rule.any_of_ids:
            level = levels.get(method_id)
            if level is None:
                continue
            seen = True
            cap = caps.get(method_id)
            if cap is None:
                supported, showing = max(supported, level), max(showing, level)
            else:
                supported = max(supported, top if level >= cap else level)
                showing = max(showing, min(level, cap))
        if not seen:
            return 0
        bound = min(bound, supported)
    return max(0, min(bound, showing))


def _refresh(
    rule: EvidenceRule, dates: Iterable[tuple[int, datetime.date]], as_of: datetime.date
) -> tuple[datetime.date | None, bool]:
    """When an achieved competency's refresher runs out, from (method id, date) of the latest
    assessments by each method, and whether it has."""
    method = rule.refresh_method
    refreshing = [on for method_id, on in dates if method is None or method_id == method.pk]
    if not refreshing:
        return None, True
    due = max(refreshing) + relativedelta(months=rule.refresh_months)
    return due, as_of >= due


def _used_on(
    rule: EvidenceRule, by_method: Mapping[int, tuple[int, datetime.date]], level: int
) -> datetime.date:
    """The date `rule` was met at `level` (which it is), from (level, date) by method: the
    latest of the assessments `EvidenceRule.used_at` would choose, chosen the same way."""
    caps = rule.caps

    def shows(method_id: int, shown_level: int) -> bool:
        cap = caps.get(method_id)
        return (shown_level if cap is None else min(shown_level, cap)) >= level

    if not rule.all_of and not rule.any_of:
        return next(on for m, (shown, on) in by_method.items() if shows(m, shown))
    dates = [by_method[method_id][1] for method_id in rule.all_of_ids]
    if rule.any_of:
        chosen = None
        for method_id in rule.any_of_ids:
            if method_id not in by_method:
                continue
            shown, on = by_method[method_id]
            cap = caps.get(method_id)
            if shown < (level if cap is None else min(level, cap)):
                continue  # does not support the level
            if shows(method_id, shown):
                chosen = on
                break
            chosen = chosen or on
        dates.append(chosen)
    return max(dates)


def _judge_quick(
    rule: EvidenceRule,
    by_method: Mapping[int, tuple[int, datetime.date]],
    *,
    top: int,
    as_of: datetime.date,
) -> Achievement:
    achieved = _top_level(rule, {m: level for m, (level, _) in by_method.items()}, top)
    on = _used_on(rule, by_method, achieved) if achieved else None
    due, lapsed = None, False
    if rule.refresh_months and achieved:
        due, lapsed = _refresh(rule, ((m, date) for m, (_, date) in by_method.items()), as_of)
    return Achievement(achieved_level=achieved, on=on, refresh_due_on=due, lapsed=lapsed)


def judge_level(
    rule: EvidenceRule, by_method: Mapping[int, Shown], *, top: int, as_of: datetime.date
) -> Achievement:
    """`judge` without what is missing (nor the assessments used): the same level, date,
    refresher and lapse, for pages that show only levels (the team page judges its whole team
    this way)."""
    return _judge_quick(
        rule,
        {m: (shown.level, shown.assessed_on) for m, shown in by_method.items()},
        top=top,
        as_of=as_of,
    )


def rules_for(framework: CompetencyFramework) -> dict[int, EvidenceRule]:
    """Every competency's evidence rule in `framework`, in the framework's order. Four queries:
    a read that needs them twice passes them on (`achievements(rules=…)`).

    Read as plain values rather than models: competencies carry long descriptors no rule
    needs, and every team page asks for the rules."""
    caps = dict(MethodCap.objects.filter(framework=framework).values_list("method_id", "max_level"))
    # The methods are a short national list; each rule shares the one copy of each.
    methods = {method.pk: method for method in AssessmentMethod.objects.all()}
    named: dict[tuple[str, int], list[AssessmentMethod]] = defaultdict(list)
    links = [
        Competency._meta.get_field(field)
        .remote_field.through.objects.filter(competency__framework=framework)
        .annotate(kind=Value(field))
        .values_list("kind", "competency_id", "assessmentmethod_id")
        for field in ("required_methods", "accepted_methods")
    ]
    for kind, competency_id, method_id in links[0].union(links[1], all=True):
        named[kind, competency_id].append(methods[method_id])
    competencies = (
        Competency.objects.filter(framework=framework)
        .order_by("sort_order", "pk")
        .values_list(
            "pk",
            "id_number",
            "refresh_months",
            "refresh_method_id",
            "needed_before_unsupervised_work",
            "is_core",
            "is_retired",
            "parent_id_number",
        )
    )

    def by_code(kind: str, competency_id: int) -> tuple[AssessmentMethod, ...]:
        return tuple(sorted(named.get((kind, competency_id), ()), key=lambda m: m.code))

    return {
        pk: EvidenceRule(
            competency_id=pk,
            code=code,
            all_of=by_code("required_methods", pk),
            any_of=by_code("accepted_methods", pk),
            caps=caps,
            refresh_months=refresh_months,
            refresh_method=methods.get(refresh_method_id),
            milestone=milestone,
            is_core=is_core,
            in_use=not is_retired and bool(parent_id_number),
        )
        for (
            pk,
            code,
            refresh_months,
            refresh_method_id,
            milestone,
            is_core,
            is_retired,
            parent_id_number,
        ) in competencies
    }


def achievements(
    worker_ids: Iterable[int],
    framework: CompetencyFramework,
    *,
    as_of: datetime.date | None = None,
    with_assessments: bool = False,
    competency_ids: Iterable[int] | None = None,
    rules: Mapping[int, EvidenceRule] | None = None,
    in_full: Collection[int] | None = None,
) -> dict[tuple[int, int], Achievement]:
    """Each (worker, competency)'s achievement, for every pair with a counting assessment.

    One query for the assessments and one for the scale (none when prefetched), plus
    `rules_for`'s four unless `rules` holds them already, whatever
    the number of workers or the length of their history. `with_assessments` loads the
    assessments themselves with their method and assessor (for one worker's pages);
    `competency_ids` narrows it to those competencies. With `in_full`, only those workers'
    achievements say what is missing (`judge`); the others' give the same level, date and
    refresher without it (`judge_level`, several times quicker: a team page judges a whole
    team for its counts and shows a page of it).
    """
    as_of = as_of or timezone.localdate()
    worker_ids = list(worker_ids)
    if not worker_ids:
        return {}
    rules = rules if rules is not None else rules_for(framework)
    scale = list(framework.scale_levels.all())
    top = max((level.value for level in scale), default=0)
    threshold = min((level.value for level in scale if level.is_proficient), default=None)
    shown: dict[tuple[int, int], dict[int, Shown]] = defaultdict(dict)
    if with_assessments:
        latest = Assessment.objects.filter(
            worker_id__in=worker_ids, competency__framework=framework
        )
        if competency_ids is not None:
            latest = latest.filter(competency_id__in=list(competency_ids))
        for assessment in latest.latest_by_method(as_of).select_related("method", "assessor"):
            shown[(assessment.worker_id, assessment.competency_id)][assessment.method_id] = Shown(
                assessment.method_id, assessment.level, assessment.assessed_on, assessment
            )
    elif in_full is not None:
        # Most workers judged quickly: straight from the rows, without a `Shown` each.
        quick: dict[tuple[int, int], dict[int, tuple[int, datetime.date]]] = defaultdict(dict)
        for worker_id, competency_id, method_id, level, on in _latest_rows(
            worker_ids, framework, as_of, competency_ids
        ):
            if worker_id in in_full:
                shown[(worker_id, competency_id)][method_id] = Shown(method_id, level, on)
            else:
                quick[(worker_id, competency_id)][method_id] = (level, on)
        result = {}
        for pair, by_level in quick.items():
            rule = rules.get(pair[1])
            if rule is not None:
                result[pair] = _judge_quick(rule, by_level, top=top, as_of=as_of)
        for pair, by_method in shown.items():
            rule = rules.get(pair[1])
            if rule is not None:
                result[pair] = judge(rule, by_method, top=top, threshold=threshold, as_of=as_of)
        return result
    else:
        shown = _shown(worker_ids, framework, as_of, competency_ids)
    result = {}
    for (worker_id, competency_id), by_method in shown.items():
        rule = rules.get(competency_id)
        if rule is None:
            continue
        if in_full is None or worker_id in in_full:
            result[(worker_id, competency_id)] = judge(
                rule, by_method, top=top, threshold=threshold, as_of=as_of
            )
        else:
            result[(worker_id, competency_id)] = judge_level(rule, by_method, top=top, as_of=as_of)
    return result


def _latest_rows(
    worker_ids: list[int],
    framework: CompetencyFramework,
    as_of: datetime.date,
    competency_ids: Iterable[int] | None = None,
) -> list[tuple[int, int, int, int, datetime.date]]:
    """(worker, competency, method, level, date) of each worker's latest counting assessment of
    each competency by each method. One query: on PostgreSQL a DISTINCT ON, which reads each
    row once (the window function of `latest_by_method`, which other databases need, reads them
    twice and doubled a team page's time)."""
    counting = Assessment.objects.filter(worker_id__in=worker_ids, competency__framework=framework)
    if competency_ids is not None:
        counting = counting.filter(competency_id__in=list(competency_ids))
    if connection.vendor == "postgresql":
        latest = (
            counting.counting(as_of)
            .order_by("worker_id", "competency_id", "method_id", *LATEST_FIRST)
            .distinct("worker_id", "competency_id", "method_id")
        )
    else:
        latest = counting.latest_by_method(as_of).order_by()
    return list(
        latest.values_list("worker_id", "competency_id", "method_id", "level", "assessed_on")
    )


def _shown(
    worker_ids: list[int],
    framework: CompetencyFramework,
    as_of: datetime.date,
    competency_ids: Iterable[int] | None = None,
) -> dict[tuple[int, int], dict[int, Shown]]:
    """`_latest_rows` as `Shown`, by (worker, competency) and method."""
    shown: dict[tuple[int, int], dict[int, Shown]] = defaultdict(dict)
    for worker_id, competency_id, method_id, level, on in _latest_rows(
        worker_ids, framework, as_of, competency_ids
    ):
        shown[(worker_id, competency_id)][method_id] = Shown(method_id, level, on)
    return shown


def team_levels(
    worker_ids: Iterable[int],
    framework: CompetencyFramework,
    *,
    rules: Mapping[int, EvidenceRule],
    in_full: Collection[int] = (),
    as_of: datetime.date | None = None,
) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], Achievement]]:
    """The level that counts today for each (worker, competency) with a counting assessment, for
    a whole team in one pass over one query's rows; and the full achievement (with what is
    missing, `judge`) of the workers `in_full` (the page on screen). The levels are those of
    `achievements`, without building an achievement for each: the team matrix counts a
    team of hundreds this way. One query, and one for the scale unless prefetched."""
    as_of = as_of or timezone.localdate()
    worker_ids = list(worker_ids)
    if not worker_ids:
        return {}, {}
    scale = list(framework.scale_levels.all())
    top = max((level.value for level in scale), default=0)
    threshold = min((level.value for level in scale if level.is_proficient), default=None)
    grouped: dict[tuple[int, int], list[tuple[int, int, datetime.date]]] = defaultdict(list)
    for worker_id, competency_id, method_id, level, on in _latest_rows(
        worker_ids, framework, as_of
    ):
        grouped[(worker_id, competency_id)].append((method_id, level, on))
    levels: dict[tuple[int, int], int] = {}
    full: dict[tuple[int, int], Achievement] = {}
    for pair, rows in grouped.items():
        rule = rules.get(pair[1])
        if rule is None:
            continue
        if pair[0] in in_full:
            by_method = {method_id: Shown(method_id, level, on) for method_id, level, on in rows}
            achievement = judge(rule, by_method, top=top, threshold=threshold, as_of=as_of)
            full[pair], levels[pair] = achievement, achievement.level
            continue
        level = _top_level(rule, {method_id: level for method_id, level, _ in rows}, top)
        if level and rule.refresh_months:
            _, lapsed = _refresh(rule, ((method_id, on) for method_id, _, on in rows), as_of)
            level = 0 if lapsed else level
        levels[pair] = level
    return levels, full


def core_ids_in(rules: Mapping[int, EvidenceRule]) -> list[int]:
    """The core competencies in use (not domains, not retired) among `rules`, in order."""
    return [rule.competency_id for rule in rules.values() if rule.is_core and rule.in_use]
