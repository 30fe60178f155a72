"""The tree is the flow: imports run downward only, with no circle, and modules and
functions stay small enough to read (a longer one states why, in a `# long:` comment)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "generator"
MODULE_LIMIT = 500
FUNCTION_LIMIT = 80

# Rank of each stage: a module may import its own stage or a lower one, never a higher.
LAYERS = {
    "cli": 8,
    "commands": 8,  # the command line's own pieces beside cli.py (generator/commands/)
    "__main__": 8,
    "ops": 7,
    "flow": 6,
    "outlets": 5,
    "brief": 4,
    "analysis": 3,
    "classify": 2,
    "data": 1,
    "config": 0.5,
}
CORE = 0  # errors, numbers, fsutil, templating, yamlio, headers, report, syscheck …


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(REPO).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _rank(module: str) -> float:
    parts = module.split(".")
    if len(parts) == 1:
        return LAYERS["cli"]  # the package itself: `generator/__init__.py`
    return LAYERS.get(parts[1], CORE)


def _imports(path: Path, module: str, known: set[str]) -> set[str]:
    """Every generator module `path` imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_pkg else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name.startswith("generator.") and name != module:
                out.add(name)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    graph = {m: _imports(p, m, known) for m, p in modules.items()}
    # A module importing its own package's __init__ (re-exports) is not an edge upward.
    return {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in graph.items()}


def test_imports_run_downward_only():
    upward = [
        f"{module} (rank {_rank(module)}) imports {dep} (rank {_rank(dep)})"
        for module, deps in _graph().items()
        for dep in sorted(deps)
        if _rank(dep) > _rank(module)
    ]
    assert upward == []


def test_no_import_circle():
    graph = _graph()
    state: dict[str, int] = {}
    circles: list[str] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                circles.append(" → ".join([*trail[trail.index(dep) :], dep]))
            elif dep not in state:
                visit(dep, [*trail, dep])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert circles == []


def _long_reason(lines: list[str], lineno: int) -> bool:
    around = lines[max(0, lineno - 3) : lineno + 1]
    return any("# long:" in line for line in around)


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_modules_and_functions_stay_small(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    problems = []
    if len(lines) > MODULE_LIMIT and not any("# long:" in line for line in lines[:10]):
        problems.append(f"{len(lines)} lines")
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            if length > FUNCTION_LIMIT and not _long_reason(lines, first - 1):
                problems.append(f"{node.name}() at line {node.lineno}: {length} lines")
    assert problems == []


def test_the_readme_maps_every_stage_folder():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How the code is laid out", 1)[1].split("\n## ", 1)[0]
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    missing = [f for f in folders if f"`{f}/`" not in section]
    assert missing == []
