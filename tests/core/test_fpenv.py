"""set_flush_denormal: denormals become zero in this thread and in scratchrnn's workers."""
import numpy as np
import pytest

import scratchrnn
import scratchrnn.engine.fpenv as fpenv
import scratchrnn.engine.parallel as parallel
import scratchrnn.engine.workers as workers
import scratchrnn.nn as snn

needs_x86 = pytest.mark.skipif(not fpenv.supported(), reason="x86-64 Linux only")
TINY = np.float32(1e-37)  # normal; halved a few times it becomes denormal (< 1.2e-38)


@pytest.fixture
def flushing():
    assert scratchrnn.set_flush_denormal(True)
    yield
    scratchrnn.set_flush_denormal(False)


@needs_x86
def test_flush_mode_is_set_read_and_undone():
    assert not scratchrnn.get_flush_denormal()
    assert np.multiply(TINY, np.float32(0.01)) > 0             # a denormal, kept
    assert scratchrnn.set_flush_denormal(True)
    try:
        assert scratchrnn.get_flush_denormal()
        assert np.multiply(TINY, np.float32(0.01)) == 0        # flushed to zero
    finally:
        assert scratchrnn.set_flush_denormal(False)
    assert not scratchrnn.get_flush_denormal()
    assert np.multiply(TINY, np.float32(0.01)) > 0


def _shrinking_rnn(B):
    """h_t = relu(0.5 h_{t-1}): from h_0 = 1e-37, denormal after 4 steps, 0 if flushed."""
    layer = snn.RNN(1, 3, nonlinearity="relu", dtype="float32", seed=0)
    layer.load_state_dict({"weight_ih_l0": np.zeros((3, 1)), "weight_hh_l0": 0.5 * np.eye(3),
                           "bias_ih_l0": np.zeros(3), "bias_hh_l0": np.zeros(3)})
    return layer, np.zeros((12, B, 1), np.float32), np.full((1, B, 3), TINY, np.float32)


@needs_x86
@pytest.mark.parametrize("where", ["here", "workers"])
def test_scratchrnn_workers_follow_the_caller(monkeypatch, where):
    monkeypatch.setattr(parallel, "_num_threads", 1 if where == "here" else 2)
    monkeypatch.setattr(workers, "SHARE_WORK", 1 if where == "workers" else 10 ** 15)
    monkeypatch.setattr(workers, "MIN_ROWS", 8)
    layer, x, h0 = _shrinking_rnn(32)
    _, h_kept = layer.forward(x, h0)
    assert (h_kept > 0).all()                                  # denormal, not zero
    scratchrnn.set_flush_denormal(True)
    try:
        _, h_flushed = layer.forward(x, h0)
    finally:
        scratchrnn.set_flush_denormal(False)
    cache = layer._cache.directions[0][0].run
    assert isinstance(cache, workers.SharedCache) == (where == "workers")
    np.testing.assert_array_equal(h_flushed, 0)                # every row, every share


def test_unsupported_machines_change_nothing(monkeypatch):
    monkeypatch.setattr(fpenv, "_LIBM", None)
    assert scratchrnn.set_flush_denormal(True) is False
    assert scratchrnn.get_flush_denormal() is False
