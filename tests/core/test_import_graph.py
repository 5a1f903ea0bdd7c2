"""Feature folders import each other in one direction only: no cycles.

Every file of ``courseware/`` is parsed (top-level and function-level imports alike)
and each import of another folder is an edge between folders. Run it alone with
``.venv/bin/python -m pytest tests/core/test_import_graph.py``.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "courseware"

#: Bases every feature may import; a base imports only other bases.
BASES = {
    "core",
    "db",
    "content",
    "auth",
    "quiz.types",  # the question-type registry: content checks quizzes with it
    # Top-level modules of the package:
    "compression",
    "config",
    "errors",
    "i18n",
    "pagecache",
    "security",
}
#: Where everything is put together: they may import anything, nothing imports them.
ROOTS = {"__init__", "cli", "models", "migrations"}

#: The direction between features: each may import those listed (and the bases).
#: Lower layers reach higher ones through signals (courseware/learn/signals.py).
ALLOWED = {
    "xapi": set(),
    "learn": {"xapi"},
    "quiz": {"learn", "xapi"},
    "certificates": {"learn", "xapi"},
    "teach": {"learn", "quiz", "certificates"},
    "analysis": {"quiz", "teach"},
    "media": set(),
    "lti": {"learn", "quiz", "teach", "xapi", "certificates"},
    "authoring": {"learn", "quiz"},
}

#: A feature's ``models`` module is its part of the one database schema (gathered in
#: ``courseware/models.py``): any feature may read another's tables. Models modules
#: themselves import only bases and other models.
SCHEMA = "<schema>"


def _folder(module: str) -> str | None:
    """The folder (node) of a dotted ``courseware...`` module name."""
    parts = module.split(".")
    if parts[0] != "courseware" or len(parts) < 2:
        return None
    if parts[1] == "quiz" and parts[2:3] == ["types"]:
        return "quiz.types"
    return parts[1]


def _is_schema(module: str) -> bool:
    parts = module.split(".")
    return len(parts) >= 3 and parts[2] == "models"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("courseware", *path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1] or ("courseware",)
        found[".".join(parts)] = path
    return found


def _imports(path: Path, module: str) -> list[tuple[str, int]]:
    """Every module ``path`` imports, at any depth (functions included)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names.append((base, node.lineno))
            # ``from courseware.teach.services import report`` imports a module too.
            names += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return names


def _edges() -> dict[tuple[str, str], list[str]]:
    """(from folder, to folder) -> where, for imports between two folders."""
    modules = _modules()
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for module, path in modules.items():
        source = _folder(module) if module != "courseware" else "__init__"
        if source is None:
            continue
        for name, line in _imports(path, module):
            target = _folder(name)
            if target is None or target == source:
                continue
            if name not in modules and name.rpartition(".")[0] in modules:
                name = name.rpartition(".")[0]  # a name from a module, not a module
            if _is_schema(name) and source not in BASES:
                target = SCHEMA
            edges[source, target].append(f"{path.relative_to(PACKAGE)}:{line}")
    return edges


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` as a path, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


EDGES = _edges()


def test_the_allowed_directions_have_no_cycle():
    assert _cycle(ALLOWED) is None


def test_every_folder_of_the_package_is_placed():
    folders = {_folder(m) for m in _modules() if m != "courseware"}
    assert folders <= BASES | ROOTS | set(ALLOWED) | {None}


@pytest.mark.parametrize("base", sorted(BASES))
def test_bases_import_no_feature(base):
    wrong = {
        (target, where[0])
        for (source, target), where in EDGES.items()
        if source == base and target not in BASES
    }
    assert not wrong, f"{base} imports a feature: {sorted(wrong)}"


@pytest.mark.parametrize("feature", sorted(ALLOWED))
def test_features_import_only_downwards(feature):
    allowed = ALLOWED[feature] | BASES | {SCHEMA}
    wrong = sorted(
        f"{target} ({', '.join(where)})"
        for (source, target), where in EDGES.items()
        if source == feature and target not in allowed
    )
    assert not wrong, f"{feature} may not import: {wrong}"


def test_models_import_only_bases_and_models():
    modules = _modules()
    wrong = []
    for module, path in modules.items():
        if not _is_schema(module) or _folder(module) in BASES:
            continue
        for name, line in _imports(path, module):
            target = _folder(name)
            if target in (None, _folder(module)) or target in BASES:
                continue
            if not _is_schema(name):
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} {name}")
    assert not wrong


def test_nothing_imports_the_roots():
    wrong = sorted(
        f"{source} -> {target}"
        for (source, target) in EDGES
        if target in ROOTS and source not in ROOTS
    )
    assert not wrong


def test_the_feature_graph_has_no_cycle():
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in EDGES:
        if source in ALLOWED and target in ALLOWED:
            graph[source].add(target)
    assert _cycle(graph) is None
