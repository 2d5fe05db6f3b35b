"""mkdocs hook: the notebooks (jupytext percent .py) executed at build time, as pages.

Each `# %%` cell of notebooks/*.py runs in one namespace, in a temporary folder, with
matplotlib's Agg backend; a markdown cell becomes text, a code cell a code block followed
by what it printed and the figures it drew (PNG files beside the page). Set
SCRATCHRNN_SMALL=1 for the notebooks' small sizes (the test suite does). The pages appear
under "Notebooks" in the site's navigation. A notebook that fails fails the build.
"""
from __future__ import annotations

import contextlib
import io
import os
import pathlib
import tempfile

from mkdocs.structure.files import File

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.py"))


def cells(text: str) -> list[tuple[str, str]]:
    """[(kind, source)] of a percent-format script: kind 'markdown' or 'code'."""
    out, kind, lines = [], None, []
    for line in text.splitlines():
        if line.startswith("# %%"):
            if kind is not None:
                out.append((kind, "\n".join(lines).strip("\n")))
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
        elif kind is not None:
            lines.append(line[2:] if kind == "markdown" and line.startswith("# ") else
                         ("" if kind == "markdown" and line == "#" else line))
    if kind is not None:
        out.append((kind, "\n".join(lines).strip("\n")))
    return out


@contextlib.contextmanager
def _inside(folder):
    """Work in `folder` (figures the notebooks save land there), then come back."""
    here = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(here)


def run(path: pathlib.Path) -> tuple[str, dict]:
    """Execute a notebook -> (markdown page, {figure name: PNG bytes})."""
    import matplotlib  # noqa: PLC0415
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415
    page = [f"*`notebooks/{path.name}`, executed when this site was built (sizes: "
            f"{'small' if os.environ.get('SCRATCHRNN_SMALL') == '1' else 'full'}).*", ""]
    figures, namespace = {}, {"__name__": "__notebook__"}
    with tempfile.TemporaryDirectory() as tmp, _inside(tmp):
        for kind, source in cells(path.read_text()):
            if kind == "markdown":
                page += [source, ""]
                continue
            if not source.strip():
                continue
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(source, str(path), "exec"), namespace)  # noqa: S102
            page += ["```python", source, "```", ""]
            if printed.getvalue().strip():
                page += ["```text", printed.getvalue().rstrip(), "```", ""]
            for number in plt.get_fignums():
                name = f"{path.stem}_{len(figures) + 1}.png"
                buffer = io.BytesIO()
                plt.figure(number).savefig(buffer, format="png", dpi=90)
                figures[name] = buffer.getvalue()
                page += [f"![figure {len(figures)}]({name})", ""]
            plt.close("all")
    return "\n".join(page), figures


def on_files(files, config):
    """Add a page (and its figures) per notebook under notebooks/."""
    for path in NOTEBOOKS:
        text, figures = run(path)
        title = path.stem.split("_", 1)[1].replace("_", " ")
        files.append(File.generated(config, f"notebooks/{path.stem}.md",
                                    content=f"# Notebook {path.stem[:2]}: {title}\n\n{text}"))
        for name, data in figures.items():
            files.append(File.generated(config, f"notebooks/{name}", content=data))
    return files
