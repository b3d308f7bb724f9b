"""What a credential says about the framework: its scale, competency pages and national
references, read from the curriculum in a fixed number of queries."""

from django.conf import settings

from certificates.open_badges import CompetencyPage, NationalAlignment
from curriculum.models import Competency, CompetencyFramework, CurriculumPage


def _absolute(url: str) -> str:
    # Links name the site from settings, never a request's Host header.
    return url if url.startswith("http") else settings.SITE_BASE_URL + url


def scale_of(framework: CompetencyFramework) -> tuple[tuple[int, str, str], ...]:
    """The framework's rating scale, lowest level first (uses a prefetch when there is one)."""
    levels = sorted(framework.scale_levels.all(), key=lambda level: level.value)
    return tuple((level.value, level.name, level.description) for level in levels)


def competency_pages(framework: CompetencyFramework, codes: list[str]) -> dict[str, CompetencyPage]:
    """Each competency's public page, with the published national references it maps to; none
    when no live curriculum shows the framework. Three queries."""
    curriculum = CurriculumPage.objects.live().filter(framework=framework).order_by("path").first()
    if curriculum is None or not codes:
        return {}
    base = _absolute(curriculum.get_url())
    competencies = Competency.objects.filter(framework=framework, id_number__in=codes)
    national = hasattr(Competency, "national_references")
    if national:
        competencies = competencies.prefetch_related("national_references")
    pages = {}
    for competency in competencies:
        references = ()
        if national:
            references = tuple(
                NationalAlignment(
                    reference.get_framework_display(), reference.code, reference.title
                )
                for reference in competency.national_references.all()
                if reference.live
            )
        path = curriculum.reverse_subpage("competency", args=[competency.id_number])
        pages[competency.id_number] = CompetencyPage(base.rstrip("/") + "/" + path, references)
    return pages
