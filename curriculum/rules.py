"""The rules a competency framework must keep, shared by the admin form and the Moodle importer."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScaleLevelData:
    value: int
    name: str
    is_proficient: bool = False
    is_default: bool = False
    description: str = ""


@dataclass(frozen=True)
class CompetencyData:
    id_number: str
    short_name: str
    parent_id_number: str = ""
    cross_references: tuple[str, ...] = field(default_factory=tuple)
    row: int | None = None  # where it came from in an imported file, for messages

    def where(self) -> str:
        return f"Row {self.row}: " if self.row else ""


def scale_errors(levels: Sequence[ScaleLevelData]) -> list[str]:
    """Levels 1..n with unique names; at least one proficient, and all above it proficient."""
    if not levels:
        return ["The rating scale needs at least one level."]
    errors = []
    values = sorted(level.value for level in levels)
    if values != list(range(1, len(levels) + 1)):
        errors.append(
            "Scale levels must be numbered 1, 2, 3… without gaps or repeats "
            f"(found {', '.join(map(str, values))})."
        )
    names = [level.name.strip().lower() for level in levels]
    if len(set(names)) != len(names) or not all(names):
        errors.append("Every scale level needs a name, and no two levels may share one.")
    if any("," in level.name for level in levels):
        # Moodle lists scale values separated by commas, so a name cannot hold one.
        errors.append("Scale level names cannot contain commas.")
    proficient = sorted(level.value for level in levels if level.is_proficient)
    if not proficient:
        errors.append("Mark at least one scale level as proficient (the proficiency threshold).")
    elif proficient != list(range(proficient[0], max(values) + 1)):
        errors.append("Every level above the proficiency threshold must also count as proficient.")
    if sum(level.is_default for level in levels) > 1:
        errors.append("Only one scale level can be the default.")
    return errors


def tree_errors(competencies: Iterable[CompetencyData]) -> list[str]:
    """Codes unique, parents and cross references known, and no competency its own ancestor."""
    items = list(competencies)
    errors = []
    by_code: dict[str, CompetencyData] = {}
    for item in items:
        if not item.id_number.strip():
            errors.append(f"{item.where()}Every competency needs a code.")
        elif item.id_number in by_code:
            errors.append(f"{item.where()}The code {item.id_number} is used twice.")
        else:
            by_code[item.id_number] = item
    for item in items:
        if item.parent_id_number and item.parent_id_number not in by_code:
            errors.append(
                f"{item.where()}The parent code {item.parent_id_number} of {item.id_number} "
                "is not in this framework."
            )
        for reference in item.cross_references:
            if reference not in by_code:
                errors.append(
                    f"{item.where()}{item.id_number} cross-references {reference}, which is not "
                    "in this framework."
                )
    for item in items:
        seen = {item.id_number}
        parent = by_code.get(item.parent_id_number)
        while parent is not None:
            if parent.id_number in seen:
                errors.append(f"{item.where()}{item.id_number} is inside itself (a parent loop).")
                break
            seen.add(parent.id_number)
            parent = by_code.get(parent.parent_id_number)
    return errors


def split_codes(text: str) -> tuple[str, ...]:
    """'A, B,,C' -> ('A', 'B', 'C')."""
    return tuple(code.strip() for code in text.split(",") if code.strip())
