"""The apps' imports form no module-level circle, and a lower layer never imports a higher one."""

import ast
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# Data flows one way (DESIGN.md, "Architecture"): each app may import only its own layer and
# those below. oversight and imports share the top with credentials (signing certificates) and
# sharing (a holder's share links); no app imports another of its own layer. quality
# (internal quality assurance) judges assessments and sits on competencies, below certificates.
# config (settings, the URL map) and demo (load_demo_data, which runs every app's demo loader)
# are composition roots: they may import every app and none imports them. scale (seed_scale, the
# bench, backups) sits above them all: its bench settings build on config's.
LAYERS = {
    "workforce": 0,
    "curriculum": 1,
    "competencies": 2,
    "quality": 3,
    "certificates": 4,
    "oversight": 5,
    "imports": 5,
    "credentials": 5,
    "sharing": 5,
    "demo": 6,
    # seed_scale and the bench: the bench serves the app under its own settings and URLconf.
    "scale": 7,
    "config": 6,
}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the project module imported
    path: Path
    line: int
    module_level: bool  # runs when the module is first imported, not inside a function


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path, apps) -> dict[str, Path]:
    """Every Python module of the apps, migrations and management commands included."""
    return {
        module_name(root, path): path for app in apps for path in sorted((root / app).rglob("*.py"))
    }


def _nearest(name: str, modules) -> str | None:
    """The project module `name` is, or the innermost one it lies in (a name in a module)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


class _ImportFinder(ast.NodeVisitor):
    def __init__(self, module: str, path: Path, modules):
        self.module = module
        self.path = path
        self.modules = modules
        # A package's relative imports start from the package itself, a module's from its own.
        self.package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        self.depth = 0  # functions we are inside: their imports run only when called
        self.found: list[Import] = []

    def _function(self, node) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def _add(self, target: str | None, node) -> None:
        if target is not None and target != self.module:
            self.found.append(Import(self.module, target, self.path, node.lineno, self.depth == 0))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(_nearest(alias.name, self.modules), node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.package.split(".")
            base = base[: len(base) - (node.level - 1)]
            origin = ".".join([*base, node.module] if node.module else base)
        else:
            origin = node.module
        for alias in node.names:
            # `from . import services` imports a module; `from .models import User`, a name.
            submodule = f"{origin}.{alias.name}"
            target = submodule if submodule in self.modules else origin
            self._add(_nearest(target, self.modules), node)


def project_imports(root: Path = PROJECT_ROOT, apps=tuple(LAYERS)) -> list[Import]:
    """Every import, at module level or inside a function, of one project module by another."""
    modules = project_modules(root, apps)
    found = []
    for module, path in modules.items():
        finder = _ImportFinder(module, path, modules)
        finder.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        found.extend(finder.found)
    return found


def import_cycles(imports: list[Import]) -> list[list[Import]]:
    """Circles of module-level imports: at least one through each group that import each other."""
    graph: dict[str, dict[str, Import]] = {}
    for edge in imports:
        if edge.module_level:
            graph.setdefault(edge.source, {}).setdefault(edge.target, edge)
    cycles, done = [], set()
    for start in sorted(graph):
        if start in done:
            continue
        # Depth first from `start`, keeping the path of edges taken: an edge back to a module on
        # the path closes a circle. Every group of modules importing each other has such an
        # edge however it is walked, so exploring each module once finds them all.
        path: list[Import] = []
        on_path = {start: 0}
        stack = [(start, iter(sorted(graph.get(start, {}).items())))]
        while stack:
            node, edges = stack[-1]
            step = next(edges, None)
            if step is None:
                stack.pop()
                done.add(node)
                del on_path[node]
                if path:
                    path.pop()
                continue
            target, edge = step
            if target in on_path:
                cycles.append([*path[on_path[target] :], edge])
            elif target not in done:
                path.append(edge)
                on_path[target] = len(path)
                stack.append((target, iter(sorted(graph.get(target, {}).items()))))
    return cycles


def layer_violations(imports: list[Import], root: Path = PROJECT_ROOT) -> list[str]:
    """Every import of a higher layer, or of the other top-layer app, by file and line."""
    problems = []
    for edge in imports:
        source_app, target_app = edge.source.split(".")[0], edge.target.split(".")[0]
        if source_app == target_app:
            continue
        if LAYERS[target_app] >= LAYERS[source_app]:
            where = "module level" if edge.module_level else "inside a function"
            problems.append(
                f"{edge.path.relative_to(root)}:{edge.line}: {source_app} (layer "
                f"{LAYERS[source_app]}) imports {edge.target} (layer {LAYERS[target_app]}), "
                f"{where}"
            )
    return problems


def describe(cycle: list[Import], root: Path = PROJECT_ROOT) -> str:
    steps = " -> ".join([cycle[0].source, *(edge.target for edge in cycle)])
    lines = "; ".join(f"{edge.path.relative_to(root)}:{edge.line}" for edge in cycle)
    return f"{steps} ({lines})"


def test_no_module_level_import_cycle():
    cycles = import_cycles(project_imports())

    assert not cycles, "Module-level import cycles:\n" + "\n".join(map(describe, cycles))


def test_no_layer_imports_a_higher_one():
    violations = layer_violations(project_imports())

    assert not violations, "A lower layer imports a higher one:\n" + "\n".join(violations)


def test_the_walk_sees_every_app_and_imports_inside_functions():
    imports = project_imports()

    assert {edge.source.split(".")[0] for edge in imports} == set(LAYERS)
    assert any(not edge.module_level for edge in imports)


# --- The checks themselves, on a made-up project ---------------------------------------------


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_a_module_level_circle_is_found_and_named(tmp_path):
    root = _project(
        tmp_path,
        {
            "competencies/__init__.py": "",
            "competencies/services.py": "from . import importing\n",
            "competencies/importing.py": "from .resources import X\n",
            "competencies/resources.py": "import os\n\nfrom competencies.services import Y\n",
        },
    )

    cycles = import_cycles(project_imports(root, ["competencies"]))

    assert [describe(cycle, root) for cycle in cycles] == [
        "competencies.importing -> competencies.resources -> competencies.services -> "
        "competencies.importing (competencies/importing.py:1; competencies/resources.py:3; "
        "competencies/services.py:1)"
    ]


def test_an_import_inside_a_function_closes_no_circle(tmp_path):
    root = _project(
        tmp_path,
        {
            "certificates/__init__.py": "",
            "certificates/services.py": "def run():\n    from .tasks import job\n",
            "certificates/tasks.py": "from . import services\n",
        },
    )

    assert import_cycles(project_imports(root, ["certificates"])) == []


def test_a_lower_layer_importing_a_higher_one_is_reported_by_file_and_line(tmp_path):
    root = _project(
        tmp_path,
        {
            "workforce/__init__.py": "",
            "workforce/views.py": "import datetime\n\ndef f():\n    from oversight import views\n",
            "oversight/__init__.py": "",
            "oversight/views.py": "from workforce import views\nfrom imports.views import page\n",
            "imports/__init__.py": "",
            "imports/views.py": "from oversight.views import x\nfrom workforce.views import y\n",
        },
    )

    violations = layer_violations(
        project_imports(root, ["workforce", "oversight", "imports"]), root
    )

    assert violations == [
        "workforce/views.py:4: workforce (layer 0) imports oversight.views (layer 5), "
        "inside a function",
        "oversight/views.py:2: oversight (layer 5) imports imports.views (layer 5), module level",
        "imports/views.py:1: imports (layer 5) imports oversight.views (layer 5), module level",
    ]
