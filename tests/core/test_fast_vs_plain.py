"""The fast engine computes what the lesson computes, over the whole option space.

Every option a layer has (layers, directions, batch_first, bias, dropout, projection,
unbatched input, a given h0, truncated BPTT, last-step-only output, relu/tanh), and the
worker-process path: outputs, states and every gradient within 1e-9 relative (float64).
The torch side of each engine is proven in test_layers_vs_torch.py and its neighbours.
"""
import numpy as np
import pytest
from hypothesis import given
from twins import as_tuple, assert_pairs_close, full_configs, randomize

import scratchrnn.engine.parallel as parallel
import scratchrnn.engine.workers as workers
import scratchrnn.nn as snn


def _inputs(layer, run, rng):
    T, B, n = run["T"], run["B"], layer.num_directions * layer.num_layers
    batch = () if run["unbatched"] else (B,)
    x = rng.normal(size=(T, *batch, layer.input_size))
    if layer.batch_first and not run["unbatched"]:
        x = x.transpose(1, 0, 2).copy()
    shapes = [(n, *batch, layer.out_size), (n, *batch, layer.hidden_size)]
    states = tuple(rng.normal(size=s) for s in shapes[:2 if layer.mode == "LSTM" else 1])
    hx = None if not run["give_hx"] else (states if layer.mode == "LSTM" else states[0])
    return x, hx


def _run(engine, mode, cfg, run):
    """Forward + backward with random upstream gradients on every output -> named arrays."""
    rng = np.random.default_rng(run["seed"])
    layer = getattr(snn, mode)(**cfg, dtype="float64", seed=run["seed"], engine=engine)
    randomize(layer, rng)
    x, hx = _inputs(layer, run, rng)
    out, hn = layer.forward(x, hx, last_only=run["last_only"])
    d_out = rng.normal(size=out.shape)
    d_hn = tuple(rng.normal(size=h.shape) for h in as_tuple(hn))
    dx, dhx = layer.backward(d_out, d_hn if mode == "LSTM" else d_hn[0],
                             truncate=run["truncate"])
    named = {"output": out, "input.grad": dx}
    named.update({f"state{k}": h for k, h in enumerate(as_tuple(hn))})
    named.update({f"state{k}.grad": g for k, g in enumerate(as_tuple(dhx))})
    named.update({f"{k}.grad": g for k, g in layer.grads.items()})
    return named, layer


def _pairs(mode, cfg, run):
    (fast, fast_layer), (plain, _) = _run("fast", mode, cfg, run), _run("plain", mode, cfg, run)
    assert fast.keys() == plain.keys()
    return {k: (fast[k], plain[k]) for k in fast}, fast_layer


@given(full_configs())
def test_fast_equals_plain_in_float64(config):
    assert_pairs_close(_pairs(*config)[0], 1e-9, config)


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_fast_with_worker_processes_equals_plain(monkeypatch, mode):
    """Shares of the batch in a worker process: still the lesson's numbers."""
    monkeypatch.setattr(parallel, "_num_threads", 2)
    monkeypatch.setattr(workers, "SHARE_WORK", 1)
    monkeypatch.setattr(workers, "MIN_ROWS", 4)
    cfg = dict(input_size=2, hidden_size=5, num_layers=2, dropout=0.3, batch_first=True,
               **(dict(proj_size=3) if mode == "LSTM" else {}))
    run = dict(T=7, B=19, unbatched=False, give_hx=True, last_only=True, truncate=4, seed=3)
    pairs, fast_layer = _pairs(mode, cfg, run)
    assert isinstance(fast_layer._cache.directions[0][0].run, workers.SharedCache)
    assert_pairs_close(pairs, 1e-9, (mode, cfg, run))


def test_workers_add_the_weight_gradient_step_by_step_too(monkeypatch):
    """A layer large enough for the step-by-step dW (loop.STEP_DW_MIN), shared with a worker
    process, whose loop cannot be patched from here."""
    import scratchrnn.engine.loop as loop
    monkeypatch.setattr(parallel, "_num_threads", 2)
    monkeypatch.setattr(workers, "SHARE_WORK", 1)
    monkeypatch.setattr(workers, "MIN_ROWS", 4)
    cfg = dict(input_size=1, hidden_size=32)
    assert 4 * 32 * (32 + 1 + 1) >= loop.STEP_DW_MIN             # LSTM: R*H * F
    run = dict(T=5, B=9, unbatched=False, give_hx=False, last_only=True, truncate=None,
               seed=4)
    pairs, fast_layer = _pairs("LSTM", cfg, run)
    assert isinstance(fast_layer._cache.directions[0][0].run, workers.SharedCache)
    assert_pairs_close(pairs, 1e-9, ("LSTM", cfg, run))


@given(full_configs())
def test_fast_equals_plain_with_the_slopes_in_blocks_of_two_steps(config):
    """Backward computes the slopes a block of steps at a time (loop.SLOPE_STEPS); the
    hypothesis segments (T <= 6) fit in one block of the real size, so here blocks of two
    steps: several blocks, the last one short when T is odd, and truncation inside one."""
    from unittest import mock

    import scratchrnn.engine.loop as loop
    with mock.patch.object(loop, "SLOPE_STEPS", 2):
        assert_pairs_close(_pairs(*config)[0], 1e-9, config)


@given(full_configs())
def test_fast_equals_plain_with_the_weight_gradient_added_step_by_step(config):
    """From a dW of loop.STEP_DW_MIN numbers on, backward adds each step's da_t z_t^T into
    dW as it goes (BLAS's gemm); the hypothesis layers are smaller, so here from 0 on.
    Only the GRU's rows that read no h (W_in x + b_in) are summed after the loop."""
    from unittest import mock

    import scratchrnn.engine.loop as loop
    after_the_loop, H = loop.weight_gradient, config[1]["hidden_size"]

    def only_rows_without_h(da, z):                  # one block of H rows, not 3H or 4H
        assert config[0] == "GRU" and da.shape[1] == H, da.shape
        return after_the_loop(da, z)

    with mock.patch.object(loop, "STEP_DW_MIN", 0), \
            mock.patch.object(loop, "weight_gradient", only_rows_without_h):
        assert_pairs_close(_pairs(*config)[0], 1e-9, config)


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_fast_equals_plain_over_several_blocks_of_slopes(mode):
    """A segment of 2 * SLOPE_STEPS + 3 steps, as the engine runs it: three blocks."""
    import scratchrnn.engine.loop as loop
    cfg = dict(input_size=2, hidden_size=4, num_layers=1, bidirectional=True,
               **(dict(proj_size=3) if mode == "LSTM" else {}))
    run = dict(T=2 * loop.SLOPE_STEPS + 3, B=3, unbatched=False, give_hx=True,
               last_only=False, truncate=None, seed=11)
    assert_pairs_close(_pairs(mode, cfg, run)[0], 1e-9, (mode, cfg, run))
