"""GRU cell, as torch.nn.GRU computes it (one time step), gates stacked r, z, n.

    r  = sigma(W_ir x + b_ir + W_hr h + b_hr)        reset gate
    z  = sigma(W_iz x + b_iz + W_hz h + b_hz)        update gate
    n  = tanh (W_in x + b_in + r * (W_hn h + b_hn))  candidate
    h' = (1 - z) * n + z * h

Note: torch (and cuDNN) apply the reset gate AFTER the recurrent matmul,
``r * (W_hn h + b_hn)``; d2l and the original Cho et al. paper apply it before,
``W_hn (r * h)``. The two are different models; this file follows torch, so b_hn
cannot be folded into the input projection (FOLD_HH_BIAS = False).

Shapes: B batch, H hidden.  gx, gh (B,3H), W_hh (3H,H).
Backward, with dh the gradient reaching h':

    dn = dh * (1 - z);  dz = dh * (h - n);  dh_prev = dh * z
    da_n = dn * (1 - n^2);  dr = da_n * (W_hn h + b_hn)
    da_r = dr * r(1-r);  da_z = dz * z(1-z)
    d(input pre-act)     = [da_r, da_z, da_n]
    d(recurrent pre-act) = [da_r, da_z, da_n * r]
    dh_prev += d(recurrent pre-act) W_hh
"""
from typing import NamedTuple

from ..backend import namespace_of
from ..functional import sigmoid, tanh

GATES = 3
FOLD_HH_BIAS = False


class Cache(NamedTuple):
    gates: object   # B,3H  activated r, z, n
    gh_n: object    # B,H   W_hn h + b_hn
    h_prev: object  # B,H


def forward(gx, state, w):
    """gx (B,3H) = x W_ih^T + b_ih; state = (h,) -> (h',), cache."""
    (h_prev,) = state
    H = h_prev.shape[1]
    gh = h_prev @ w.w_hh.T                                  # B,3H
    if w.b_hh is not None:
        gh += w.b_hh
    a = gx + gh                                             # B,3H (only r, z are used)
    sigmoid(a[:, :2 * H], out=a[:, :2 * H])                 # r, z
    r, z = a[:, :H], a[:, H:2 * H]
    n = a[:, 2 * H:]
    gh_n = gh[:, 2 * H:]
    namespace_of(gx).multiply(r, gh_n, out=n)               # r * (W_hn h + b_hn)
    n += gx[:, 2 * H:]
    tanh(n, out=n)                                          # n
    h = h_prev - n                                          # B,H
    h *= z
    h += n                                                  # h' = n + z (h - n)
    return (h,), Cache(a, gh_n, h_prev)


def backward(dstate, cache, w):
    """dstate = (dh',) -> d(input pre-act), d(recurrent pre-act), (dh,), {}."""
    xp = namespace_of(cache.gates)
    (dh,) = dstate
    H = dh.shape[1]
    a = cache.gates
    r, z, n = a[:, :H], a[:, H:2 * H], a[:, 2 * H:]
    dgx = xp.empty_like(a)                                  # B,3H
    da_r, da_z, da_n = dgx[:, :H], dgx[:, H:2 * H], dgx[:, 2 * H:]
    xp.subtract(cache.h_prev, n, out=da_z)
    da_z *= dh                                              # dz = dh (h - n)
    da_z *= z * (1 - z)
    xp.subtract(1, z, out=da_n)
    da_n *= dh                                              # dn = dh (1 - z)
    da_n *= 1 - n * n
    xp.multiply(da_n, cache.gh_n, out=da_r)                 # dr = da_n (W_hn h + b_hn)
    da_r *= r * (1 - r)
    dgh = dgx.copy()                                        # B,3H
    dgh[:, 2 * H:] *= r
    dh_prev = dh * z                                        # B,H
    dh_prev += dgh @ w.w_hh
    return dgx, dgh, (dh_prev,), {}
