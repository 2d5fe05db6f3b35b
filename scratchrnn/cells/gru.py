"""GRU cell, as torch.nn.GRU computes it (one time step), gates stacked r, z, n.

    r  = sigma(W_ir x + b_ir + W_hr h + b_hr)        reset gate
    z  = sigma(W_iz x + b_iz + W_hz h + b_hz)        update gate
    n  = tanh (W_in x + b_in + r * (W_hn h + b_hn))  candidate
    h' = (1 - z) * n + z * h

Note: torch (and cuDNN) apply the reset gate AFTER the recurrent matmul,
``r * (W_hn h + b_hn)``; d2l and the original Cho et al. paper apply it before,
``W_hn (r * h)``. The two are different models; this file follows torch, so b_hn
cannot be folded into the input projection (FOLD_HH_BIAS = False).

Shapes: B batch, H hidden.  gx, gh (3,B,H), W_hh (3H,H) viewed as (3,H,H).
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
    gates: object   # 3,B,H  activated r, z, n
    gh_n: object    # B,H    W_hn h + b_hn
    h_prev: object  # B,H


def forward(gx, state, w):
    """gx (3,B,H) = x W_ih^T + b_ih; state = (h,) -> (h',), cache."""
    (h_prev,) = state
    gh = h_prev @ w.w_hh.transpose(0, 2, 1)                 # 3,B,H one product a gate
    if w.b_hh is not None:
        gh += w.b_hh
    a = gx + gh                                             # 3,B,H (only r, z are used)
    r, z, n = a                                             # B,H views
    sigmoid(a[:2], out=a[:2])                               # r, z
    namespace_of(gx).multiply(r, gh[2], out=n)              # r * (W_hn h + b_hn)
    n += gx[2]
    tanh(n, out=n)                                          # n
    h = h_prev - n                                          # B,H
    h *= z
    h += n                                                  # h' = n + z (h - n)
    return (h,), Cache(a, gh[2], h_prev)


def backward(dstate, cache, w):
    """dstate = (dh',) -> d(input pre-act), d(recurrent pre-act), (dh,), {}."""
    xp = namespace_of(cache.gates)
    (dh,) = dstate
    r, z, n = cache.gates                                   # B,H each
    dgx = xp.empty_like(cache.gates)                        # 3,B,H
    da_r, da_z, da_n = dgx
    xp.subtract(cache.h_prev, n, out=da_z)
    da_z *= dh                                              # dz = dh (h - n)
    da_z *= z * (1 - z)
    xp.subtract(1, z, out=da_n)
    da_n *= dh                                              # dn = dh (1 - z)
    da_n *= 1 - n * n
    xp.multiply(da_n, cache.gh_n, out=da_r)                 # dr = da_n (W_hn h + b_hn)
    da_r *= r * (1 - r)
    dgh = dgx.copy()                                        # 3,B,H
    dgh[2] *= r
    dh_prev = dh * z                                        # B,H
    dh_prev += (dgh @ w.w_hh).sum(axis=0)                   # sum over the 3 gates
    return dgx, dgh, (dh_prev,), {}
