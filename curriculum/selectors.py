"""Reads about the curriculum and the competency framework."""

from django.db import models

from .models import Competency


def competency_is_in_use(competency: Competency) -> bool:
    """Whether any record protects this competency from deletion (an assessment, a module)."""
    for relation in competency._meta.related_objects:
        if relation.on_delete is not models.PROTECT:
            continue
        related = relation.related_model._default_manager.filter(
            **{relation.field.name: competency}
        )
        if related.exists():
            return True
    return False
