"""The import graph of src/lstmlab: no cycles, and the arrows of STYLE.md (every import counts, also the lazy
ones inside functions, because a lazy import is still a dependency)."""

import ast
from pathlib import Path

import pytest

import lstmlab

ROOT = Path(lstmlab.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in ROOT.rglob("*.py")}


def imports(name: str) -> set[str]:
    """The lstmlab modules that module ``name`` imports anywhere in its body."""
    out = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module
                       for a in node.names]
        else:
            continue
        out |= {t for t in targets if t in MODULES and t != name}
    return out


GRAPH = {name: imports(name) for name in MODULES}


def cycles() -> list[list[str]]:
    """Every cycle found by a depth-first search, each as the list of modules around it."""
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(GRAPH):
        if node not in state:
            visit(node)
    return found


def test_no_import_cycles():
    assert cycles() == []


def test_the_graph_sees_lazy_imports():  # the scan itself: a lazy import inside a function is an edge
    assert "lstmlab.glassbox.convert" in GRAPH["lstmlab.glassbox.layer"]
    assert "lstmlab.nn.convert" in GRAPH["lstmlab.lab.gates"]


def reaches(prefix: str, other: str) -> list[str]:
    return sorted(f"{a} -> {b}" for a, bs in GRAPH.items() if a.startswith(prefix) for b in bs
                  if b.startswith(other))


def test_glassbox_imports_no_other_lstmlab_layer():
    allowed = ("lstmlab.glassbox", "lstmlab.errors", "lstmlab.atomic")
    assert sorted(f"{a} -> {b}" for a, bs in GRAPH.items() if a.startswith("lstmlab.glassbox") for b in bs
                  if not b.startswith(allowed)) == []


@pytest.mark.parametrize("low, high", [("lstmlab.glassbox", "lstmlab.nn"), ("lstmlab.tasks", "lstmlab.nn"),
                                       ("lstmlab.nn", "lstmlab.lab"), ("lstmlab.lab", "lstmlab.viz"),
                                       ("lstmlab.viz", "lstmlab.cli"), ("lstmlab.lab", "lstmlab.demo")])
def test_arrows_point_one_way(low, high):
    assert reaches(low, high) == []


def test_nn_imports_nothing_from_tasks():
    assert reaches("lstmlab.nn", "lstmlab.tasks") == []
