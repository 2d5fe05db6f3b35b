"""The house rules, read from the source: the lesson imports no engine, and no cycles.

Imports are read with `ast` from every file of `scratchrnn`: module-level ones, those
inside functions, and `importlib.import_module("...")` with a literal name.
"""
import ast
import pathlib

import pytest

import scratchrnn

PACKAGE = pathlib.Path(scratchrnn.__file__).parent
LESSON = ["scratchrnn.bptt", "scratchrnn.cells", "scratchrnn.cells.rnn", "scratchrnn.cells.lstm",
          "scratchrnn.cells.gru"]
LESSON_MAY_IMPORT = {"scratchrnn.backend", "scratchrnn.functional", *LESSON}


def module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(name: str, source: str) -> set:
    """The scratchrnn modules `source` (module `name`) imports, anywhere in the file."""
    package = name if MODULES[name].name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:  # `from pkg import module` imports the module
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module" \
                and node.args and isinstance(node.args[0], ast.Constant):
            found.add(node.args[0].value)
    return {m for m in found if m.split(".")[0] == "scratchrnn" and m != name}


def graph(sources: dict) -> dict:
    return {name: imports_of(name, src) for name, src in sources.items()}


def find_cycle(edges: dict):
    """One import cycle as a list of modules, or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt, path + [nxt])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for start in sorted(edges):
        if start not in state:
            cycle = visit(start, [start])
            if cycle:
                return cycle
    return None


SOURCES = {name: path.read_text() for name, path in MODULES.items()}


def reachable(edges: dict, roots) -> set:
    seen, todo = set(), list(roots)
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo += edges.get(node, ())
    return seen


def test_scratchrnn_has_no_import_cycle():
    assert find_cycle(graph(SOURCES)) is None


def test_the_lesson_imports_only_numpy_backend_and_functional():
    edges = graph(SOURCES)
    for name in LESSON:
        assert edges[name] <= LESSON_MAY_IMPORT, (name, edges[name] - LESSON_MAY_IMPORT)
    assert not {m for m in reachable(edges, LESSON) if m.startswith("scratchrnn.engine")}


@pytest.mark.parametrize("planted", [
    ("scratchrnn.engine.parallel", "def f():\n    from . import workers\n"),
    ("scratchrnn.backend", "import importlib\nimportlib.import_module('scratchrnn.nn')\n"),
])
def test_a_planted_cycle_is_found(planted):
    """The check can fail: an import inside a function, or through importlib."""
    name, extra = planted
    sources = dict(SOURCES, **{name: SOURCES[name] + "\n" + extra})
    assert find_cycle(graph(sources)) is not None


def test_a_planted_engine_import_in_the_lesson_is_found():
    sources = dict(SOURCES, **{"scratchrnn.cells.lstm": SOURCES["scratchrnn.cells.lstm"] +
                               "\nfrom ..engine import loop\n"})
    assert "scratchrnn.engine.loop" in graph(sources)["scratchrnn.cells.lstm"]
