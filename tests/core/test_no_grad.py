"""scratchrnn.no_grad(), torch's grad mode: the same numbers, nothing kept for backward."""
import numpy as np
import pytest

import scratchrnn
import scratchrnn.engine.parallel as parallel
import scratchrnn.engine.workers as workers
import scratchrnn.nn as snn
from scratchrnn.models import GRUModel
from scratchrnn.train.trainer import predict

pytestmark = pytest.mark.usefixtures("each_engine")  # plain and fast alike

LAYERS = [
    (snn.RNN, dict(nonlinearity="relu", num_layers=2)),
    (snn.LSTM, dict(num_layers=2, bidirectional=True)),
    (snn.LSTM, dict(proj_size=2)),
    (snn.GRU, dict(bidirectional=True)),
]


def _outputs(layer, x):
    out, h_n = layer.forward(x)
    return [out, *(h_n if isinstance(h_n, tuple) else (h_n,))]


@pytest.mark.parametrize("share", [False, True], ids=["one process", "shared with a worker"])
@pytest.mark.parametrize("cls, kw", LAYERS, ids=lambda v: getattr(v, "__name__", str(v)))
def test_no_grad_gives_the_same_outputs_and_states_bit_for_bit(cls, kw, share, monkeypatch):
    if share:
        monkeypatch.setattr(parallel, "_num_threads", 2)
        monkeypatch.setattr(workers, "SHARE_WORK", 1)
        monkeypatch.setattr(workers, "MIN_ROWS", 4)
    layer = cls(3, 5, dtype="float64", seed=0, **kw)
    x = np.random.default_rng(1).normal(size=(7, 9, 3))
    kept = _outputs(layer, x)
    with scratchrnn.no_grad():
        free = _outputs(layer, x)
    for a, b in zip(kept, free):
        np.testing.assert_array_equal(a, b)


def test_backward_after_a_no_grad_forward_says_why():
    layer, model = snn.LSTM(2, 4, seed=0), GRUModel(1, 4, 1, seed=0)
    x = np.zeros((5, 3, 2), np.float32)
    with scratchrnn.no_grad():
        layer.forward(x)
        y = model.forward(np.zeros((3, 5, 1), np.float32))
    with pytest.raises(RuntimeError, match=r"LSTM.backward impossible: .*no_grad"):
        layer.backward(np.zeros((5, 3, 4), np.float32))
    with pytest.raises(RuntimeError, match=r"backward impossible: .*no_grad"):
        model.backward(np.ones_like(y))
    out, _ = layer.forward(x)                              # grad mode is back
    layer.backward(np.ones_like(out))


def test_no_grad_nests_decorates_and_restores():
    @scratchrnn.no_grad()
    def inside():
        return scratchrnn.is_grad_enabled()

    guard = scratchrnn.no_grad()
    with guard:
        with guard:
            assert not scratchrnn.is_grad_enabled()
        assert not scratchrnn.is_grad_enabled()
    assert scratchrnn.is_grad_enabled() and not inside() and scratchrnn.is_grad_enabled()
    with pytest.raises(KeyError), scratchrnn.no_grad():
        raise KeyError("an error inside leaves grad mode as it was")
    assert scratchrnn.is_grad_enabled()


def test_the_fast_engine_keeps_two_steps_under_no_grad():
    """What no_grad buys: the gate buffer of a direction holds 2 steps, not T + 1."""
    T, B, H = 50, 6, 4
    layer = snn.LSTM(1, H, seed=0, engine="fast")
    with scratchrnn.no_grad():
        layer.forward(np.zeros((T, B, 1), np.float32))
    buffer = layer._workspaces[(0, 0)]._arrays["a"]
    assert buffer.size == 2 * 6 * H * B          # 6 row blocks: o, i, f, g, c, tanh(c')
    layer.forward(np.zeros((T, B, 1), np.float32))
    assert layer._workspaces[(0, 0)]._arrays["a"].size == (T + 1) * 6 * H * B


def test_predict_runs_under_no_grad():
    model = GRUModel(1, 4, 1, seed=0)
    X = np.random.default_rng(2).normal(size=(10, 6, 1)).astype(np.float32)
    out = predict(model, X, batch_size=4)
    np.testing.assert_array_equal(out, model.forward(X))   # same numbers...
    predict(model, X)
    with pytest.raises(RuntimeError, match="no_grad"):      # ...and nothing kept
        model.backward(np.ones((10, 1), np.float32))
