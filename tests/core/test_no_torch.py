"""scratchrnn must never import torch (it is the from-scratch side)."""
import ast
import pathlib
import subprocess
import sys

import scratchrnn

PACKAGE = pathlib.Path(scratchrnn.__file__).parent


def test_no_source_file_imports_torch():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "torch"]
    assert not offenders


def test_importing_every_module_leaves_torch_unloaded():
    modules = sorted({".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts)
                      for p in PACKAGE.rglob("*.py") if p.name != "__main__.py"})
    code = ("import importlib, sys\n"
            f"for m in {modules!r}:\n"
            "    importlib.import_module(m.removesuffix('.__init__'))\n"
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
