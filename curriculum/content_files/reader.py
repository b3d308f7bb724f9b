"""Reading the content folder: each file checked against the schema, then the files together."""

import functools
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pydantic

from .editions import editions_used, undo_edition
from .schema import BLOCK_TYPES, Change, FrameworkFile, ModuleFile

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
FRAMEWORK_FILE = "framework.toml"
MODULES_DIR = "modules"


class ContentError(ValueError):
    """Content files that cannot be loaded, with every problem found, each naming its file."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class EditionContent:
    """The framework and the modules as one edition of the curriculum has them."""

    number: int
    version_label: str
    framework: FrameworkFile
    modules: tuple[ModuleFile, ...]
    # What changed since the edition before (none for the first), by module code.
    framework_changes: tuple[Change, ...]
    module_changes: dict[str, tuple[Change, ...]]

    def module(self, code: str) -> ModuleFile:
        return next(module for module in self.modules if module.code == code)


@dataclass(frozen=True)
class Content:
    """Every edition of the curriculum in the content folder, the first first."""

    editions: tuple[EditionContent, ...]

    @property
    def latest(self) -> EditionContent:
        return self.editions[-1]


def _where(loc: tuple, raw) -> str:
    """A field's place as a writer finds it: `domains #2 (SPLW-REF) > competencies #1 > title`."""
    parts: list[str] = []
    node = raw
    for step in loc:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and step < len(node) else None
            code = node.get("code") if isinstance(node, dict) else None
            label = node.get("type") if isinstance(node, dict) else None
            suffix = f" ({code})" if isinstance(code, str) else f" ({label})" if label else ""
            parts[-1] += f" #{step + 1}{suffix}"
        elif step in BLOCK_TYPES and parts and "#" in parts[-1]:
            continue  # the block's type, already named
        else:
            node = node.get(step) if isinstance(node, dict) else None
            parts.append(str(step))
    return " > ".join(parts)


def _message(error: dict) -> str:
    if error["type"] == "extra_forbidden":
        return "not a field here (misspelt?)"
    if error["type"] == "missing":
        return "missing"
    return error["msg"].removeprefix("Value error, ")


def _validated(model, raw: dict, name: str, errors: list[str]):
    try:
        return model.model_validate(raw)
    except pydantic.ValidationError as error:
        errors += [
            f"{name}: {_where(item['loc'], raw) or '(the file)'}: {_message(item)}"
            for item in error.errors(include_url=False)
        ]
        return None


def _read_toml(path: Path, name: str, errors: list[str]) -> dict | None:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        errors.append(f"{name}: not valid TOML: {error}")
    return None


def _duplicates(values) -> list[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)


def _framework_errors(framework: FrameworkFile, name: str) -> list[str]:
    errors = []
    numbers = [edition.edition for edition in framework.editions]
    if numbers != list(range(1, len(numbers) + 1)):
        errors.append(f"{name}: editions: numbered {numbers}; they must run 1, 2, 3… in order")
    for label, values in (
        ("methods", [method.code for method in framework.methods]),
        ("domains", [domain.code for domain in framework.domains]),
        ("domains > module", [domain.module for domain in framework.domains]),
        ("competencies", [item.code for item in framework.competencies]),
    ):
        if duplicated := _duplicates(values):
            errors.append(f"{name}: {label}: {', '.join(duplicated)} used more than once")
    methods = {method.code for method in framework.methods}
    for item in framework.competencies:
        named = [*item.all_of, *item.any_of, *([item.refresh.method] if item.refresh else [])]
        if unknown := sorted(set(named) - methods):
            errors.append(f"{name}: {item.code}: method {', '.join(unknown)} is not in [[methods]]")
    if unknown := sorted(set(framework.method_caps) - methods):
        errors.append(f"{name}: method_caps: {', '.join(unknown)} is not in [[methods]]")
    return errors


def _module_errors(framework: FrameworkFile, modules: dict[str, ModuleFile]) -> list[str]:
    """The modules against the framework: one file per domain, the same competencies in order."""
    errors = []
    domains = {domain.module: domain for domain in framework.domains}
    home = {item.code: d.code for d in framework.domains for item in d.competencies}
    for name, module in modules.items():
        if name != f"{MODULES_DIR}/{module.code.lower()}.toml":
            errors.append(f"{name}: code: {module.code} belongs in {module.code.lower()}.toml")
        domain = domains.get(module.code)
        if domain is None:
            errors.append(
                f'{name}: code: no domain in {FRAMEWORK_FILE} has module = "{module.code}"'
            )
            continue
        expected = [item.code for item in domain.competencies]
        for code in module.competencies:
            if code not in home:
                errors.append(f"{name}: competencies: {code} is not in {FRAMEWORK_FILE}")
            elif home[code] != domain.code:
                errors.append(
                    f"{name}: competencies: {code} belongs to domain {home[code]}, "
                    f"not this module's domain {domain.code}"
                )
        if missing := [code for code in expected if code not in module.competencies]:
            errors.append(
                f"{name}: competencies: {', '.join(missing)} of domain {domain.code} missing"
            )
        if duplicated := _duplicates(module.competencies):
            errors.append(f"{name}: competencies: {', '.join(duplicated)} listed more than once")
        elif set(module.competencies) == set(expected) and module.competencies != expected:
            errors.append(
                f"{name}: competencies: not in the order of domain {domain.code} "
                f"({', '.join(expected)})"
            )
    on_file = {module.code for module in modules.values()}
    for domain in framework.domains:
        if domain.module not in on_file:
            errors.append(
                f"{FRAMEWORK_FILE}: domains ({domain.code}): no file "
                f"{MODULES_DIR}/{domain.module.lower()}.toml for module {domain.module}"
            )
    return errors


def _edition_errors(raw: dict, name: str, latest: int, changes: list[Change]) -> list[str]:
    errors = []
    for path, number in editions_used(raw):
        where = _where(path[:-1], raw)
        if number > latest:
            errors.append(
                f"{name}: {where} > {path[-1]}: edition {number} is not in "
                f"{FRAMEWORK_FILE}'s [[editions]] (the last is {latest})"
            )
        elif path[0] == "body" and not any(change.edition == number for change in changes):
            errors.append(
                f"{name}: {where}: edition {number} has no [[changes]] entry to say what changed"
            )
    for number, change in enumerate(changes, start=1):
        if change.edition > latest:
            errors.append(
                f"{name}: changes #{number}: edition {change.edition} is not in "
                f"{FRAMEWORK_FILE}'s [[editions]] (the last is {latest})"
            )
    return errors


def _earlier(raw: dict, changes: list[Change], latest: int, name: str, errors: list[str]):
    """The raw file for every edition, latest first; problems undoing a change are errors."""
    by_edition = {latest: {key: value for key, value in raw.items() if key != "changes"}}
    current = raw
    for number in range(latest, 1, -1):
        current, problems = undo_edition(current, changes, number)
        errors += [f"{name}: {problem}" for problem in problems]
        by_edition[number - 1] = current
    return by_edition


def _only_competencies(raw: dict, codes: set[str]) -> dict:
    """A module as an edition has it: only the competencies that edition's framework has."""
    return {**raw, "competencies": [code for code in raw.get("competencies", []) if code in codes]}


def read_content(directory: Path = CONTENT_DIR) -> Content:
    """Every edition of the content in `directory`; raises ContentError listing every problem."""
    errors: list[str] = []
    raw_framework = _read_toml(directory / FRAMEWORK_FILE, FRAMEWORK_FILE, errors)
    raw_modules = {
        f"{MODULES_DIR}/{path.name}": _read_toml(path, f"{MODULES_DIR}/{path.name}", errors)
        for path in sorted((directory / MODULES_DIR).glob("*.toml"))
    }
    if not raw_modules:
        errors.append(f"{MODULES_DIR}/: no module files")
    if errors:
        raise ContentError(errors)

    framework = _validated(FrameworkFile, raw_framework, FRAMEWORK_FILE, errors)
    modules = {name: _validated(ModuleFile, raw, name, errors) for name, raw in raw_modules.items()}
    if errors:
        raise ContentError(errors)

    errors += _framework_errors(framework, FRAMEWORK_FILE)
    errors += _module_errors(framework, modules)
    latest = len(framework.editions)
    errors += _edition_errors(raw_framework, FRAMEWORK_FILE, latest, framework.changes)
    for name, module in modules.items():
        errors += _edition_errors(raw_modules[name], name, latest, module.changes)
    if errors:
        raise ContentError(errors)

    framework_raws = _earlier(raw_framework, framework.changes, latest, FRAMEWORK_FILE, errors)
    module_raws = {
        name: _earlier(raw_modules[name], module.changes, latest, name, errors)
        for name, module in modules.items()
    }
    if errors:
        raise ContentError(errors)

    # Domains in the framework's order; each module file beside its domain.
    order = {domain.module: index for index, domain in enumerate(framework.domains)}
    names = sorted(modules, key=lambda name: order[modules[name].code])
    editions = []
    for number in range(1, latest + 1):
        label = f" (as edition {number})" if number < latest else ""
        as_then = _validated(FrameworkFile, framework_raws[number], FRAMEWORK_FILE + label, errors)
        if as_then is None:
            continue
        codes = {item.code for item in as_then.competencies}
        modules_then = {}
        for name in names:
            raw = _only_competencies(module_raws[name][number], codes)
            if (module := _validated(ModuleFile, raw, name + label, errors)) is not None:
                modules_then[name] = module
        if len(modules_then) < len(names):
            continue
        errors += [f"{error}{label}" for error in _module_errors(as_then, modules_then)]
        editions.append(
            EditionContent(
                number=number,
                version_label=framework.editions[number - 1].version_label,
                framework=as_then,
                modules=tuple(modules_then.values()),
                framework_changes=tuple(c for c in framework.changes if c.edition == number),
                module_changes={
                    modules[name].code: tuple(
                        c for c in modules[name].changes if c.edition == number
                    )
                    for name in names
                },
            )
        )
    if errors:
        raise ContentError(errors)
    return Content(editions=tuple(editions))


@functools.cache
def demo_content() -> Content:
    """The demo curriculum's content folder, read once per process."""
    return read_content()
