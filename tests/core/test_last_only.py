"""forward(last_only=True) and its backward equal the full output's last step, and the
buffers a layer reuses from call to call never leak into what it returned before."""
import numpy as np
import pytest
from twins import as_tuple, randomize

import scratchrnn.nn as snn

pytestmark = pytest.mark.usefixtures("each_engine")  # plain and fast alike

CONFIGS = [
    ("RNN", dict(num_layers=2, bidirectional=True, batch_first=True)),
    ("LSTM", dict(num_layers=2, proj_size=2)),
    ("LSTM", dict(bidirectional=True, batch_first=True, bias=False)),
    ("GRU", dict(num_layers=3, bidirectional=True)),
]


def _layer(mode, kw, seed=0):
    layer = getattr(snn, mode)(2, 4, dtype="float64", seed=seed, **kw)
    randomize(layer, np.random.default_rng(seed))
    return layer


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("mode, kw", CONFIGS)
def test_last_only_is_the_last_step_forward_and_backward(mode, kw, batched):
    rng = np.random.default_rng(1)
    layer = _layer(mode, kw)
    x = rng.normal(size=(5, 3, 2) if batched else (5, 2))
    out, hn = layer.forward(x)
    pick = (lambda a: a[:, -1]) if kw.get("batch_first") and batched else (lambda a: a[-1])
    d_last = rng.normal(size=pick(out).shape)
    d_out = np.zeros_like(out)
    pick(d_out)[...] = d_last                                   # zeros but on the last step
    layer.zero_grad()
    dx_full, dh_full = layer.backward(d_out)
    grads_full = {k: v.copy() for k, v in layer.grads.items()}

    last, hn_last = layer.forward(x, last_only=True)
    np.testing.assert_allclose(last, pick(out), rtol=1e-13, atol=1e-15)
    for a, b in zip(as_tuple(hn_last), as_tuple(hn)):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    layer.zero_grad()
    dx, dh = layer.backward(d_last)
    np.testing.assert_allclose(dx, dx_full, rtol=1e-12, atol=1e-15)
    for a, b in zip(as_tuple(dh), as_tuple(dh_full)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    for k, g in grads_full.items():
        np.testing.assert_allclose(layer.grads[k], g, rtol=1e-12, atol=1e-15, err_msg=k)


def test_last_only_backward_wants_the_last_step_shape():
    layer = _layer("GRU", dict(batch_first=True))
    layer.forward(np.zeros((3, 5, 2)), last_only=True)
    with pytest.raises(ValueError, match=r"expected grad_output of shape \(3, 4\)"):
        layer.backward(np.zeros((3, 5, 4)))


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_reused_buffers_do_not_change_earlier_results(mode):
    rng = np.random.default_rng(2)
    layer = _layer(mode, dict(num_layers=2))
    x1, x2 = rng.normal(size=(6, 4, 2)), rng.normal(size=(6, 4, 2))
    out1, hn1 = layer.forward(x1)
    kept = [out1.copy()] + [h.copy() for h in as_tuple(hn1)]
    dx1, _ = layer.backward(np.ones_like(out1))
    dx1_kept = dx1.copy()
    layer.forward(x2)                                           # same shapes: same buffers
    layer.backward(np.ones_like(out1))
    for a, b in zip([out1] + list(as_tuple(hn1)) + [dx1], kept + [dx1_kept]):
        np.testing.assert_array_equal(a, b)
    # and a different batch size in between still backpropagates the latest forward
    layer.forward(rng.normal(size=(6, 9, 2)))
    out3, _ = layer.forward(x1)
    np.testing.assert_array_equal(out3, kept[0])
    dx3, _ = layer.backward(np.ones_like(out3))
    np.testing.assert_array_equal(dx3, dx1_kept)
