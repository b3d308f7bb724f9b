"""Reads about the curriculum and the competency framework."""

import datetime
import json
from dataclasses import dataclass

from django.db import models, router
from django.db.models import QuerySet
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from wagtail.models import Page, PageLogEntry, WorkflowState

from .content_files import EDITION_ACTION
from .models import (
    AssessmentMethod,
    Competency,
    CompetencyFramework,
    CurriculumVersion,
    MethodCap,
    ModuleCompetency,
    ModulePage,
    NationalFramework,
    NationalReference,
)


def competency_is_in_use(competency: Competency) -> bool:
    """Whether any record protects this competency from deletion (an assessment, a module)."""
    # Django's own deletion collector knows every protecting relation, hidden ones included.
    try:
        Collector(using=router.db_for_write(Competency)).collect([competency])
    except (ProtectedError, RestrictedError):
        return True
    return False


@dataclass(frozen=True)
class PublishedVersion:
    """One published state of a page or competency, and what changed since the one before."""

    number: int
    published_at: datetime.datetime
    changed: tuple[str, ...]
    content: dict
    # A curriculum edition the demo loader published, and the change summaries it gave.
    edition: int | None = None
    version_label: str = ""
    edition_changes: tuple[str, ...] = ()


def _comparable(value):
    # StreamField content is kept in revisions as JSON text whose key order depends on the
    # database (PostgreSQL's jsonb reorders keys), so compare it parsed.
    if isinstance(value, str) and value[:1] in {"[", "{"}:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _changes(previous: dict | None, current: dict, fields: dict[str, str]) -> tuple[str, ...]:
    if previous is None:
        return ("First published",)
    return tuple(
        label
        for name, label in fields.items()
        if _comparable(previous.get(name)) != _comparable(current.get(name))
    )


MODULE_FIELDS = {
    "title": "Title",
    "summary": "Summary",
    "learning_outcomes": "Learning outcomes",
    "study_hours": "Study hours",
    "needed_before_unsupervised_work": "Needed before unsupervised work",
    "module_competencies": "Competencies",
    "body": "Teaching content",
}
COMPETENCY_FIELDS = {
    "short_name": "Title",
    "description": "Description",
    "assessment_criteria": "Assessment criteria",
    "accepted_methods": "Accepted methods",
    "is_core": "Core",
    "advanced_descriptor": "Level 4 descriptor",
    "senior_route": "Senior route",
    "national_references": "National references",
    "is_retired": "Retired",
    "parent_id_number": "Domain",
}


def page_versions(page: Page) -> list[PublishedVersion]:
    """Every published revision of a page, oldest first, with the fields each one changed and,
    where it was published as an edition of the curriculum, the edition and what it changed."""
    entries = (
        PageLogEntry.objects.filter(page=page, action="wagtail.publish", revision__isnull=False)
        .select_related("revision")
        .order_by("timestamp", "pk")
    )
    editions = dict(
        PageLogEntry.objects.filter(
            page=page, action=EDITION_ACTION, revision__isnull=False
        ).values_list("revision_id", "data")
    )
    versions: list[PublishedVersion] = []
    previous = None
    for number, entry in enumerate(entries, start=1):
        content = entry.revision.content
        if "module_competencies" in content:
            content = {
                **content,
                "module_competencies": [
                    item.get("competency") for item in content["module_competencies"]
                ],
            }
        edition = editions.get(entry.revision_id, {})
        versions.append(
            PublishedVersion(
                number=number,
                published_at=entry.timestamp,
                changed=_changes(previous, content, MODULE_FIELDS),
                content=content,
                edition=edition.get("edition"),
                version_label=edition.get("version_label", ""),
                edition_changes=tuple(edition.get("changes", ())),
            )
        )
        previous = content
    return versions


def framework_versions(framework: CompetencyFramework) -> QuerySet[CurriculumVersion]:
    """The framework's published versions, newest first, with their snapshots."""
    return framework.versions.select_related("revision", "published_by").order_by("-number")


def competency_as_of(*, version: CurriculumVersion, competency_id: int) -> dict | None:
    """The competency's fields as they were published in `version` (None if not there yet)."""
    for item in version.revision.content.get("competencies", []):
        if item.get("pk") == competency_id:
            return item
    return None


def competency_versions(competency: Competency) -> list[PublishedVersion]:
    """The framework versions in which this competency first appeared or changed, oldest first."""
    history: list[PublishedVersion] = []
    previous = None
    for version in reversed(list(framework_versions(competency.framework))):
        content = competency_as_of(version=version, competency_id=competency.pk)
        if content is None:
            continue
        changed = _changes(previous, content, COMPETENCY_FIELDS)
        if changed:
            history.append(
                PublishedVersion(
                    number=version.number,
                    published_at=version.published_at,
                    changed=changed,
                    content=content,
                )
            )
        previous = content
    return history


def live_framework_tree(
    framework: CompetencyFramework,
) -> list[tuple[Competency, list[Competency]]]:
    """Top-level domains with their live competencies, in order, in two queries."""
    nodes = list(framework.competencies.prefetch_related("accepted_methods").order_by("sort_order"))
    children: dict[str, list[Competency]] = {}
    for node in nodes:
        children.setdefault(node.parent_id_number, []).append(node)
    return [(domain, children.get(domain.id_number, [])) for domain in children.get("", [])]


def current_version(framework: CompetencyFramework) -> CurriculumVersion | None:
    """The framework version that assessments are made against now."""
    return framework.versions.order_by("-number").first()


def _modules_with_competencies(curriculum) -> list:
    return list(
        ModulePage.objects.child_of(curriculum)
        .live()
        .order_by("path")
        .prefetch_related(
            models.Prefetch(
                "module_competencies",
                queryset=ModuleCompetency.objects.select_related("competency").order_by(
                    "sort_order"
                ),
            ),
            "module_competencies__competency__accepted_methods",
        )
    )


def curriculum_context(curriculum) -> dict:
    """The curriculum index: its modules with the competencies each develops."""
    return {
        "modules": _modules_with_competencies(curriculum),
        "framework_version": current_version(curriculum.framework),
        "scale_levels": list(curriculum.framework.scale_levels.order_by("value")),
    }


def curriculum_print_context(curriculum) -> dict:
    """Everything in the curriculum on one page, for printing."""
    return {**curriculum_context(curriculum), "printable": True}


def module_context(module) -> dict:
    """A module page: its competencies, and which version of the module and framework is live."""
    curriculum = module.get_parent().specific
    versions = page_versions(module)
    return {
        "curriculum": curriculum,
        "module_competencies": list(
            module.module_competencies.select_related("competency")
            .prefetch_related("competency__accepted_methods")
            .order_by("sort_order")
        ),
        "page_version": versions[-1] if versions else None,
        "framework_version": current_version(curriculum.framework),
    }


def _lower_first(name: str) -> str:
    # "Knowledge test" reads "knowledge test" mid-sentence; an acronym such as "DOP" stays.
    if name[1:2].isupper():
        return name
    return name[:1].lower() + name[1:]


def _with_article(name: str) -> str:
    name = _lower_first(name)
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"


@dataclass(frozen=True)
class EvidenceRuleWords:
    """A competency's evidence rule as its public page says it."""

    all_of: str  # "Needs all of: simulation or role-play, knowledge test", or ""
    any_of: str  # "Any of: direct observation of practice, simulation or role-play", or ""
    caps: tuple[str, ...]  # "A knowledge test alone shows at most level 2 Developing"
    refresher: str  # "Refresh every 12 months by e-learning", or ""


def evidence_rule_words(
    competency: Competency,
    *,
    required: list,
    accepted: list,
    caps: list[MethodCap],
    level_names: dict[int, str],
) -> EvidenceRuleWords:
    """The rule in words: what is needed, what each capped method shows alone, the refresher."""
    all_of = (
        "Needs all of: " + ", ".join(_lower_first(m.name) for m in required) if required else ""
    )
    any_of = ""
    if accepted:
        lead = "And any one of: " if required else "Any of: "
        any_of = lead + ", ".join(_lower_first(m.name) for m in accepted)
    named = {m.pk for m in [*required, *accepted]}
    cap_words = tuple(
        f"{_with_article(cap.method.name).capitalize()} alone shows at most level "
        f"{cap.max_level} {level_names.get(cap.max_level, '')}".rstrip()
        for cap in caps
        # Without a rule any method counts, so every cap applies.
        if not named or cap.method_id in named
    )
    refresher = ""
    if competency.refresh_months:
        refresher = f"Refresh every {competency.refresh_months} months"
        if competency.refresh_method is not None:
            refresher += f" by {_lower_first(competency.refresh_method.name)}"
    return EvidenceRuleWords(all_of=all_of, any_of=any_of, caps=cap_words, refresher=refresher)


def competency_context(curriculum, competency: Competency) -> dict:
    """A competency's public page: current text, its evidence rule in words, the modules
    teaching it, and its history."""
    required = list(competency.required_methods.all())
    accepted = list(competency.accepted_methods.all())
    framework = competency.framework
    caps = list(framework.method_caps.select_related("method").order_by("sort_order", "pk"))
    levels = list(framework.scale_levels.order_by("value"))
    rule = evidence_rule_words(
        competency,
        required=required,
        accepted=accepted,
        caps=caps,
        level_names={level.value: level.name for level in levels},
    )
    return {
        "curriculum": curriculum,
        "competency": competency,
        "national_references": crosswalk_columns(competency.national_references.filter(live=True)),
        "methods": required + [m for m in accepted if m not in required],
        "evidence_rule": rule,
        "taught_in": list(
            ModulePage.objects.live()
            .descendant_of(curriculum)
            .filter(module_competencies__competency=competency)
            .order_by("path")
        ),
        "history": list(reversed(competency_versions(competency))),
        "framework_version": current_version(curriculum.framework),
        "threshold": curriculum.framework.proficiency_threshold,
    }


@dataclass(frozen=True)
class CrosswalkColumn:
    """One national framework's references for a competency: a cell of the crosswalk."""

    framework: str
    label: str
    references: tuple[NationalReference, ...]


@dataclass(frozen=True)
class CrosswalkRow:
    """A competency of the crosswalk table with its references, framework by framework."""

    competency: Competency
    columns: tuple[CrosswalkColumn, ...]


def crosswalk_columns(references) -> tuple[CrosswalkColumn, ...]:
    """References grouped by national framework, in the frameworks' order, every one present."""
    by_framework: dict[str, list[NationalReference]] = {}
    for reference in sorted(references, key=lambda r: (r.framework, r.code)):
        by_framework.setdefault(reference.framework, []).append(reference)
    return tuple(
        CrosswalkColumn(value, label, tuple(by_framework.get(value, ())))
        for value, label in NationalFramework.choices
    )


def crosswalk_rows(curriculum) -> list[CrosswalkRow]:
    """The public crosswalk: each competency in use, in the framework's order, with its published
    national references. Two queries, whatever the size of the framework."""
    competencies = (
        Competency.objects.assessable()
        .filter(framework=curriculum.framework)
        .prefetch_related(
            models.Prefetch(
                "national_references", queryset=NationalReference.objects.filter(live=True)
            )
        )
        .order_by("sort_order", "pk")
    )
    return [
        CrosswalkRow(competency, crosswalk_columns(competency.national_references.all()))
        for competency in competencies
    ]


def framework_id_number_taken(*, id_number: str) -> str | None:
    """Why a new framework cannot take this ID number (it is in use), or None."""
    if CompetencyFramework.objects.filter(id_number=id_number).exists():
        return f"A framework with the ID number {id_number} already exists."
    return None


def framework_for_export(*, id_number: str, with_rules: bool = False) -> CompetencyFramework | None:
    """The framework with its scale and competencies in three queries, whatever its size; with
    its rules (methods and national references of each competency, method caps) in five more."""
    lookups = ["scale_levels", "competencies"]
    if with_rules:
        lookups += [
            models.Prefetch(
                "competencies",
                queryset=Competency.objects.select_related("refresh_method").prefetch_related(
                    "required_methods", "accepted_methods", "national_references"
                ),
            ),
            models.Prefetch("method_caps", queryset=MethodCap.objects.select_related("method")),
        ]
        lookups.remove("competencies")
    return (
        CompetencyFramework.objects.prefetch_related(*lookups).filter(id_number=id_number).first()
    )


def drafts_of(user, *, snippet_models: tuple = ()) -> list:
    """Curriculum pages, frameworks and assessment methods (and any `snippet_models`, e.g.
    qualifications) whose newest changes are this person's, saved as a draft and not yet in
    review: what a trainer has still to submit. One query for the reviews, one per model."""
    in_review = set(
        WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).values_list(
            "base_content_type_id", "object_id"
        )
    )
    pages = Page.objects.filter(has_unpublished_changes=True, latest_revision__user=user)
    drafts: list = list(pages.order_by("title"))
    for model in (CompetencyFramework, AssessmentMethod, *snippet_models):
        drafts += sorted(
            model.objects.filter(has_unpublished_changes=True, latest_revision__user=user),
            key=str,
        )
    return [
        draft
        for draft in drafts
        if (draft.get_base_content_type().pk, str(draft.pk)) not in in_review
    ]
