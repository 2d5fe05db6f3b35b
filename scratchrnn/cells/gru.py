"""GRU cell, one time step, as torch.nn.GRU computes it (gates stacked r, z, n).

    r  = sigma(x W_ir^T + b_ir + h W_hr^T + b_hr)          reset gate
    z  = sigma(x W_iz^T + b_iz + h W_hz^T + b_hz)          update gate
    n  = tanh (x W_in^T + b_in + r * (h W_hn^T + b_hn))    candidate
    h' = (1 - z) * n + z * h

Note: torch (and cuDNN) apply the reset gate AFTER the recurrent product,
r * (h W_hn^T + b_hn); d2l and Cho et al. (2014) apply it before, (r * h) W_hn^T.
They are different models; this file follows torch, so the candidate keeps its
x-part gi_n and its h-part gh_n apart. Backward, with dh' the gradient reaching h':

    dn = dh' * (1 - z)        dz = dh' * (h - n)       dh (direct) = dh' * z
    dn_a = dn * (1 - n^2)                               n's pre-activation
    dr_a = dn_a * gh_n * r(1-r)      dz_a = dz * z(1-z)
    dgi = [dr_a, dz_a, dn_a]         dgh = [dr_a, dz_a, dn_a * r]
    dW_ih = dgi^T x   dW_hh = dgh^T h   db_ih = sum of dgi   db_hh = sum of dgh
    dx = dgi W_ih     dh_prev = dgh W_hh + dh' * z

Shapes: B batch, I input, H hidden. x (B,I), h (B,H), W_ih (3H,I), W_hh (3H,H).
"""
from typing import NamedTuple

from ..backend import namespace_of
from ..functional import linear, sigmoid, tanh


class Cache(NamedTuple):
    x: object       # B,I
    h: object       # B,H   state before the step
    r: object       # B,H   the activated gates
    z: object
    n: object
    gh_n: object    # B,H   h W_hn^T + b_hn, what r multiplies


def forward(x, state, p, nonlinearity="tanh"):
    """One step: x (B,I), state = (h,) -> (h',), cache. (nonlinearity: tanh only.)"""
    (h,) = state
    xp = namespace_of(x)
    gi_r, gi_z, gi_n = xp.split(linear(x, p["w_ih"], p["b_ih"]), 3, axis=1)  # B,H each
    gh_r, gh_z, gh_n = xp.split(linear(h, p["w_hh"], p["b_hh"]), 3, axis=1)  # B,H each
    r = sigmoid(gi_r + gh_r)                                                 # B,H
    z = sigmoid(gi_z + gh_z)                                                 # B,H
    n = tanh(gi_n + r * gh_n)                                                # B,H
    h_new = (1 - z) * n + z * h                                              # B,H
    return (h_new,), Cache(x, h, r, z, n, gh_n)


def backward(dstate, cache, p):
    """dstate = (dh',) -> dx (B,I), (dh,), grads of w_ih, w_hh, b_ih, b_hh."""
    (dh_new,) = dstate
    x, h, r, z, n, gh_n = cache
    xp = namespace_of(dh_new)
    dn = dh_new * (1 - z)                                                    # B,H
    dz = dh_new * (h - n)                                                    # B,H
    dn_a = dn * (1 - n ** 2)                                                 # B,H
    dr_a = dn_a * gh_n * r * (1 - r)                                         # B,H
    dz_a = dz * z * (1 - z)                                                  # B,H
    dgi = xp.concatenate([dr_a, dz_a, dn_a], axis=1)                         # B,3H
    dgh = xp.concatenate([dr_a, dz_a, dn_a * r], axis=1)                     # B,3H
    grads = {"w_ih": dgi.T @ x,                                              # 3H,I
             "w_hh": dgh.T @ h}                                              # 3H,H
    if p["b_ih"] is not None:
        grads["b_ih"], grads["b_hh"] = dgi.sum(axis=0), dgh.sum(axis=0)      # 3H
    dx = dgi @ p["w_ih"]                                                     # B,I
    dh = dgh @ p["w_hh"] + dh_new * z                                        # B,H
    return dx, (dh,), grads
