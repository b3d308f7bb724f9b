"""Demo curriculum: assessment methods, the competency framework and the module pages."""

from wagtail.models import Page, Site

from . import demo_content as content
from . import services
from .models import (
    Competency,
    CompetencyFramework,
    CurriculumPage,
    HomePage,
    ModuleCompetency,
    ModulePage,
)
from .rules import ScaleLevelData

DOMAIN_PREFIX = "SPLW-"


def _framework() -> CompetencyFramework:
    existing = CompetencyFramework.objects.filter(id_number=content.FRAMEWORK["id_number"]).first()
    if existing is not None:
        return existing
    competencies = []
    for module in content.MODULES:
        domain_code = f"{DOMAIN_PREFIX}{module['code']}"
        competencies.append(
            {
                "id_number": domain_code,
                "short_name": module["title"],
                "description": f"<p>{module['summary']}</p>",
            }
        )
        competencies += [
            {
                "id_number": item["code"],
                "parent_id_number": domain_code,
                "short_name": item["title"],
                "description": f"<p>{item['description']}</p>",
                "assessment_criteria": "\n".join(item["assessment_criteria"]),
                "required_methods": item["all_of"],
                "accepted_methods": item["any_of"],
                "refresh_months": item["refresh"][0] if "refresh" in item else None,
                "refresh_method": item["refresh"][1] if "refresh" in item else "",
                "is_core": item["core"],
                "needed_before_unsupervised_work": item["code"] in content.MILESTONE_CODES,
            }
            for item in module["competencies"]
        ]
    return services.framework_create(
        **content.FRAMEWORK,
        scale=[
            ScaleLevelData(
                value=value, name=name, description=description, is_proficient=proficient
            )
            for value, name, description, proficient in content.SCALE
        ],
        competencies=competencies,
        method_caps=content.METHOD_CAPS,
    )


def _home() -> HomePage:
    site = Site.objects.get(is_default_site=True)
    return site.root_page.specific


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _curriculum(framework: CompetencyFramework) -> CurriculumPage:
    home = _home()
    curriculum = CurriculumPage.objects.child_of(home).filter(framework=framework).first()
    if curriculum is None:
        curriculum = CurriculumPage(
            title=content.CURRICULUM["title"],
            slug="curriculum",
            version_label=content.CURRICULUM["version_label"],
            introduction=content.CURRICULUM["introduction"],
            framework=framework,
        )
        home.add_child(instance=curriculum)
        _publish(curriculum)
    return curriculum


def _modules(curriculum: CurriculumPage, framework: CompetencyFramework) -> int:
    existing = set(ModulePage.objects.child_of(curriculum).values_list("code", flat=True))
    by_code = {c.id_number: c for c in Competency.objects.filter(framework=framework)}
    added = 0
    for module in content.MODULES:
        if module["code"] in existing:
            continue
        page = ModulePage(
            title=module["title"],
            slug=module["code"].lower(),
            code=module["code"],
            summary=module["summary"],
            learning_outcomes="\n".join(module["learning_outcomes"]),
            study_hours=module["study_hours"],
            needed_before_unsupervised_work=module["needed_before_unsupervised_work"],
            body=list(module["body"]),
        )
        page.module_competencies = [
            ModuleCompetency(competency=by_code[item["code"]], sort_order=index)
            for index, item in enumerate(module["competencies"])
        ]
        curriculum.add_child(instance=page)
        _publish(page)
        added += 1
    return added


def load_framework() -> CompetencyFramework:
    """The assessment methods and the competency framework alone, without the curriculum pages."""
    for code, name, description in content.METHODS:
        services.assessment_method_ensure(code=code, name=name, description=description)
    return _framework()


def load() -> dict[str, int]:
    """Create what is missing of the demo curriculum; return what was added."""
    frameworks_before = CompetencyFramework.objects.count()
    framework = load_framework()
    curriculum = _curriculum(framework)
    return {
        "frameworks": CompetencyFramework.objects.count() - frameworks_before,
        "modules": _modules(curriculum, framework),
    }
