"""Standing levels: each worker's judged achievement on each competency, kept between requests.

The team pages show or count the level of every (worker, competency) of a team of hundreds.
Judging them from the assessments on every request (`evidence_rules.team_levels`) read each
worker's whole history and cost those pages most of their time; here the judgement is kept
in `StandingLevel`, one row a pair, and judged again only for the workers it may have changed
for. `evidence_rules.judge` stays the only source of truth: a kept row is its result, written
back as it was found, and the tests hold the kept levels to a judgement from scratch.

When a kept judgement still holds (`StandingJudgement`, one row a worker and framework):
- nothing written since could change it: every write of an assessment, a confirmation or an
  IQA sample calls `mark_stale` (through the models' signals, and by hand where rows are
  written in bulk: the spreadsheet import, confirming many at once, the scale seed), which
  raises the worker's `version`; the levels hold only when judged at the current version;
- the evidence rules and the scale are those it was judged under (`rules_key`, a fingerprint
  of what `judge` reads of them): an edit in the CMS makes every kept judgement of the
  framework stale without a write of its own;
- the day is on or after the one it was judged for and before `recheck_on`, when a
  future-dated assessment starts to count. A refresher running out needs no re-judging: the
  row keeps the day it runs out, and the level is read as none from then on.

Races: a reader reads the versions before the assessments, and writes its judgement back only
for the workers whose version has not moved meanwhile (their rows locked), so a write that
lands during a re-judge leaves its worker stale. `mark_stale` inserts the row when there is
none, so a reader judging a worker for the first time conflicts with it rather than missing it.
"""

import datetime
import hashlib
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.db.models import Case, Count, F, Max, Min, Q, Value, When
from django.utils import timezone

from curriculum.models import CompetencyFramework

from .evidence_rules import Achievement, EvidenceRule, _shown, judge, lapse_note
from .models import Assessment, StandingJudgement, StandingLevel

# How many workers one `mark_stale` statement names (SQLite binds at most 32,766 parameters).
MARK_BATCH = 2000

# A kept row: achieved level, the day it was met, the refresher's due day, whether the
# refresher was never taken, what is missing below proficiency, what is missing once lapsed.
Kept = tuple[int, datetime.date | None, datetime.date | None, bool, str, str]


def mark_stale(worker_ids: Iterable[int]) -> None:
    """Note that these workers' judgement may have changed (an assessment, a confirmation or an
    IQA decision was written for them): the next read judges them again. One statement per
    2,000 workers; call it in the same transaction as the write."""
    ids = sorted(set(worker_ids))
    for start in range(0, len(ids), MARK_BATCH):
        chunk = ids[start : start + MARK_BATCH]
        users = _table("workforce", "User")
        _bump(f"SELECT id FROM {users} WHERE id IN ({_marks(chunk)})", chunk)  # noqa: S608


def mark_stale_assessed(assessment_ids: Iterable[int]) -> None:
    """`mark_stale` for the workers of these assessments, without reading them first."""
    ids = sorted(set(assessment_ids))
    assessments = Assessment._meta.db_table
    for start in range(0, len(ids), MARK_BATCH):
        chunk = ids[start : start + MARK_BATCH]
        _bump(
            f"SELECT DISTINCT worker_id AS id FROM {assessments} WHERE id IN ({_marks(chunk)})",  # noqa: S608
            chunk,
        )


def mark_all_stale() -> None:
    """Every kept judgement is stale (after writing assessments in bulk, as the scale seed
    does). One statement."""
    StandingJudgement.objects.update(version=F("version") + 1)


def _table(app_label: str, model_name: str) -> str:
    from django.apps import apps

    return apps.get_model(app_label, model_name)._meta.db_table


def _marks(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def _bump(workers_sql: str, params: list) -> None:
    """Raise the version of each worker of `workers_sql` in every framework, inserting the rows
    that do not exist yet (an upsert: PostgreSQL and SQLite take the same statement)."""
    judgements = StandingJudgement._meta.db_table
    frameworks = CompetencyFramework._meta.db_table
    sql = f"""
        INSERT INTO {judgements} (worker_id, framework_id, version, rules_key)
        SELECT w.id, f.id, 1, '' FROM ({workers_sql}) w CROSS JOIN {frameworks} f
        WHERE f.id IS NOT NULL ORDER BY w.id, f.id
        ON CONFLICT (worker_id, framework_id)
        DO UPDATE SET version = {judgements}.version + 1"""  # noqa: S608 - names from the models
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rules_key(rules: Mapping[int, EvidenceRule], top: int, threshold: int | None) -> str:
    """A fingerprint of everything `judge` reads of the rules and the scale: a kept judgement
    made under other rules (edited in the CMS since) no longer holds."""

    def methods(items) -> tuple:
        return tuple((method.pk, method.name) for method in items)

    described = [
        (
            rule.competency_id,
            methods(rule.all_of),
            methods(rule.any_of),
            rule.refresh_months,
            methods([rule.refresh_method]) if rule.refresh_method else None,
        )
        for rule in sorted(rules.values(), key=lambda rule: rule.competency_id)
    ]
    caps = sorted(next(iter(rules.values())).caps.items()) if rules else []
    text = repr((top, threshold, caps, described))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _scale(framework: CompetencyFramework) -> tuple[int, int | None]:
    """The scale's top level and proficiency threshold, as `evidence_rules` reads them."""
    scale = list(framework.scale_levels.all())
    top = max((level.value for level in scale), default=0)
    threshold = min((level.value for level in scale if level.is_proficient), default=None)
    return top, threshold


def _judge_again(
    worker_ids: list[int],
    framework: CompetencyFramework,
    rules: Mapping[int, EvidenceRule],
    *,
    top: int,
    threshold: int | None,
    as_of: datetime.date,
) -> dict[tuple[int, int], Kept]:
    """Judge these workers from their assessments (`evidence_rules.judge`), as rows to keep."""
    kept: dict[tuple[int, int], Kept] = {}
    for pair, by_method in _shown(worker_ids, framework, as_of).items():
        rule = rules.get(pair[1])
        if rule is None:
            continue
        achievement = judge(rule, by_method, top=top, threshold=threshold, as_of=as_of)
        achieved = achievement.achieved_level
        refreshed = bool(rule.refresh_months and achieved)
        kept[pair] = (
            achieved,
            achievement.on,
            achievement.refresh_due_on,
            refreshed and achievement.refresh_due_on is None,
            achievement.missing if threshold is not None and achieved < threshold else "",
            lapse_note(rule) if refreshed else "",
        )
    return kept


def _write_back(
    framework: CompetencyFramework,
    versions: Mapping[int, int],
    kept: Mapping[tuple[int, int], Kept],
    *,
    key: str,
    as_of: datetime.date,
) -> None:
    """Keep the judgement of each worker in `versions` whose version has not moved since it was
    read (the rows locked meanwhile, so two readers never write the same worker at once)."""
    recheck = dict(
        Assessment.objects.filter(
            worker_id__in=list(versions), competency__framework=framework, assessed_on__gt=as_of
        )
        .values("worker_id")
        .annotate(first=Min("assessed_on"))
        .values_list("worker_id", "first")
    )
    with transaction.atomic():
        now = dict(
            StandingJudgement.objects.select_for_update()
            .filter(worker_id__in=list(versions), framework=framework)
            .order_by("worker_id")
            .values_list("worker_id", "version")
        )
        unchanged = [
            worker_id for worker_id, version in versions.items() if now.get(worker_id) == version
        ]
        if not unchanged:
            return
        StandingLevel.objects.filter(worker_id__in=unchanged, framework=framework)._raw_delete(
            StandingLevel.objects.db
        )
        chosen = set(unchanged)
        StandingLevel.objects.bulk_create(
            [
                StandingLevel(
                    worker_id=worker_id,
                    framework=framework,
                    competency_id=competency_id,
                    achieved_level=row[0],
                    achieved_on=row[1],
                    refresh_due_on=row[2],
                    refresher_missing=row[3],
                    missing=row[4],
                    lapse_note=row[5],
                )
                for (worker_id, competency_id), row in kept.items()
                if worker_id in chosen
            ],
            batch_size=1000,
        )
        rechecks = {
            worker_id: recheck[worker_id] for worker_id in unchanged if worker_id in recheck
        }
        StandingJudgement.objects.filter(worker_id__in=unchanged, framework=framework).update(
            judged_version=F("version"),
            rules_key=key,
            judged_on=as_of,
            recheck_on=Case(
                *(
                    When(worker_id=worker_id, then=Value(day))
                    for worker_id, day in rechecks.items()
                ),
                default=Value(None),
            )
            if rechecks
            else None,
        )


def kept_levels(
    worker_ids: Iterable[int],
    framework: CompetencyFramework,
    *,
    rules: Mapping[int, EvidenceRule],
    as_of: datetime.date | None = None,
    with_missing: Collection[int] = (),
) -> dict[tuple[int, int], Kept]:
    """The kept judgement of each (worker, competency) with a counting assessment, judging
    again first the workers whose kept judgement no longer holds. With `with_missing`, only
    those workers' rows carry what is missing (the others' say "").

    One query when every judgement holds; with stale workers, a fixed number more (their
    assessments, their future-dated ones, and the write-back), whatever their number."""
    as_of = as_of or timezone.localdate()
    ids = sorted(set(worker_ids))
    if not ids:
        return {}
    top, threshold = _scale(framework)
    key = rules_key(rules, top, threshold)
    full = set(with_missing)
    result, judged, _ = _gather(
        _read(ids, framework, key, as_of, full),
        ids,
        framework,
        rules,
        top=top,
        threshold=threshold,
        key=key,
        as_of=as_of,
    )
    for pair, kept in judged.items():
        result[pair] = kept if pair[0] in full else (*kept[:4], "", "")
    return result


def _gather(
    rows: list[tuple],
    ids: list[int],
    framework: CompetencyFramework,
    rules: Mapping[int, EvidenceRule],
    *,
    top: int,
    threshold: int | None,
    key: str,
    as_of: datetime.date,
) -> tuple[dict[tuple[int, int], Kept], dict[tuple[int, int], Kept], set[int]]:
    """From `_read`'s rows: the kept levels of the workers whose judgement holds; the others
    judged again (and written back); and who those others are."""
    result: dict[tuple[int, int], Kept] = {}
    versions: dict[int, int] = {}  # the stale workers' versions, read before their assessments
    seen: set[int] = set()
    # By index, not by unpacking: thousands of rows on a team page.
    for row in rows:
        worker_id = row[0]
        seen.add(worker_id)
        if not row[2]:
            versions[worker_id] = row[1]
        elif row[3] is not None:
            result[(worker_id, row[3])] = row[4:]  # type: ignore[assignment]
    new = [w for w in ids if w not in seen]
    if new:
        # The rows exist before the assessments are read: a write meanwhile raises them.
        StandingJudgement.objects.bulk_create(
            [StandingJudgement(worker_id=w, framework=framework) for w in new],
            ignore_conflicts=True,
        )
        versions |= dict(
            StandingJudgement.objects.filter(worker_id__in=new, framework=framework).values_list(
                "worker_id", "version"
            )
        )
    judged: dict[tuple[int, int], Kept] = {}
    if versions:
        stale = sorted(versions)
        judged = _judge_again(stale, framework, rules, top=top, threshold=threshold, as_of=as_of)
        _write_back(framework, versions, judged, key=key, as_of=as_of)
    return result, judged, set(versions)


def proficiency_counts(
    worker_ids: Iterable[int],
    framework: CompetencyFramework,
    *,
    rules: Mapping[int, EvidenceRule],
    in_full: Collection[int] = (),
    as_of: datetime.date | None = None,
) -> tuple[Counter, dict[tuple[int, int], Achievement]]:
    """How many of the workers are at proficiency today in each competency (by competency
    id), and the achievement, with what is missing, of each pair of the workers `in_full`: what
    the team matrix shows, counted in the database rather than read row by row. Three queries
    when every kept judgement holds (the judgements, the counts, the page's levels)."""
    as_of = as_of or timezone.localdate()
    ids = sorted(set(worker_ids))
    full = set(in_full)
    if not ids:
        return Counter(), {}
    top, threshold = _scale(framework)
    key = rules_key(rules, top, threshold)
    kept, judged, again = _gather(
        _read(ids, framework, key, as_of, full, levels_of=full),
        ids,
        framework,
        rules,
        top=top,
        threshold=threshold,
        key=key,
        as_of=as_of,
    )
    counts: Counter = Counter()
    if threshold is not None:
        counts = _counted([w for w in ids if w not in again], framework, threshold, as_of)
        for (_, competency_id), row in judged.items():
            if level_today(row, as_of) >= threshold:
                counts[competency_id] += 1
    achieved = {
        pair: achievement(row, as_of=as_of, threshold=threshold)
        for pair, row in [*kept.items(), *judged.items()]
        if pair[0] in full
    }
    return counts, achieved


def _counted(
    worker_ids: list[int], framework: CompetencyFramework, threshold: int, as_of: datetime.date
) -> Counter:
    """How many of these workers (whose kept judgement holds) are at `threshold` or above on
    `as_of` in each competency, from their kept levels. One query."""
    if not worker_ids:
        return Counter()
    counted = (
        StandingLevel.objects.filter(
            _counts_on(as_of),
            worker_id__in=worker_ids,
            framework=framework,
            achieved_level__gte=threshold,
        )
        .values("competency_id")
        .annotate(workers=Count("*"))
        .values_list("competency_id", "workers")
    )
    return Counter(dict(counted))


def _counts_on(as_of: datetime.date) -> Q:
    """The kept levels that count on `as_of` (`level_today`): their refresher has not run out."""
    return Q(refresher_missing=False) & (
        Q(refresh_due_on__isnull=True) | Q(refresh_due_on__gt=as_of)
    )


@dataclass(slots=True)
class Brief:
    """One worker's kept levels in brief, as a team page counts them."""

    # How many competencies of each group (`standing_briefs`) are at the group's level today.
    at_level: dict[str, int] = field(default_factory=dict)
    # The latest day a level that counts today was met, among the dated competencies.
    last_met_on: datetime.date | None = None
    # The soonest day a refresher runs out (or ran out), of any competency.
    first_refresh_due_on: datetime.date | None = None


def standing_briefs(
    worker_ids: Iterable[int],
    framework: CompetencyFramework,
    *,
    rules: Mapping[int, EvidenceRule],
    groups: Mapping[str, tuple[Collection[int], int | None]],
    dated: Collection[int],
    as_of: datetime.date | None = None,
) -> dict[int, Brief]:
    """Each worker's `Brief`: for each named group (competency ids, level) how many of those
    competencies are at that level or above today (none when the level is None), and the days
    a team page flags. Counted in the database from the kept levels rather than read row by row
    (a team of 200 keeps thousands); the workers whose kept judgement no longer holds are judged
    again first. Two queries when every kept judgement holds."""
    as_of = as_of or timezone.localdate()
    ids = sorted(set(worker_ids))
    if not ids:
        return {}
    top, threshold = _scale(framework)
    key = rules_key(rules, top, threshold)
    # Whether each judgement holds, without its levels (`levels_of` none).
    _, judged, again = _gather(
        _read(ids, framework, key, as_of, set(), levels_of=()),
        ids,
        framework,
        rules,
        top=top,
        threshold=threshold,
        key=key,
        as_of=as_of,
    )
    briefs = {worker_id: Brief(at_level=dict.fromkeys(groups, 0)) for worker_id in ids}
    held = [worker_id for worker_id in ids if worker_id not in again]
    if held:
        _count_briefs(briefs, held, framework, groups=groups, dated=dated, as_of=as_of)
    dated_ids = set(dated)
    members = {
        name: (set(competency_ids), level) for name, (competency_ids, level) in groups.items()
    }
    for (worker_id, competency_id), row in judged.items():
        brief = briefs[worker_id]
        level = level_today(row, as_of)
        for name, (competency_ids, at) in members.items():
            if at is not None and level >= at and competency_id in competency_ids:
                brief.at_level[name] += 1
        met_on, due = row[1], row[2]
        if (
            level
            and met_on is not None
            and competency_id in dated_ids
            and (brief.last_met_on is None or met_on > brief.last_met_on)
        ):
            brief.last_met_on = met_on
        if due is not None and (
            brief.first_refresh_due_on is None or due < brief.first_refresh_due_on
        ):
            brief.first_refresh_due_on = due
    return briefs


def _count_briefs(
    briefs: dict[int, Brief],
    worker_ids: list[int],
    framework: CompetencyFramework,
    *,
    groups: Mapping[str, tuple[Collection[int], int | None]],
    dated: Collection[int],
    as_of: datetime.date,
) -> None:
    """Fill in the briefs of these workers (whose kept judgement holds) from their kept levels,
    grouped by worker in the database. One query."""
    counts_today = _counts_on(as_of)

    def at_level(competency_ids: Collection[int], level: int | None):
        if level is None or not competency_ids:
            return Value(0)
        return Count(
            "pk",
            filter=counts_today
            & Q(competency_id__in=list(competency_ids), achieved_level__gte=level),
        )

    last_met_on = (
        Max(
            "achieved_on",
            filter=counts_today & Q(competency_id__in=list(dated), achieved_level__gt=0),
        )
        if dated
        else Value(None, output_field=models.DateField())
    )
    names = list(groups)
    rows = (
        StandingLevel.objects.filter(worker_id__in=worker_ids, framework=framework)
        .order_by()
        .values("worker_id")
        .annotate(
            brief_last_met_on=last_met_on,
            brief_first_due_on=Min("refresh_due_on"),
            **{f"brief_{index}": at_level(*groups[name]) for index, name in enumerate(names)},
        )
        .values_list(
            "worker_id",
            "brief_last_met_on",
            "brief_first_due_on",
            *(f"brief_{index}" for index in range(len(names))),
        )
    )
    for worker_id, met_on, due, *counts in rows:
        brief = briefs[worker_id]
        brief.last_met_on, brief.first_refresh_due_on = met_on, due
        brief.at_level = dict(zip(names, counts, strict=True))


def _read(
    ids: list[int],
    framework: CompetencyFramework,
    key: str,
    as_of: datetime.date,
    full: set[int],
    *,
    levels_of: Collection[int] | None = None,
) -> list[tuple]:
    """One row per kept level of each worker whose kept judgement holds, and one per worker
    whose judgement does not (its version, no level): (worker, version, holds, competency,
    level, day met, refresher due, refresher missing, missing, lapse note); the last two only
    for the workers in `full`; the levels only of the workers `levels_of` when given. One query:
    whether a judgement holds is worked out in it."""
    judgements = StandingJudgement._meta.db_table
    levels = StandingLevel._meta.db_table
    holds = """(j.judged_version = j.version AND j.rules_key = %s AND j.judged_on <= %s
                AND (j.recheck_on IS NULL OR j.recheck_on > %s))"""
    if full:
        named = f"l.worker_id IN ({_marks(sorted(full))})"
        text = f"""CASE WHEN {named} THEN l.missing ELSE '' END,
                   CASE WHEN {named} THEN l.lapse_note ELSE '' END"""
        text_params = [*sorted(full), *sorted(full)]
    else:
        text, text_params = "'', ''", []
    only, only_params = "", []
    if levels_of is not None:
        only_params = sorted(levels_of)
        only = f"AND l.worker_id IN ({_marks(only_params)})" if only_params else "AND 1 = 0"
    sql = f"""
        SELECT j.worker_id, j.version, CASE WHEN {holds} THEN 1 ELSE 0 END,
               l.competency_id, l.achieved_level, l.achieved_on, l.refresh_due_on,
               l.refresher_missing, {text}
        FROM {judgements} j
        LEFT JOIN {levels} l
          ON l.worker_id = j.worker_id AND l.framework_id = j.framework_id AND {holds} {only}
        WHERE j.framework_id = %s AND j.worker_id IN ({_marks(ids)})"""  # noqa: S608
    params = [
        *(key, as_of, as_of),
        *text_params,
        *(key, as_of, as_of),
        *only_params,
        framework.pk,
        *ids,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        # SQLite hands back the days as text and the flags as numbers.
        return [
            (
                *row[:5],
                _day(row[5]),
                _day(row[6]),
                bool(row[7]) if row[7] is not None else None,
                *row[8:],
            )
            for row in rows
        ]
    return rows


def _day(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def achievement(kept: Kept, *, as_of: datetime.date, threshold: int | None) -> Achievement:
    """A kept row as `evidence_rules.judge` gave it on `as_of` (without the assessments used)."""
    achieved, on, due, refresher_missing, missing, note = kept
    lapsed = refresher_missing or (due is not None and as_of >= due)
    below = threshold is not None and achieved < threshold
    return Achievement(
        achieved_level=achieved,
        on=on,
        refresh_due_on=due,
        lapsed=lapsed,
        missing=missing if below else (note if lapsed else ""),
    )


def level_today(kept: Kept, as_of: datetime.date) -> int:
    """The level that counts on `as_of`: none once the refresher has run out."""
    achieved, _, due, refresher_missing = kept[:4]
    if refresher_missing or (due is not None and as_of >= due):
        return 0
    return achieved


def standing_achievements(
    worker_ids: Iterable[int],
    framework: CompetencyFramework,
    *,
    rules: Mapping[int, EvidenceRule],
    as_of: datetime.date | None = None,
    in_full: Collection[int] = (),
) -> dict[tuple[int, int], Achievement]:
    """`evidence_rules.achievements` from the kept judgements: the same level, date, refresher
    and lapse for each pair, and what is missing for the workers `in_full` only (the others'
    as `judge_level` gives them: none). The assessments used are not kept."""
    as_of = as_of or timezone.localdate()
    _, threshold = _scale(framework)
    kept = kept_levels(worker_ids, framework, rules=rules, as_of=as_of, with_missing=in_full)
    full = set(in_full)
    # Positional, in one pass: a team page builds thousands (achieved, on, used, due, lapsed).
    result = {
        pair: Achievement(
            row[0], row[1], (), row[2], row[3] or (row[2] is not None and as_of >= row[2])
        )
        for pair, row in kept.items()
    }
    for pair, row in kept.items():
        if pair[0] in full:
            result[pair] = achievement(row, as_of=as_of, threshold=threshold)
    return result


def standing_team_levels(
    worker_ids: Iterable[int],
    framework: CompetencyFramework,
    *,
    rules: Mapping[int, EvidenceRule],
    in_full: Collection[int] = (),
    as_of: datetime.date | None = None,
) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], Achievement]]:
    """`evidence_rules.team_levels` from the kept judgements: the level that counts today for
    each pair, and the achievement with what is missing of the workers `in_full`."""
    as_of = as_of or timezone.localdate()
    _, threshold = _scale(framework)
    kept = kept_levels(worker_ids, framework, rules=rules, as_of=as_of, with_missing=in_full)
    full = set(in_full)
    levels: dict[tuple[int, int], int] = {}
    achieved: dict[tuple[int, int], Achievement] = {}
    for pair, row in kept.items():
        levels[pair] = level_today(row, as_of)
        if pair[0] in full:
            achieved[pair] = achievement(row, as_of=as_of, threshold=threshold)
    return levels, achieved
