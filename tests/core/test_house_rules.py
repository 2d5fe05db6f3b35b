"""The house rules, read from the source: the application on top, no torch below it, the
lesson imports no engine, and no cycles.

Two checks that can fail:
- import-linter's contracts in pyproject.toml (`lint-imports`), run on the tree and on a
  copy of it with a violation planted;
- imports read here with `ast` from every file of `scratchrnn` and `reference`: module-level
  ones, those inside functions, and `importlib.import_module("...")` with a literal name,
  which import-linter cannot see.
"""
import ast
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

import scratchrnn

PACKAGE = pathlib.Path(scratchrnn.__file__).parent
ROOT = PACKAGE.parent
KNOWN = ("scratchrnn", "reference", "torch")
LESSON = ["scratchrnn.bptt", "scratchrnn.cells", "scratchrnn.cells.rnn", "scratchrnn.cells.lstm",
          "scratchrnn.cells.gru"]
LESSON_MAY_IMPORT = {"scratchrnn.backend", "scratchrnn.functional", *LESSON}


def module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for pkg in ("scratchrnn", "reference")
           for p in (ROOT / pkg).rglob("*.py")}


def imports_of(name: str, source: str) -> set:
    """The scratchrnn, reference and torch modules `source` (module `name`) imports,
    anywhere in the file."""
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
    return {m for m in found if m.split(".")[0] in KNOWN and m != name}


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


def torch_side(edges: dict) -> dict:
    """{module below the application: the torch or reference modules it imports}."""
    return {name: {m for m in imported if m.split(".")[0] in ("torch", "reference")}
            for name, imported in edges.items()
            if name.split(".")[0] == "scratchrnn" and not name.startswith("scratchrnn.app")
            and name != "scratchrnn.cli"}


def test_only_the_application_reaches_torch_and_the_reference():
    assert {k: v for k, v in torch_side(graph(SOURCES)).items() if v} == {}
    assert "reference.train" in graph(SOURCES)["scratchrnn.app.sweep"]   # through importlib


def test_a_planted_reference_import_through_importlib_is_found():
    """The violation this rule was written for: the trainer reaching torch via importlib."""
    planted = "\nimport importlib\nimportlib.import_module('reference.train')\n"
    sources = dict(SOURCES, **{"scratchrnn.train.loop": SOURCES["scratchrnn.train.loop"] + planted})
    assert torch_side(graph(sources))["scratchrnn.train.loop"] == {"reference.train"}


def lint_imports(root: pathlib.Path) -> subprocess.CompletedProcess:
    """`lint-imports` on the packages under `root`, with the contracts of pyproject.toml."""
    exe = pathlib.Path(sys.executable).parent / "lint-imports"
    return subprocess.run([str(exe), "--no-cache"], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(root)}, timeout=120)


def test_the_import_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


@pytest.mark.parametrize("module,planted,contract", [
    ("scratchrnn/train/loop.py", "def _f():\n    from scratchrnn.app import sweep\n",
     "the application on top"),
    ("scratchrnn/data/io.py", "def _f():\n    import torch\n", "no torch"),
    ("scratchrnn/cells/gru.py", "from ..engine import loop\n", "imports no engine"),
    ("reference/train.py", "from scratchrnn.app import experiment\n",
     "reference sits below"),
])
def test_a_planted_violation_breaks_a_contract(tmp_path, module, planted, contract):
    for name in ("scratchrnn", "reference"):
        shutil.copytree(ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / module, "a") as f:
        f.write("\n" + planted)
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(contract in line for line in broken), result.stdout
