"""The fast engine's own paths: stale caches, the engine a backward runs on, engine choice."""
import numpy as np
import pytest

import scratchrnn
import scratchrnn.bptt as plain
import scratchrnn.engine as engine
import scratchrnn.engine.parallel as parallel
import scratchrnn.nn as snn
from scratchrnn.cells import CELLS


def _direction(rng, H=4, I=2, B=3):
    p = {"w_ih": rng.normal(size=(4 * H, I)), "w_hh": rng.normal(size=(4 * H, H)),
         "b_ih": rng.normal(size=4 * H), "b_hh": rng.normal(size=4 * H), "w_hr": None}
    return p, (np.zeros((B, H)), np.zeros((B, H)))


def _grads(p):
    return {k: None if v is None else np.zeros_like(v) for k, v in p.items()}


def test_a_stale_fast_cache_is_refused():
    """Two forwards on one Workspace: the first cache's buffers now hold the second's."""
    rng = np.random.default_rng(5)
    p, state0 = _direction(rng)
    ws, lstm = engine.Workspace(), engine.KERNELS["LSTM"]
    x1, x2, dout = (rng.normal(size=(5, 3, 2)), rng.normal(size=(5, 3, 2)),
                    rng.normal(size=(5, 3, 4)))
    _, _, first = engine.direction_forward(lstm, x1, state0, p, workspace=ws)
    engine.direction_forward(lstm, x2, state0, p, workspace=ws)
    with pytest.raises(RuntimeError, match="stale cache"):
        engine.direction_backward(lstm, dout, (np.zeros((3, 4)),) * 2, first, p, _grads(p))


def test_an_old_plain_cache_stays_correct():
    """The lesson's caches are values: a later forward changes nothing in them."""
    rng = np.random.default_rng(6)
    p, state0 = _direction(rng)
    lstm, dstate = CELLS["LSTM"], (np.zeros((3, 4)),) * 2
    x1, x2, dout = (rng.normal(size=(5, 3, 2)), rng.normal(size=(5, 3, 2)),
                    rng.normal(size=(5, 3, 4)))
    _, _, first = plain.direction_forward(lstm, x1, state0, p)
    fresh = _grads(p)
    dx_fresh, _ = plain.direction_backward(lstm, dout, dstate, first, p, fresh)
    plain.direction_forward(lstm, x2, state0, p)
    old = _grads(p)
    dx_old, _ = plain.direction_backward(lstm, dout, dstate, first, p, old)
    np.testing.assert_array_equal(dx_old, dx_fresh)
    np.testing.assert_array_equal(old["w_hh"], fresh["w_hh"])


def test_a_layer_backward_runs_on_the_engine_of_its_forward():
    rng = np.random.default_rng(7)
    layer = snn.GRU(2, 4, dtype="float64", seed=0, engine="plain")
    x, g = rng.normal(size=(5, 3, 2)), rng.normal(size=(5, 3, 4))
    layer.forward(x)
    layer.engine = "fast"                      # switched between forward and backward
    dx, _ = layer.backward(g)
    ref = snn.GRU(2, 4, dtype="float64", seed=0, engine="plain")
    ref.forward(x)
    np.testing.assert_array_equal(dx, ref.backward(g)[0])


def test_engine_selection_default_and_errors():
    assert scratchrnn.get_engine() == "fast"
    layer = snn.LSTM(1, 3)
    try:
        scratchrnn.set_engine("plain")
        assert layer.engine == "plain"         # None follows the default at each call
        assert snn.LSTM(1, 3, engine="fast").engine == "fast"
    finally:
        scratchrnn.set_engine("fast")
    with pytest.raises(ValueError, match="engine must be one of"):
        scratchrnn.set_engine("turbo")
    with pytest.raises(ValueError, match="engine must be one of"):
        scratchrnn.set_engine(None)
    with pytest.raises(ValueError, match="engine must be one of"):
        snn.RNN(1, 3, engine="Plain")


def test_set_num_threads_validates():
    with pytest.raises(ValueError, match="positive int"):
        parallel.set_num_threads(0)


def test_threads_context_sets_and_restores(monkeypatch):
    monkeypatch.setattr(parallel, "_num_threads", None)
    default = parallel.get_num_threads()
    with parallel.threads(1):
        assert parallel.get_num_threads() == 1
    assert parallel.get_num_threads() == default


def test_blas_threads_sets_and_restores_numpys_blas(monkeypatch):
    from threadpoolctl import threadpool_info

    def blas():
        return [d["num_threads"] for d in threadpool_info() if d["user_api"] == "blas"]
    with parallel.blas_threads(2):
        assert blas() and set(blas()) == {2}
        with parallel.blas_threads(1):
            assert set(blas()) == {1}
            sets = []
            for lib in parallel._controller:   # already there: nothing is set, or reset
                monkeypatch.setattr(lib, "set_num_threads", sets.append)
            with parallel.blas_threads(1):
                pass
            assert sets == []
            monkeypatch.undo()
            assert set(blas()) == {1}
        assert set(blas()) == {2}


def test_blas_is_warmed_once_per_process_before_the_first_loop(monkeypatch):
    """docs/performance.md, step 14: one larger product before the engine's first loop."""
    calls = []
    monkeypatch.setattr(parallel, "_controller", None)          # as in a new process
    monkeypatch.setattr(parallel, "warm_blas", lambda: calls.append(1))
    with parallel.blas_threads(1):
        with parallel.blas_threads(1):
            pass
    with parallel.blas_threads(2):
        pass
    assert calls == [1]


def test_the_warm_up_reaches_numpys_blas_and_scipys(monkeypatch):
    """Each BLAS the loops call has a buffer of its own: NumPy's (the step's products) and
    SciPy's (gemm, the weight gradient added step by step), so each gets a warm-up."""
    from scipy.linalg import blas as scipy_blas
    ran = []
    monkeypatch.setattr(parallel.np, "dot", lambda a, b: ran.append(("numpy", a.shape)))
    monkeypatch.setattr(scipy_blas, "sgemm",
                        lambda alpha, a, b: ran.append(("scipy", a.shape)))
    parallel.warm_blas()
    size = (parallel.WARM_SIZE, parallel.WARM_SIZE)
    assert ran == [("numpy", size), ("scipy", size)]


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_numbers_are_what_a_forward_step_writes(mode, monkeypatch):
    """A kernel's NUMBERS (how workers.py weighs its elementwise part) is the size of the
    outputs of its forward step's calls, per hidden unit and sample: counted here."""
    import scratchrnn.engine.kernels.signed as signed
    import scratchrnn.functional as functional
    cell, H, b = engine.KERNELS[mode], 3, 5
    written = []

    class Counting:  # NumPy, counting the numbers each call writes
        def __getattr__(self, name):
            f = getattr(np, name)
            if name in ("ones", "zeros", "empty"):
                return f

            def call(*args, **kwargs):
                written.append(np.size(kwargs.get("out", args[-1])))
                return f(*args, **kwargs)
            return call
    for module in (cell, signed, functional):
        monkeypatch.setattr(module, "namespace_of", lambda *arrays: Counting())
    rng = np.random.default_rng(0)
    R, E = len(cell.LAYOUT), cell.CARRIED
    a = rng.normal(size=(R + E + cell.KEPT, H, b))
    state = (rng.normal(size=(H, b)),) + tuple(a[R:R + E])
    new = tuple(np.empty((H, b)) for _ in state)
    step = cell.bind_forward(a, state, new, np.empty((max(cell.TEMP, 1), H, b)),
                             engine.kernels.StepWeights())
    step()
    assert written and sum(written) == cell.NUMBERS * H * b, written


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_bound_steps_follow_the_buffers_and_the_weights(mode):
    """The fast loop binds its steps once per buffer layout (Workspace.plan). A later
    forward (or backward) with another batch (buffers reallocated, or only reshaped),
    another length, no_grad, or another projection array must not run steps bound to
    old views."""
    rng = np.random.default_rng(8)
    H, I, proj = 4, 2, {"LSTM": 3}.get(mode, 0)
    P = proj or H
    K = {"RNN": 1, "LSTM": 4, "GRU": 3}[mode]
    ws, kernel, cell = engine.Workspace(), engine.KERNELS[mode], CELLS[mode]
    p = {"w_ih": rng.normal(size=(K * H, I)), "w_hh": rng.normal(size=(K * H, P)),
         "b_ih": rng.normal(size=K * H), "b_hh": rng.normal(size=K * H),
         "w_hr": rng.normal(size=(P, H)) if proj else None}
    plans = []
    runs = [(5, 3, True, False), (5, 3, True, False),   # the same layout: bound once
            (5, 3, True, False),                        # (after backward's first buffers)
            (5, 3, True, True),                         # a new projection array
            (7, 3, True, False), (5, 3, True, False),   # longer (buffers grow), shorter
            (5, 6, True, False), (5, 3, True, False),   # a larger batch, a smaller one
            (5, 3, False, False), (7, 3, False, False),  # no_grad (2 steps kept), longer
            (5, 3, True, False)]
    for T, B, keep, new_w_hr in runs:
        if new_w_hr and proj:
            p = {**p, "w_hr": rng.normal(size=(P, H))}            # a new array, same shape
        x = rng.normal(size=(T, B, I))
        state0 = (rng.normal(size=(B, P)),) + ((rng.normal(size=(B, H)),) if mode == "LSTM"
                                               else ())
        ours, state, cache = engine.direction_forward(kernel, x, state0, p, workspace=ws,
                                                      keep=keep)
        ref, ref_state, ref_cache = plain.direction_forward(cell, x, state0, p)
        np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14)
        for a, b in zip(state, ref_state):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
        plans.append(ws._plans["forward"][1])
        if keep:
            dout, dstate = rng.normal(size=ours.shape), tuple(rng.normal(size=s.shape)
                                                              for s in state)
            grads, ref_grads = _grads(p), _grads(p)
            dx, dstate0 = engine.direction_backward(kernel, dout, dstate, cache, p, grads)
            ref_dx, ref_dstate0 = plain.direction_backward(cell, dout, dstate, ref_cache, p,
                                                          ref_grads)
            for a, b in [(dx, ref_dx), *zip(dstate0, ref_dstate0),
                         *((grads[k], ref_grads[k]) for k in p if p[k] is not None)]:
                np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert plans[2] is plans[1]


@pytest.mark.parametrize("F, b", [(9, 4), (4, 9), (6, 6)])  # one product; batched; batched
def test_the_weight_gradient_is_the_sum_of_each_steps_product(F, b):
    """loop.weight_gradient takes one of two ways by the shape (F > b or not); each is
    sum_t da_t z_t^T, the lesson's sum of one outer product a step."""
    from scratchrnn.engine.loop import weight_gradient
    rng = np.random.default_rng(F * 10 + b)
    da, z = rng.normal(size=(7, 5, b)), rng.normal(size=(7, F, b))
    expected = sum(da[t] @ z[t].T for t in range(7))
    np.testing.assert_allclose(weight_gradient(da, z), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode, rows_with_h", [("RNN", 1), ("LSTM", 4), ("GRU", 3)])
def test_a_steps_products_leave_out_the_rows_that_read_no_h(mode, rows_with_h, monkeypatch):
    """The GRU's W_in x + b_in reads no h: a forward step multiplies 3H rows by
    [h; x; 1] and H rows by [x; 1] only, not 4H rows by all of it (performance.md, step 16).
    Counted in multiply-adds of the loop's products, against each model's own count."""
    import scratchrnn.engine.loop as loop
    cell, T, B, I, H = engine.KERNELS[mode], 3, 5, 2, 4
    K, F = cell.GATES, H + I + 1
    assert loop.h_blocks(cell) == rows_with_h
    rng = np.random.default_rng(1)
    p = {"w_ih": rng.normal(size=(K * H, I)), "w_hh": rng.normal(size=(K * H, H)),
         "b_ih": rng.normal(size=K * H), "b_hh": rng.normal(size=K * H), "w_hr": None}
    state0 = (np.zeros((B, H)),) * (1 + cell.CARRIED)
    macs, dot = [], np.dot

    def counting_dot(a, b, out=None):        # the loop's products write into `out`
        if out is not None:                  # (not so the BLAS warm-up's, parallel.py)
            macs.append(a.shape[0] * a.shape[1] * b.shape[1])
        return dot(a, b, out)
    monkeypatch.setattr(np, "dot", counting_dot)
    engine.direction_forward(cell, rng.normal(size=(T, B, I)), state0, p, keep=False)
    read_no_h = len(cell.LAYOUT) - rows_with_h
    assert sum(macs) == T * B * H * (rows_with_h * F + read_no_h * (I + 1))


def test_blocks_that_read_no_h_must_come_last():
    import types

    import scratchrnn.engine.loop as loop
    cell = types.SimpleNamespace(__name__="odd", LAYOUT=((None, 0), (0, 1)))
    with pytest.raises(ValueError, match="must come first"):
        loop.h_blocks(cell)
