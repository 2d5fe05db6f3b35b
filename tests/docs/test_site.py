"""The documentation site builds with warnings as errors: math rendered, API pages made."""
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_mkdocs_builds_strict_with_math_and_api_pages(tmp_path):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SCRATCHRNN_SMALL="1")  # small notebooks
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d",
                           str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    cells = (tmp_path / "site" / "cells" / "index.html").read_text()
    assert cells.count('class="arithmatex"') >= 5            # the equations, as math
    api = (tmp_path / "site" / "api" / "index.html").read_text()
    for module in ("scratchrnn.cells.lstm", "scratchrnn.bptt", "scratchrnn.engine"):
        assert module in api, module
    notebook = (tmp_path / "site" / "notebooks" / "02_bptt_and_gradcheck" / "index.html")
    text = notebook.read_text()
    assert "forget bias 1" in text and "<img" in text           # printed output and figures
    assert (tmp_path / "site" / "notebooks" / "02_bptt_and_gradcheck_1.png").stat().st_size
