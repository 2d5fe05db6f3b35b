"""backend='cupy' on a CPU stand-in for CuPy (tests/fakecupy.py): the GPU path's code is
namespace-clean, gives NumPy's numbers, and moves data to the device once per run.

The stand-in runs NumPy underneath but raises where CuPy would fail or silently copy:
a NumPy call on a device array, a host array in device arithmetic, an implicit copy to the
host. A planted `np.` call in a cell is caught (the check can fail). The fast engine's
fused kernels (engine/kernels/fused.py) run here through the stand-in's `fuse`, which
allows only what cupy.fuse compiles; a term dropped from one of them is caught. What it
cannot show: speed, CUDA itself, cupy.fuse's compiler and CuPy's own numerics
(scripts/gpu_check.sh on a real GPU).
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from twins import as_tuple, full_configs, randomize

import fakecupy
import scratchrnn.cells.gru as gru_cell
import scratchrnn.engine.direction as direction
import scratchrnn.engine.kernels.fused as fused
import scratchrnn.engine.workers as workers
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
    fused_calls = sum(cp.FUSED.values())
    ours = _layer_run("cupy", engine, mode, cfg, run)
    fused_here = sum(cp.FUSED.values()) > fused_calls     # the fused kernels ran
    assert fused_here == (engine == "fast" and mode != "RNN"), (engine, mode)
    ref = _layer_run("numpy", engine, mode, cfg, run)
    for name, value in ref.items():
        np.testing.assert_allclose(ours[name], value, rtol=1e-12, atol=1e-14,
                                   err_msg=f"{name} {engine} {config}")


@pytest.mark.parametrize("engine", ["plain", "fast"])
def test_a_planted_numpy_call_in_a_cell_is_caught(cp, monkeypatch, engine):
    """The check can fail: np.tanh instead of the namespace's tanh, in the lesson's GRU
    cell and in the fast engine's LSTM step (its fused kernel, which CuPy runs)."""
    monkeypatch.setattr(gru_cell, "tanh", np.tanh)
    monkeypatch.setattr(fused, "tanh", np.tanh)
    layer = (snn.GRU if engine == "plain" else snn.LSTM)(2, 3, engine=engine, backend="cupy")
    with pytest.raises(TypeError, match="ufunc|NumPy"):
        layer.forward(np.zeros((4, 2, 2), np.float32))


def test_the_stand_in_fuse_allows_what_cupy_fuse_compiles(cp):
    """In place on arguments, new arrays returned, and CuPy's refusals (or a GPU's races)."""
    x, y, big = cp.asarray(np.arange(6.0).reshape(2, 3)), cp.ones((2, 3)), cp.zeros((4, 3))

    @cp.fuse(kernel_name="axpy")
    def axpy(x, y):
        y[...] = 2 * x + y                                  # written back into y
        cp.multiply(x, -1, out=x)                           # ufunc with out=: into x
        return cp.exp(x), x + y
    e, total = axpy(x, y)
    np.testing.assert_array_equal(y.get(), 2 * np.arange(6.0).reshape(2, 3) + 1)
    np.testing.assert_array_equal(x.get(), -np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(e.get(), np.exp(x.get()))
    assert cp.FUSED["axpy"] == 1 and type(total) is cp.ndarray
    refused = {
        "shape": (lambda a, b: a.shape, TypeError),
        "matmul": (lambda a, b: cp.matmul(a, b), TypeError),        # not elementwise
        "empty_like": (lambda a, b: cp.empty_like(a), TypeError),
        "captured": (lambda a, b: a + big, TypeError),             # not an argument
        "python if": (lambda a, b: a if a > 0 else b, TypeError),
        "slicing": (lambda a, b: a[0], TypeError),
        "partial write": (lambda a, b: a.__setitem__(0, b), ValueError),
        "numpy ufunc": (lambda a, b: np.tanh(a), TypeError),
    }
    for what, (body, error) in refused.items():
        with pytest.raises(error):
            cp.fuse(kernel_name="refused")(body)(x, y)
            pytest.fail(f"{what} was allowed")
    with pytest.raises(ValueError, match="kernel name"):
        cp.fuse(lambda a, b: a + b)(x, y)                  # CuPy names kernels after fn
    with pytest.raises(TypeError):
        axpy(x, y=y)                                        # arguments by position only
    with pytest.raises(TypeError):
        axpy(x, np.ones((2, 3)))                            # a host array
    race = cp.fuse(kernel_name="race")(lambda a, b: b.__iadd__(a))
    with pytest.raises(ValueError, match="broadcast"):
        race(big, cp.ones(3))                               # each b[j] written by 4 threads
    with pytest.raises(ValueError, match="overlaps"):
        race(big[:2], big[1:3])


def test_the_fast_engine_fuses_lstm_and_gru_steps_on_cupy_only(cp, monkeypatch):
    """One fused kernel call per step, forward and backward, each direction and layer;
    none for the RNN (one call a step already), the plain engine, or NumPy arrays; and
    with fusing off (fused.ENABLED) CuPy runs the kernels' own lines, same numbers."""
    T, L, D = 5, 2, 2
    cfg = dict(input_size=2, hidden_size=3, num_layers=L, bidirectional=True)
    run = dict(seed=0, T=T, B=4, last_only=False, truncate=None)
    for mode, cfg_extra, kernel in [("LSTM", {}, "lstm"), ("LSTM", {"proj_size": 2}, "lstm"),
                                    ("GRU", {}, "gru")]:
        cp.FUSED.clear()
        ours = _layer_run("cupy", "fast", mode, {**cfg, **cfg_extra}, run)
        assert cp.FUSED == {f"{kernel}_forward": T * L * D, f"{kernel}_backward": T * L * D}
        ref = _layer_run("numpy", "fast", mode, {**cfg, **cfg_extra}, run)
        monkeypatch.setattr(fused, "ENABLED", False)
        unfused = _layer_run("cupy", "fast", mode, {**cfg, **cfg_extra}, run)
        monkeypatch.setattr(fused, "ENABLED", True)
        # the same operations in the same order: equal here (a GPU's exp and FMA: ~ulps)
        for name, value in ref.items():
            np.testing.assert_array_equal(ours[name], value, err_msg=name)
            np.testing.assert_array_equal(unfused[name], value, err_msg=name)
    cp.FUSED.clear()
    _layer_run("cupy", "fast", "RNN", cfg, run)
    _layer_run("cupy", "plain", "LSTM", cfg, run)
    _layer_run("numpy", "fast", "GRU", cfg, run)
    assert not cp.FUSED


def _drop_carried_cell_gradient(dm, dc_next, i, f, g, c_prev, tanh_c, s_o, s_i, s_f, s_g,
                                s_c, do, di, df, dg, dc_prev):
    dc = dm * s_c                                           # planted: + dc_next dropped
    do[...] = dm * tanh_c * s_o
    di[...] = dc * g * s_i
    df[...] = dc * c_prev * s_f
    dg[...] = dc * i * s_g
    dc_prev[...] = dc * f


def _drop_reset_gate(r, z, gh, n, h_prev, h):
    r[...] = fused.sigmoid_of_minus(r)
    z[...] = fused.sigmoid_of_minus(z)
    n[...] = fused.tanh(n)                                  # planted: + r * gh dropped
    h[...] = (h_prev - n) * z + n


def _drop_forget_gate(o, i, f, g, c_prev, c, tanh_c, m):
    o[...] = fused.sigmoid_of_minus(o)
    i[...] = fused.sigmoid_of_minus(i)
    f[...] = fused.sigmoid_of_minus(f)
    g[...] = fused.tanh(g)
    c[...] = i * g + c_prev                                 # planted: f * c_prev -> c_prev
    tanh_c[...] = fused.tanh(c)
    m[...] = o * tanh_c


def _drop_direct_path(dh, r, z, s_z, s_n, s_r, da_r, da_z, da_gh, da_n, direct):
    da_z[...] = dh * s_z
    da_n[...] = dh * s_n
    da_r[...] = da_n * s_r
    da_gh[...] = da_n * r
    direct[...] = dh * 0                                    # planted: dh * z -> 0


@pytest.mark.parametrize("mode, name, planted, wrong", [
    ("LSTM", "lstm_backward", _drop_carried_cell_gradient, "weight_hh_l0.grad"),
    ("LSTM", "lstm_forward", _drop_forget_gate, "output"),
    ("GRU", "gru_forward", _drop_reset_gate, "output"),
    ("GRU", "gru_backward", _drop_direct_path, "input.grad"),
])
def test_a_term_dropped_from_a_fused_kernel_is_caught(cp, monkeypatch, mode, name, planted,
                                                      wrong):
    """The parity check can fail: a fused kernel with one term missing (the stand-in runs
    it as the fast engine's step) gives numbers NumPy's kernels do not."""
    monkeypatch.setattr(fused, name, planted)
    cfg = dict(input_size=2, hidden_size=3, num_layers=1)
    run = dict(seed=1, T=4, B=3, last_only=False, truncate=None)
    ours = _layer_run("cupy", "fast", mode, cfg, run)
    ref = _layer_run("numpy", "fast", mode, cfg, run)
    assert cp.FUSED[planted.__name__] == 4                  # the planted kernel ran
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(ours[wrong], ref[wrong], rtol=1e-12, atol=1e-14)


def test_no_worker_process_on_the_cupy_path(cp, monkeypatch):
    """With cores and work to share, NumPy hands rows to workers; CuPy runs one block."""
    shared = []
    monkeypatch.setattr(direction, "get_num_threads", lambda: 4)
    monkeypatch.setattr(workers, "SHARE_WORK", 1)
    monkeypatch.setattr(workers, "MIN_ROWS", 1)
    monkeypatch.setattr(workers, "forward", lambda rows, *a: shared.append(rows))  # -> None:
    cfg = dict(input_size=2, hidden_size=3)                 # the loop runs it all here
    run = dict(seed=2, T=3, B=8, last_only=False, truncate=None)
    _layer_run("numpy", "fast", "GRU", cfg, run)
    assert len(shared) == 1 and len(shared[0]) == 4         # the check can fail
    _layer_run("cupy", "fast", "GRU", cfg, run)
    assert len(shared) == 1
    assert workers.shares(8, 10**12, 4, cp) == [slice(0, 8)]


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
