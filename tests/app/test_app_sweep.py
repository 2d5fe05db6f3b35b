"""The hidden-size sweep: every run, selection by validation loss, torch optional, Ctrl-C."""
import numpy as np
import pytest

from scratchrnn.app import SweepConfig, run_sweep
from scratchrnn.train import TrainConfig
from scratchrnn.app import sweep as sweep_mod


@pytest.fixture
def data(tiny):
    return {**tiny, "n_outputs": 1}


def _cfg(**kw):
    return SweepConfig(models=("rnn", "gru"), hidden_sizes=(3, 5), impls=("scratch", "torch"),
                       train=TrainConfig(epochs=3, lr=1e-2, progress=False),
                       model_kwargs={"dtype": "float64"}, **kw)


def test_sweep_runs_every_combination_from_the_same_initial_weights(data):
    out = run_sweep(data, _cfg())
    keys = [r.key for r in out.runs]
    assert keys == [f"{m}_{i}_h{h}" for m in ("rnn", "gru") for h in (3, 5)
                    for i in ("scratch", "torch")]
    for a, b in zip(out.runs[::2], out.runs[1::2]):              # scratch / torch pairs
        np.testing.assert_allclose(a.history.val_loss, b.history.val_loss, rtol=1e-9)
        np.testing.assert_allclose(a.test_pred, b.test_pred, rtol=1e-9)
    best = out.best("gru", "scratch")
    assert best.history.best_val_loss == min(r.history.best_val_loss for r in out.runs
                                             if r.model == "gru" and r.impl == "scratch")
    assert not out.interrupted and out.notes == []


def test_torch_is_skipped_with_a_note_when_missing(data, monkeypatch):
    monkeypatch.setattr(sweep_mod, "load_reference_trainer", lambda: None)
    out = run_sweep(data, _cfg())
    assert {r.impl for r in out.runs} == {"scratch"} and len(out.runs) == 4
    assert "torch is not installed" in out.notes[0]


def test_ctrl_c_keeps_the_finished_runs(data, monkeypatch):
    real, calls = sweep_mod.train_one, []

    def flaky(*args):
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(sweep_mod, "train_one", flaky)
    seen = []
    out = run_sweep(data, _cfg(), on_run=seen.append)
    assert out.interrupted and len(out.runs) == 1 and seen == out.runs
    assert "interrupted" in out.notes[-1]


def test_bad_sweep_configs():
    with pytest.raises(ValueError, match="unknown model 'transformer'"):
        SweepConfig(models=("transformer",))
    with pytest.raises(ValueError, match="unknown implementation 'jax'"):
        SweepConfig(impls=("jax",))
    with pytest.raises(ValueError, match="hidden sizes must be positive"):
        SweepConfig(hidden_sizes=(0,))
