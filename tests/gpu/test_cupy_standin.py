"""backend='cupy' on a CPU stand-in for CuPy (tests/fakecupy.py): the GPU path's code is
namespace-clean, gives NumPy's numbers, and moves data to the device once per run.

The stand-in runs NumPy underneath but raises where CuPy would fail or silently copy:
a NumPy call on a device array, a host array in device arithmetic, an implicit copy to the
host. A planted `np.` call in a cell is caught (the check can fail). What it cannot show:
speed, CUDA itself, and CuPy's own numerics (scripts/gpu_check.sh on a real GPU).
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from twins import as_tuple, full_configs, randomize

import fakecupy
import scratchrnn.cells.gru as gru_cell
import scratchrnn.engine.kernels.lstm as lstm_kernel
import scratchrnn.nn as snn
from scratchrnn import init, optim
from scratchrnn.cli import main
from scratchrnn.losses import MSELoss
from scratchrnn.models import GRUModel, LSTMModel
from scratchrnn.train import train


@pytest.fixture(scope="module")
def cp():
    with pytest.MonkeyPatch.context() as mp:
        yield fakecupy.install(mp)


def test_the_stand_in_is_strict(cp):
    a = cp.asarray(np.ones((2, 3)))
    with pytest.raises(TypeError):
        np.tanh(a)                               # a NumPy ufunc on a device array
    with pytest.raises(TypeError):
        np.concatenate([a, a])                   # a NumPy function
    with pytest.raises(TypeError):
        np.asarray(a)                            # an implicit copy to the host
    with pytest.raises(TypeError):
        a * np.ones(3)                           # a host array in device arithmetic
    with pytest.raises(TypeError):
        cp.add(a, np.ones(3))
    with pytest.raises(TypeError):
        a[0] = np.ones(3)                        # a silent host -> device copy
    np.testing.assert_array_equal((cp.tanh(a) * 2 - 1).get(), np.tanh(np.ones((2, 3))) * 2 - 1)


def _layer_run(backend, engine, mode, cfg, run):
    rng = np.random.default_rng(run["seed"])
    layer = getattr(snn, mode)(**cfg, dtype="float64", seed=run["seed"], engine=engine,
                               backend=backend)
    randomize(layer, rng)
    x = rng.normal(size=(run["T"], run["B"], cfg["input_size"]))
    out, hn = layer.forward(x, last_only=run["last_only"])
    d_out = rng.normal(size=out.shape)
    d_hn = tuple(rng.normal(size=h.shape) for h in as_tuple(hn))
    dx, dhx = layer.backward(d_out, d_hn if mode == "LSTM" else d_hn[0],
                             truncate=run["truncate"])
    host = lambda a: a.get() if hasattr(a, "get") else a  # noqa: E731
    named = {"output": out, "input.grad": dx, **{f"state{k}": h for k, h in
                                                   enumerate(as_tuple(hn))},
             **{f"state{k}.grad": g for k, g in enumerate(as_tuple(dhx))},
             **{f"{k}.grad": g for k, g in layer.grads.items()}}
    return {k: host(v) for k, v in named.items()}


@given(st.sampled_from(["plain", "fast"]), full_configs())
def test_layers_on_the_stand_in_give_numpys_numbers(cp, engine, config):
    """Both engines, every option: the CuPy path computes exactly what the NumPy path does
    (which test_layers_vs_torch.py proves against torch)."""
    mode, cfg, run = config
    ours = _layer_run("cupy", engine, mode, cfg, run)
    ref = _layer_run("numpy", engine, mode, cfg, run)
    for name, value in ref.items():
        np.testing.assert_allclose(ours[name], value, rtol=1e-12, atol=1e-14,
                                   err_msg=f"{name} {engine} {config}")


@pytest.mark.parametrize("engine", ["plain", "fast"])
def test_a_planted_numpy_call_in_a_cell_is_caught(cp, monkeypatch, engine):
    """The check can fail: np.tanh instead of the namespace's tanh, in the lesson's GRU
    cell and in the fast engine's LSTM kernel."""
    monkeypatch.setattr(gru_cell, "tanh", np.tanh)
    monkeypatch.setattr(lstm_kernel, "tanh", np.tanh)
    layer = (snn.GRU if engine == "plain" else snn.LSTM)(2, 3, engine=engine, backend="cupy")
    with pytest.raises(TypeError, match="ufunc|NumPy"):
        layer.forward(np.zeros((4, 2, 2), np.float32))


@pytest.mark.parametrize("name, kwargs", [
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01)),
])
def test_optimizers_clipping_and_init_on_the_stand_in(cp, name, kwargs):
    runs = []
    for backend in ("numpy", "cupy"):
        model = LSTMModel(1, 4, 1, dtype="float64", seed=0, backend=backend,
                          init="xavier_uniform")
        opt, loss = getattr(optim, name)(model, **kwargs), MSELoss()
        x = np.random.default_rng(1).normal(size=(6, 5, 1))
        y = np.random.default_rng(2).normal(size=(6, 1))
        norms = []
        for _ in range(4):
            opt.zero_grad()
            loss.forward(model.forward(x), y)
            model.backward(loss.backward())
            norms.append(optim.clip_grad_norm_(model, 0.1))
            optim.clip_grad_value_(model, 0.05)
            opt.step()
        runs.append((norms, model.state_dict()))
    np.testing.assert_allclose(runs[1][0], runs[0][0], rtol=1e-12)
    for k, v in runs[0][1].items():
        np.testing.assert_allclose(runs[1][1][k], v, rtol=1e-12, err_msg=k)


def test_init_schemes_fill_device_arrays(cp):
    w = cp.zeros((6, 3))
    init.orthogonal_(w, rng=0)
    host = np.zeros((6, 3))
    init.orthogonal_(host, rng=0)
    np.testing.assert_array_equal(w.get(), host)


@pytest.mark.parametrize("batch_size", [None, 4])
def test_training_moves_the_data_once_per_run(cp, batch_size):
    """The trainer copies X and y to the device once, whatever the number of epochs."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(10, 6, 1)), rng.normal(size=(10, 1))
    copies, results = [], []
    for epochs in (2, 6):
        model = GRUModel(1, 3, 1, dtype="float64", seed=0, backend="cupy")
        cp.TRANSFERS.clear()
        res = train(model, X, y, X[:4], y[:4], epochs=epochs, lr=0.01, batch_size=batch_size,
                    progress=False)
        copies.append(cp.TRANSFERS["to_device"])
        results.append(res.history.train_loss)
    assert copies[0] == copies[1], copies
    host = GRUModel(1, 3, 1, dtype="float64", seed=0)
    ref = train(host, X, y, X[:4], y[:4], epochs=6, lr=0.01, batch_size=batch_size,
                progress=False)
    np.testing.assert_allclose(results[1], ref.history.train_loss, rtol=1e-12)


@pytest.mark.parametrize("engine", ["plain", "fast"])
def test_scratchrnn_run_with_backend_cupy(cp, tmp_path, engine):
    """`scratchrnn run --backend cupy --quick` end to end: data, training, report."""
    out = tmp_path / "run"
    code = main(["run", "--backend", "cupy", "--engine", engine, "--quick", "--impl",
                 "scratch", "--models", "gru", "--hidden", "4", "--epochs", "3", "--quiet",
                 "--out", str(out)])
    assert code == 0
    assert "backend cupy" in (out / "report.md").read_text()
