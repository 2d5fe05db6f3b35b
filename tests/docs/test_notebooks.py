"""Each notebook (jupytext percent .py) runs end to end at small sizes and computes what
its page claims: agreement with torch, passing gradchecks, truncation equal to a detached
torch run, clipping that bounds the gradient."""
import math
import pathlib
import re
import runpy

import matplotlib
import numpy as np
import pytest

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[2] / "notebooks"


@pytest.fixture
def run_notebook(monkeypatch, tmp_path):
    """Run notebooks/<name> with SCRATCHRNN_SMALL=1, the Agg backend, cwd = tmp_path; what
    a notebook sets for the whole process (the engine, the cores, flushing denormals) is
    put back after it, so the tests that follow run as they would alone."""
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import scratchrnn.backend as backend
    import scratchrnn.engine.parallel as parallel
    from scratchrnn import get_flush_denormal, set_flush_denormal

    monkeypatch.setenv("SCRATCHRNN_SMALL", "1")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(backend, "_engine", backend.get_engine())        # restored after
    monkeypatch.setattr(parallel, "_num_threads", parallel._num_threads)
    flush = get_flush_denormal()

    def run(name):
        try:
            return runpy.run_path(str(NOTEBOOKS / name), run_name="__notebook__")
        finally:
            plt.close("all")
            set_flush_denormal(flush)
    return run


def test_every_notebook_is_tested():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.py")) == [
        "01_cells_vs_torch.py", "02_bptt_and_gradcheck.py", "03_assignments.py"]


def test_notebooks_are_jupytext_percent():
    for path in NOTEBOOKS.glob("*.py"):
        text = path.read_text()
        assert "format_name: percent" in text, path.name
        assert "\n# %%" in text, path.name
        assert 'os.environ.get("SCRATCHRNN_SMALL") == "1"' in text, path.name


def test_predict_then_run_prompts_are_answered_by_an_assert():
    """A **Predict, then run.** markdown cell is followed by a code cell that asserts the
    answer (a property of what it computes), so a wrong claim in the prompt fails the run."""
    prompts = 0
    for path in sorted(NOTEBOOKS.glob("*.py")):
        cells = re.split(r"^# %%", path.read_text(), flags=re.MULTILINE)[1:]
        for cell, after in zip(cells, cells[1:]):
            if "**Predict, then run.**" in cell:
                prompts += 1
                assert cell.startswith(" [markdown]"), path.name
                assert not after.startswith(" [markdown]"), f"{path.name}: no code after"
                assert re.search(r"^assert ", after, flags=re.MULTILINE), \
                    f"{path.name}: the cell after a prompt asserts nothing"
    assert prompts >= 4


def test_01_cells_vs_torch(run_notebook):
    ns = run_notebook("01_cells_vs_torch.py")
    assert ns["SMALL"]
    assert ns["max_diff"] < 1e-9, ns["diffs"]
    assert len(ns["diffs"]) == 6 + len(ns["lstm"].params)      # every output and gradient
    assert max(ns["max_diff_by_layer"].values()) < 1e-9, ns["max_diff_by_layer"]
    assert ns["model_diff"] < 1e-9
    # the y-shape pitfall: torch warned once per predictor, and its (N,N) loss is
    # var(p) + var(y) + (mean p - mean y)^2, blind to which prediction goes with which target
    assert len(ns["caught"]) == 3 and "different to the input size" in ns["caught"][0]
    y = ns["y2"][:, 0]
    for name, p in ns["predictors"].items():
        right, broadcast = ns["pitfall"][name]
        p = p[:, 0]
        assert math.isclose(right, np.mean((p - y) ** 2), rel_tol=1e-9, abs_tol=1e-15)
        assert math.isclose(broadcast, p.var() + y.var() + (p.mean() - y.mean()) ** 2,
                            rel_tol=1e-9)
    right, broadcast = ns["pitfall"]["perfect (p = y)"]
    assert right == 0 and broadcast > 1.5                       # ~ 2 var(y) = 2
    assert "expected target of shape" in ns["refused"]
    # the GRU with r = 0: torch's reset-after-matmul removes W_hn and b_hn, not h_0
    assert ns["reset_zero"]["W_hn"] == ns["reset_zero"]["b_hn"] == 0
    assert ns["reset_zero"]["h_0"] > 0


def test_02_gradcheck_and_truncation(run_notebook):
    ns = run_notebook("02_bptt_and_gradcheck.py")
    assert ns["reports"] and all(r.ok for r in ns["reports"].values()), \
        {k: str(r) for k, r in ns["reports"].items() if not r.ok}
    assert ns["trunc_diff"] < 1e-9
    assert ns["zero_before_cut"]
    for name, norms in ns["reach"].items():
        assert norms[0] < norms[-1], name                       # untrained cells forget
    assert ns["forget_gain"] > 10                               # forget bias 1 remembers
    assert (pathlib.Path.cwd() / "02_gradient_reach.png").stat().st_size > 0


def test_03_assignments(run_notebook):
    ns = run_notebook("03_assignments.py")
    assert set(ns["timing"]) == {"rnn", "lstm", "gru"} and min(ns["timing"].values()) > 0
    assert all(len(v) == len(ns["lengths"]) for v in ns["scaling"].values())
    # assignment 3: Xavier's bound, and an orthogonal W_hh has every |eigenvalue| = 1
    assert np.abs(ns["w"]).max() <= ns["bound"]
    assert abs(ns["init_stats"]["orthogonal"][1] - 1) < 1e-9
    assert ns["init_stats"]["default"][0] < ns["init_stats"]["xavier_uniform"][0]
    assert all(np.isfinite(r).all() for r in ns["init_runs"].values())
    assert ns["lstm_ratio"] < ns["rnn_ratio"]           # Xavier on (4H, H): fan_out = 4H
    # assignment 4: the gradient each clipped step used has norm <= max_norm
    assert ns["clipped_norms"] and max(ns["clipped_norms"]) <= 1.0 + 1e-6
    assert np.linalg.norm(ns["below"]) < ns["N_raw"] / 4                 # a hair under
    for name, run in ns["clip_runs"].items():
        assert run.shape == (ns["steps"], 2), name
        if "clip" in name:
            assert np.isfinite(run).all(), name
    assert 0 <= ns["truncation_effect"] < 1
    assert (pathlib.Path.cwd() / "03_clipping.png").stat().st_size > 0
