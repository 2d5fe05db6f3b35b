"""Helpers for tests: a scratch module and its torch twin, run side by side.

The scalar both sides differentiate is sum_k <out_k, R_k> with random R_k on EVERY
output (output, h_n, c_n), so every output's backward is exercised.
"""
from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

from reference import to_torch
from scratchrnn.backend import to_numpy


def randomize(module, rng, scale=0.5):
    """Give every parameter N(0, scale^2) values (nonzero biases included)."""
    module.load_state_dict({k: rng.normal(0, scale, v.shape) for k, v in module.params.items()})


def as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def layer_twin_run(layer, x, hx, rng, truncate=None, device="cpu"):
    """Forward + backward on a scratch layer and its torch twin (on torch `device`);
    return {name: (ours, torch)} as host arrays."""
    tlayer = to_torch(layer).to(device)
    is_lstm = layer.mode == "LSTM"
    out, hn = layer.forward(x, hx)
    grads_out = rng.normal(size=out.shape)
    grads_hn = tuple(rng.normal(size=h.shape) for h in as_tuple(hn))
    dx, dhx = layer.backward(grads_out, grads_hn if is_lstm else grads_hn[0], truncate=truncate)

    def tensor(a, grad=False):
        return torch.tensor(a, device=device, requires_grad=grad)
    xt = tensor(x, True)
    hxt = None
    if hx is not None:
        hxt = tuple(tensor(h, True) for h in as_tuple(hx))
    tout, thn = tlayer(xt, hxt if is_lstm or hxt is None else hxt[0])
    loss = (tout * tensor(grads_out)).sum()
    loss = loss + sum((h * tensor(g)).sum() for h, g in zip(as_tuple(thn), grads_hn))
    loss.backward()

    def host(t):
        return t.detach().cpu().numpy()
    pairs = {"output": (out, host(tout)), "input.grad": (dx, host(xt.grad))}
    for k, (h, th) in enumerate(zip(as_tuple(hn), as_tuple(thn))):
        pairs[("h_n", "c_n")[k]] = (h, host(th))
    if hx is not None:
        for k, (g, th) in enumerate(zip(as_tuple(dhx), hxt)):
            pairs[("h_0", "c_0")[k] + ".grad"] = (g, host(th.grad))
    for name, p in tlayer.named_parameters():
        pairs[name + ".grad"] = (layer.grads[name], host(p.grad))
    return {name: (to_numpy(a), b) for name, (a, b) in pairs.items()}


def relative_error(ours, theirs) -> float:
    """max |ours - theirs| / max |theirs| (0 when both are all zero)."""
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    assert ours.shape == theirs.shape, f"shape {ours.shape} != torch's {theirs.shape}"
    scale = np.abs(theirs).max(initial=0.0)
    diff = np.abs(ours - theirs).max(initial=0.0)
    return diff if scale == 0 else diff / scale


def assert_pairs_close(pairs, tol, config):
    errors = {name: relative_error(a, b) for name, (a, b) in pairs.items()}
    bad = {k: f"{v:.2e}" for k, v in errors.items() if not v <= tol}
    assert not bad, f"scratch != torch beyond {tol:g} for {bad}\nconfig: {config}"
    return errors


@st.composite
def full_configs(draw):
    """(mode, layer kwargs, run) over every layer option (float64 tests of both engines)."""
    mode = draw(st.sampled_from(["RNN", "LSTM", "GRU"]))
    H, layers = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    cfg = dict(input_size=draw(st.integers(1, 3)), hidden_size=H, num_layers=layers,
               bias=draw(st.booleans()), batch_first=draw(st.booleans()),
               bidirectional=draw(st.booleans()),
               dropout=draw(st.sampled_from([0.0, 0.3])) if layers > 1 else 0.0)
    if mode == "RNN":
        cfg["nonlinearity"] = draw(st.sampled_from(["tanh", "relu"]))
    if mode == "LSTM" and H > 1:
        cfg["proj_size"] = draw(st.integers(0, H - 1))
    T = draw(st.integers(1, 6))
    run = dict(T=T, B=draw(st.integers(1, 4)), unbatched=draw(st.booleans()),
               give_hx=draw(st.booleans()), last_only=draw(st.booleans()),
               truncate=None if cfg["bidirectional"] else draw(st.none() | st.integers(1, T)),
               seed=draw(st.integers(0, 2**16)))
    return mode, cfg, run
