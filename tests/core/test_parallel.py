"""Blocks of batch rows on threads give the same numbers as one block."""
import numpy as np
import pytest
from twins import assert_pairs_close, layer_twin_run, randomize

import scratchrnn.bptt as bptt
import scratchrnn.nn as snn
import scratchrnn.parallel as parallel


@pytest.fixture
def tiny_blocks(monkeypatch):
    """Force many small blocks (and threads) even on a small batch."""
    monkeypatch.setattr(parallel, "BLOCK_ELEMENTS", 1)
    monkeypatch.setattr(parallel, "MIN_ROWS", 8)
    monkeypatch.setattr(parallel, "PARALLEL_WORK", 1)
    monkeypatch.setattr(parallel, "_num_threads", 2)
    monkeypatch.setattr(parallel, "_pool", None)


def test_row_blocks_cover_the_batch_once(tiny_blocks):
    blocks = parallel.row_blocks(100, 12, 12, np)
    assert len(blocks) == 12  # 13 blocks of 8 rows rounded up to 14, capped at 100 // 8
    covered = np.concatenate([np.arange(100)[b] for b in blocks])
    np.testing.assert_array_equal(covered, np.arange(100))


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_blocked_threaded_layers_match_torch(tiny_blocks, mode):
    rng = np.random.default_rng(0)
    kw = dict(proj_size=3) if mode == "LSTM" else {}
    layer = getattr(snn, mode)(2, 5, num_layers=2, bidirectional=True, dtype="float64",
                               seed=0, **kw)
    randomize(layer, rng)
    x = rng.normal(size=(6, 37, 2))
    hx = tuple(rng.normal(size=s.shape) for s in
               ([np.empty((4, 37, layer.out_size))] +
                ([np.empty((4, 37, 5))] if mode == "LSTM" else [])))
    pairs = layer_twin_run(layer, x, hx if mode == "LSTM" else hx[0], rng, truncate=None)
    assert len(layer._cache.directions[0][0].blocks) > 1
    assert_pairs_close(pairs, 1e-9, mode)


def test_thread_count_does_not_change_results(monkeypatch):
    rng = np.random.default_rng(1)
    layer = snn.GRU(1, 8, dtype="float64", seed=0)
    x = rng.normal(size=(20, 300, 1))
    results = []
    for threads in (1, 2):
        monkeypatch.setattr(parallel, "_num_threads", threads)
        monkeypatch.setattr(parallel, "_pool", None)
        monkeypatch.setattr(parallel, "BLOCK_ELEMENTS", 24 * 50)
        out, _ = layer.forward(x)
        dx, _ = layer.backward(np.ones_like(out))
        results.append((out, dx))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])


def test_small_steps_stay_one_block_and_large_ones_feed_every_thread(monkeypatch):
    monkeypatch.setattr(parallel, "_num_threads", 2)
    # LSTM H=16, I=1: 64 gate rows x 18 columns of W = 1,152 multiply-adds a sample
    assert len(parallel.row_blocks(700, 64, 1152, np)) == 1     # 0.8 M a step: alone
    blocks = parallel.row_blocks(7000, 64, 1152, np)            # 8 M: one block a thread
    assert len(blocks) == 2 and blocks[-1].stop == 7000
    many = parallel.row_blocks(7000, 512, 512 * 130, np)        # 3.6 M gate elements a step
    assert len(many) == 4 and all(b.stop - b.start <= parallel.BLOCK_ELEMENTS // 512
                                  for b in many)


def test_set_num_threads_validates():
    with pytest.raises(ValueError, match="positive int"):
        parallel.set_num_threads(0)


def test_threads_context_sets_and_restores(monkeypatch):
    monkeypatch.setattr(parallel, "_num_threads", None)
    default = parallel.get_num_threads()
    with parallel.threads(1):
        assert parallel.get_num_threads() == 1
    assert parallel.get_num_threads() == default


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_work_handed_to_the_spare_core_matches_torch(monkeypatch, mode):
    """Slopes (forward) and gradient products (backward) computed beside the loop."""
    monkeypatch.setattr(parallel, "_num_threads", 2)
    monkeypatch.setattr(bptt, "ASIDE_SLOPES", 1)
    monkeypatch.setattr(bptt, "CHUNK", 3)                   # T = 11: chunks 3, 3, 3, 2
    rng = np.random.default_rng(3)
    layer = getattr(snn, mode)(2, 5, dtype="float64", seed=0)
    randomize(layer, rng)
    pairs = layer_twin_run(layer, rng.normal(size=(11, 6, 2)), None, rng)
    assert len(layer._cache.directions[0][0].blocks) == 1   # one block: a core to spare
    assert_pairs_close(pairs, 1e-9, mode)


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_backward_after_an_eval_forward_computes_the_slopes_itself(mode):
    rng = np.random.default_rng(4)
    layer = getattr(snn, mode)(2, 5, num_layers=2, dtype="float64", seed=0)
    x, g = rng.normal(size=(7, 3, 2)), rng.normal(size=(7, 3, 5))
    layer.forward(x)
    dx_train, _ = layer.backward(g)
    layer.eval()
    layer.forward(x)
    assert layer._cache.directions[0][0].blocks[0].s is None
    dx_eval, _ = layer.backward(g)
    np.testing.assert_allclose(dx_eval, dx_train, rtol=1e-13, atol=1e-15)
