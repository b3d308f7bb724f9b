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


@dataclass(frozen=True)
class EvidenceRuleData:
    """A competency's evidence rule by method code: "all of", "any of" and its refresher."""

    id_number: str
    required: tuple[str, ...] = ()
    accepted: tuple[str, ...] = ()
    refresh_months: int | None = None
    refresh_method: str = ""
    row: int | None = None

    def where(self) -> str:
        return f"Row {self.row}: " if self.row else ""


@dataclass(frozen=True)
class MethodCapData:
    method: str
    max_level: int | None


# What e-learning and a knowledge test show on their own; level 3 and above need practice.
DEFAULT_METHOD_CAPS = {"ELC": 1, "KT": 2}


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


def scale_description_errors(levels: Sequence[ScaleLevelData]) -> list[str]:
    """Every level says what a person at that level can do: assessors judge against it."""
    return [
        f"Scale level {level.value} ({level.name}) needs a descriptor: what a person at this "
        "level can do."
        for level in sorted(levels, key=lambda level: level.value)
        if not level.description.strip()
    ]


def evidence_rule_errors(rule: EvidenceRuleData) -> list[str]:
    """A method is either needed ("all of") or an alternative ("any of"), never both; a refresher
    needs a period of at least a month."""
    errors = []
    both = sorted(set(rule.required) & set(rule.accepted))
    if both:
        errors.append(
            f"{rule.where()}{rule.id_number}: {', '.join(both)} cannot be both in 'all of these "
            "methods' and in 'any of these methods': choose one."
        )
    if rule.refresh_months is not None and rule.refresh_months < 1:
        errors.append(f"{rule.where()}{rule.id_number}: refresh every at least 1 month, or never.")
    if rule.refresh_method and rule.refresh_months is None:
        errors.append(
            f"{rule.where()}{rule.id_number}: a refresh method needs a refresh period in months."
        )
    return errors


def method_cap_errors(caps: Sequence[MethodCapData], scale_values: Iterable[int]) -> list[str]:
    """Each method capped once, at a level of the framework's scale."""
    values = sorted(scale_values)
    errors = []
    seen: set[str] = set()
    for cap in caps:
        if cap.method in seen:
            errors.append(f"Method caps: {cap.method} is capped twice; keep one.")
        seen.add(cap.method)
        if cap.max_level is None or cap.max_level not in values:
            on_scale = f"{values[0]} to {values[-1]}" if values else "none yet"
            errors.append(
                f"Method caps: {cap.method} is capped at level {cap.max_level}, which is not on "
                f"the scale (levels {on_scale})."
            )
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
