"""Demo curriculum: assessment methods, the competency framework and the module pages, read from
the content files (curriculum/content/) and published edition by edition."""

from django.utils.html import format_html
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry
from wagtail.models import Page, Revision, Site

from . import services
from .content_files import EDITION_ACTION, Content, EditionContent, demo_content, render_markdown
from .content_files.schema import Block, FrameworkFile, ModuleFile
from .models import (
    Competency,
    CompetencyFramework,
    CurriculumPage,
    HomePage,
    ModuleCompetency,
    ModulePage,
)
from .rules import ScaleLevelData

# Competency keys the crosswalk fills in; given to the services only when the file has them.
_OPTIONAL_COMPETENCY_KEYS = ("advanced_descriptor", "senior_route", "national_references")


def _log_edition(obj, revision: Revision, edition: EditionContent, changes: list[str]) -> None:
    log(
        obj,
        EDITION_ACTION,
        revision=revision,
        data={
            "edition": edition.number,
            "version_label": edition.version_label,
            "changes": changes,
        },
    )


def _edition_published(obj) -> int:
    """The last edition the loader published of this page or framework (1 before editions)."""
    entries = log_registry.get_logs_for_instance(obj).filter(action=EDITION_ACTION)
    return max((entry.data.get("edition", 1) for entry in entries), default=1)


def _later(content: Content, published: int) -> list[tuple[EditionContent, EditionContent]]:
    """Each edition after `published`, with the one before it."""
    return [
        (content.editions[number - 2], content.editions[number - 1])
        for number in range(published + 1, len(content.editions) + 1)
    ]


# The framework


def _competency_dicts(framework: FrameworkFile) -> list[dict]:
    competencies = []
    for domain in framework.domains:
        competencies.append(
            {
                "id_number": domain.code,
                "short_name": domain.title,
                "description": str(format_html("<p>{}</p>", domain.summary)),
            }
        )
        for item in domain.competencies:
            competency = {
                "id_number": item.code,
                "parent_id_number": domain.code,
                "short_name": item.title,
                "description": render_markdown(item.description),
                "assessment_criteria": "\n".join(item.assessment_criteria),
                "required_methods": list(item.all_of),
                "accepted_methods": list(item.any_of),
                "refresh_months": item.refresh.months if item.refresh else None,
                "refresh_method": item.refresh.method if item.refresh else "",
                "is_core": item.core,
                "needed_before_unsupervised_work": item.milestone,
            }
            for key in _OPTIONAL_COMPETENCY_KEYS:
                if value := getattr(item, key):
                    competency[key] = value
            competencies.append(competency)
    return competencies


def _national_references(framework: FrameworkFile) -> dict:
    if not framework.national_references:
        return {}
    return {"national_references": [ref.model_dump() for ref in framework.national_references]}


def _framework_create(edition: EditionContent) -> CompetencyFramework:
    data = edition.framework
    framework = services.framework_create(
        id_number=data.id_number,
        short_name=data.short_name,
        description=render_markdown(data.description),
        taxonomies=data.taxonomies,
        scale=[
            ScaleLevelData(
                value=level.value,
                name=level.name,
                description=level.description,
                is_proficient=level.proficient,
            )
            for level in data.scale
        ],
        competencies=_competency_dicts(data),
        method_caps=data.method_caps,
        **_national_references(data),
    )
    _log_edition(framework, framework.live_revision, edition, [])
    return framework


def _framework_changes(
    before: EditionContent, after: EditionContent
) -> tuple[list[dict], list[str]]:
    """The competency dicts that differ in `after`, and a line for each change."""
    old = {item["id_number"]: item for item in _competency_dicts(before.framework)}
    changed, lines = [], [change.summary for change in after.framework_changes]
    for item in _competency_dicts(after.framework):
        previous = old.get(item["id_number"])
        if previous == item:
            continue
        changed.append(item)
        if previous is None:
            lines.append(f"New: {item['id_number']} {item['short_name']}")
        elif previous.get("is_core") != item.get("is_core"):
            lines.append(f"{item['id_number']} {'now' if item['is_core'] else 'no longer'} core")
    return changed, lines


def _framework_editions(framework: CompetencyFramework, content: Content) -> None:
    for before, after in _later(content, _edition_published(framework)):
        changed, lines = _framework_changes(before, after)
        description = render_markdown(after.framework.description)
        if not changed and description == render_markdown(before.framework.description):
            continue
        # Given again only when this edition changes them: the service keeps what it has.
        references = _national_references(after.framework)
        if references == _national_references(before.framework):
            references = {}
        framework = services.framework_revise(
            framework=framework, competencies=changed, description=description, **references
        )
        _log_edition(framework, framework.live_revision, after, lines)


def load_framework(content: Content | None = None) -> CompetencyFramework:
    """The assessment methods and the competency framework alone, without the curriculum pages:
    created at the first edition, then each later edition published as the next version."""
    content = content or demo_content()
    for method in content.latest.framework.methods:
        services.assessment_method_ensure(
            code=method.code, name=method.name, description=method.description
        )
    id_number = content.latest.framework.id_number
    framework = CompetencyFramework.objects.filter(id_number=id_number).first()
    if framework is None:
        framework = _framework_create(content.editions[0])
    _framework_editions(framework, content)
    return CompetencyFramework.objects.get(pk=framework.pk)


# The pages


def _home() -> HomePage:
    site = Site.objects.get(is_default_site=True)
    return site.root_page.specific


def _publish(page: Page, edition: EditionContent, changes: list[str]) -> None:
    revision = page.save_revision(log_action=True)
    revision.publish()
    _log_edition(page, revision, edition, changes)


def _curriculum_fields(edition: EditionContent) -> dict:
    curriculum = edition.framework.curriculum
    return {
        "title": curriculum.title,
        "version_label": edition.version_label,
        "introduction": render_markdown(curriculum.introduction),
    }


def _curriculum(framework: CompetencyFramework, content: Content) -> CurriculumPage:
    home = _home()
    curriculum = CurriculumPage.objects.child_of(home).filter(framework=framework).first()
    if curriculum is None:
        first = content.editions[0]
        curriculum = CurriculumPage(
            slug="curriculum", framework=framework, **_curriculum_fields(first)
        )
        home.add_child(instance=curriculum)
        _publish(curriculum, first, [])
    for before, after in _later(content, _edition_published(curriculum)):
        fields = _curriculum_fields(after)
        if fields == _curriculum_fields(before):
            continue
        for name, value in fields.items():
            setattr(curriculum, name, value)
        _publish(curriculum, after, [change.summary for change in after.framework_changes])
    return curriculum


def _block(block: Block) -> tuple[str, dict | str]:
    """A block of the file as the module page's StreamField holds it."""
    if block.type == "rich_text":
        return block.type, render_markdown(block.text)
    if block.type == "case_study":
        return block.type, {
            "title": block.title,
            "scenario": render_markdown(block.scenario),
            "what_happened": render_markdown(block.what_happened),
            "learning": render_markdown(block.learning) if block.learning else "",
        }
    if block.type == "further_reading":
        items = []
        for item in block.items:
            publisher = ", ".join(part for part in (item.publisher, item.year) if part)
            items.append(
                {
                    "title": item.title,
                    "publisher": publisher,
                    **({"url": item.url} if item.url else {}),
                }
            )
        return block.type, {"items": items}
    return block.type, block.model_dump(exclude={"type", "edition"})


def _module_fields(module: ModuleFile) -> dict:
    return {
        "title": module.title,
        "summary": module.summary,
        "learning_outcomes": "\n".join(module.learning_outcomes),
        "study_hours": module.study_hours,
        "needed_before_unsupervised_work": module.needed_before_unsupervised_work,
        "body": [_block(block) for block in module.body],
    }


def _set_competencies(page: ModulePage, module: ModuleFile, by_code: dict[str, Competency]):
    # Rows kept from the edition before stay the same rows (a module lists a competency once).
    kept = {row.competency_id: row for row in page.module_competencies.all()}
    rows = []
    for index, code in enumerate(module.competencies):
        competency = by_code[code]
        row = kept.get(competency.pk) or ModuleCompetency(competency=competency)
        row.sort_order = index
        rows.append(row)
    page.module_competencies = rows


def _modules(curriculum: CurriculumPage, framework: CompetencyFramework, content: Content) -> int:
    pages = {page.code: page for page in ModulePage.objects.child_of(curriculum).specific()}
    by_code = {c.id_number: c for c in Competency.objects.filter(framework=framework)}
    first = content.editions[0]
    added = 0
    for module in first.modules:
        if module.code in pages:
            continue
        page = ModulePage(slug=module.code.lower(), code=module.code, **_module_fields(module))
        _set_competencies(page, module, by_code)
        curriculum.add_child(instance=page)
        _publish(page, first, [])
        pages[module.code] = page
        added += 1
    for code, page in pages.items():
        if code not in {module.code for module in content.latest.modules}:
            continue
        for before, after in _later(content, _edition_published(page)):
            module = after.module(code)
            unchanged = _module_fields(module) == _module_fields(before.module(code))
            if unchanged and module.competencies == before.module(code).competencies:
                continue
            for name, value in _module_fields(module).items():
                setattr(page, name, value)
            _set_competencies(page, module, by_code)
            changes = after.module_changes[code]
            _publish(page, after, [change.summary for change in changes])
    return added


def load(content: Content | None = None) -> dict[str, int]:
    """Create what is missing of the demo curriculum, every edition in turn; return what was
    added. Run again, it adds nothing."""
    content = content or demo_content()
    frameworks_before = CompetencyFramework.objects.count()
    framework = load_framework(content)
    curriculum = _curriculum(framework, content)
    return {
        "frameworks": CompetencyFramework.objects.count() - frameworks_before,
        "modules": _modules(curriculum, framework, content),
    }
