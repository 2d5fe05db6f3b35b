"""Blocks of batch rows on threads give the same numbers as one block."""
import numpy as np
import pytest
from twins import assert_pairs_close, layer_twin_run, randomize

import scratchrnn.nn as snn
import scratchrnn.parallel as parallel


@pytest.fixture
def tiny_blocks(monkeypatch):
    """Force many small blocks (and threads) even on a small batch."""
    monkeypatch.setattr(parallel, "BLOCK_ELEMENTS", 1)
    monkeypatch.setattr(parallel, "MIN_ROWS", 8)
    monkeypatch.setattr(parallel, "_num_threads", 2)
    monkeypatch.setattr(parallel, "_pool", None)


def test_row_blocks_cover_the_batch_once(tiny_blocks):
    blocks = parallel.row_blocks(100, 12, np)
    assert len(blocks) == 14  # 8 rows at least, 13 blocks rounded to a multiple of 2 threads
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


def test_set_num_threads_validates():
    with pytest.raises(ValueError, match="positive int"):
        parallel.set_num_threads(0)
