"""The code keeps the lint rules its `# noqa` directives speak to (pyproject's [tool.ruff]),
and the syntax of the lowest Python it claims to support."""
import ast
import pathlib
import re
import shutil
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff", path=str(pathlib.Path(sys.executable).parent)) or \
        shutil.which("ruff")
    assert ruff is not None, "ruff is in the test extra: pip install -e '.[test]'"
    result = subprocess.run([ruff, "check", "--no-cache", "."], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_file_parses_as_the_lowest_supported_python():
    """requires-python's floor is the grammar every file is parsed with."""
    floor = re.fullmatch(r">=\s*3\.(\d+)", PYPROJECT["project"]["requires-python"])
    assert floor, PYPROJECT["project"]["requires-python"]
    assert PYPROJECT["tool"]["ruff"]["target-version"] == f"py3{floor[1]}"
    for path in ROOT.glob("[!.]*/**/*.py"):
        if ".venv" not in path.parts and "site" not in path.parts:
            ast.parse(path.read_text(), str(path), feature_version=(3, int(floor[1])))
