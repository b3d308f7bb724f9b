"""Wires Wagtail's publish signals to the version-recording service and to the frontend cache."""

from wagtail.signals import (
    page_published,
    page_unpublished,
    post_page_move,
    published,
    unpublished,
)

from .caching import purge_moved_page, purge_published_page, purge_whole_curriculum
from .models import (
    AssessmentMethod,
    CompetencyFramework,
    CurriculumPage,
    HomePage,
    ModulePage,
    NationalReference,
)
from .services import framework_version_record


def record_framework_version(sender, instance, revision, **kwargs):
    framework_version_record(framework=instance, revision=revision)


def connect() -> None:
    published.connect(
        record_framework_version,
        sender=CompetencyFramework,
        dispatch_uid="curriculum.record_framework_version",
    )
    for page_type in (HomePage, CurriculumPage, ModulePage):
        for signal, name in ((page_published, "published"), (page_unpublished, "unpublished")):
            signal.connect(
                purge_published_page,
                sender=page_type,
                dispatch_uid=f"curriculum.purge.{page_type.__name__}.{name}",
            )
        post_page_move.connect(
            purge_moved_page,
            sender=page_type,
            dispatch_uid=f"curriculum.purge.{page_type.__name__}.moved",
        )
    for snippet in (CompetencyFramework, AssessmentMethod, NationalReference):
        for signal, name in ((published, "published"), (unpublished, "unpublished")):
            signal.connect(
                purge_whole_curriculum,
                sender=snippet,
                dispatch_uid=f"curriculum.purge.{snippet.__name__}.{name}",
            )
