"""The competency matrix's cells, written in Python: a page of 25 link workers is some 800 cells,
and the template language took longer over them than judging the whole team."""

from functools import lru_cache

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from oversight.selectors import Band, Cell

register = template.Library()

_TICKED = {Band.PROFICIENT, Band.BEYOND}
_TICK = SafeString('<span aria-hidden="true">✓</span>')
_NOT_MET = SafeString(
    '<span aria-hidden="true">–</span><span class="nhsuk-u-visually-hidden">not met</span>'
)


@lru_cache(maxsize=4096)
def _cell(cell: Cell) -> SafeString:
    """One cell's markup. Cells repeat (a level and what it misses, competency by competency,
    row after row), so each is escaped and written once and then reused."""
    title = format_html(' title="{}"', capfirst(cell.missing)) if cell.missing else ""
    if cell.level:
        shown = format_html("{}{}", cell.level, _TICK if cell.band in _TICKED else "")
    else:
        shown = _NOT_MET
    missing = (
        format_html('<span class="nhsuk-u-visually-hidden">: {}</span>', cell.missing)
        if cell.missing
        else ""
    )
    return format_html(
        '<td class="app-cell app-cell--{}"{}>{}{}</td>', cell.band, title, shown, missing
    )


@register.simple_tag
def matrix_cells(cells: list[Cell]) -> SafeString:
    """A matrix row's cells: the level as a number, a tick at proficiency, a dash when not met,
    and what is still missing (a tooltip, and words for a screen reader)."""
    return SafeString("".join(map(_cell, cells)))  # each cell's markup is escaped by `_cell`
