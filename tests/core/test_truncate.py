"""Truncated BPTT equals torch with the state detached at step T-k."""
import numpy as np
import pytest
import torch
from twins import as_tuple, randomize, relative_error

import scratchrnn.nn as snn
from reference import to_torch

pytestmark = pytest.mark.usefixtures("each_engine")  # plain and fast alike


def torch_detached(tlayer, x, hx, k, grads_out, grads_hn):
    """Run x[:T-k], detach the state, run x[T-k:]; backward with the same upstream grads."""
    T = x.shape[0]
    xt = torch.tensor(x, requires_grad=True)
    hxt = tuple(torch.tensor(h, requires_grad=True) for h in hx)
    state = hxt if len(hxt) == 2 else hxt[0]
    outs = []
    if T - k > 0:
        out1, state = tlayer(xt[:T - k], state)
        outs.append(out1)
        state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
    out2, final = tlayer(xt[T - k:], state)
    outs.append(out2)
    out = torch.cat(outs)
    loss = (out * torch.from_numpy(grads_out)).sum()
    loss = loss + sum((h * torch.from_numpy(g)).sum() for h, g in zip(as_tuple(final), grads_hn))
    loss.backward()
    return xt.grad.numpy(), [h.grad.numpy() for h in hxt], \
        {n: p.grad.numpy() for n, p in tlayer.named_parameters()}


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("k", [1, 3, 7, 20])
def test_truncate_matches_detached_torch(mode, k):
    rng = np.random.default_rng(k)
    T, B, L = 7, 3, 2
    layer = getattr(snn, mode)(2, 4, num_layers=L, dtype="float64", seed=k)
    randomize(layer, rng)
    x = rng.normal(size=(T, B, 2))
    hx = tuple(rng.normal(size=(L, B, 4)) for _ in range(2 if mode == "LSTM" else 1))
    out, hn = layer.forward(x, hx if mode == "LSTM" else hx[0])
    grads_out = rng.normal(size=out.shape)
    grads_hn = tuple(rng.normal(size=h.shape) for h in as_tuple(hn))
    dx, dhx = layer.backward(grads_out, grads_hn if mode == "LSTM" else grads_hn[0], truncate=k)
    tdx, tdhx, tgrads = torch_detached(to_torch(layer), x, hx, min(k, T), grads_out, grads_hn)
    assert relative_error(dx, tdx) < 1e-9
    for a, b in zip(as_tuple(dhx), tdhx):
        assert relative_error(a, b) < 1e-9
    for name, g in tgrads.items():
        assert relative_error(layer.grads[name], g) < 1e-9, name


def test_truncation_changes_the_gradient():
    """Guard against a truncate flag that does nothing."""
    rng = np.random.default_rng(0)
    layer = snn.GRU(2, 4, dtype="float64", seed=0)
    x = rng.normal(size=(10, 2, 2))
    out, _ = layer.forward(x)
    g = rng.normal(size=out.shape)
    full, _ = layer.backward(g)
    cut, _ = layer.backward(g, truncate=2)
    assert relative_error(cut, full) > 1e-3
