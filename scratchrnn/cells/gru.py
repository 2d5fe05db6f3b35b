"""GRU cell, as torch.nn.GRU computes it (one time step), gates stacked r, z, n.

    r  = sigma(W_ir x + b_ir + W_hr h + b_hr)        reset gate
    z  = sigma(W_iz x + b_iz + W_hz h + b_hz)        update gate
    n  = tanh (W_in x + b_in + r * (W_hn h + b_hn))  candidate
    h' = (1 - z) * n + z * h

Note: torch (and cuDNN) apply the reset gate AFTER the recurrent matmul,
``r * (W_hn h + b_hn)``; d2l and the original Cho et al. paper apply it before,
``W_hn (r * h)``. The two are different models; this file follows torch, so the
candidate needs its h-part and x-part apart: four row blocks (LAYOUT) r, z,
gh = W_hn h + b_hn, gx = W_in x + b_in.

Shapes (one column per sample): a (4,H,b), h (H,b). Backward, with dh the gradient
reaching h':

    dn = dh * (1 - z);  dz = dh * (h - n);  dh_prev = dh * z     (+ W_hh^T da, caller)
    da_n = dn * (1 - n^2);  dr = da_n * gh
    da_r = dr * r(1-r);  da_z = dz * z(1-z)
    d(pre-activation) = [da_r, da_z, da_n * r (the gh block), da_n (the gx block)]
"""
from typing import NamedTuple

from ..backend import namespace_of
from ..functional import sigmoid, tanh

GATES = 3  # torch's stacked gates: weight_ih is (GATES*H, I)
LAYOUT = ((0, 0), (1, 1), (2, None), (None, 2))   # r, z, W_hn h + b_hn, W_in x + b_in


class Cache(NamedTuple):
    gates: object   # 4,H,b  activated r, z; gh = W_hn h + b_hn; activated n
    h_prev: object  # H,b


def forward(a, state, new, w):
    """a (4,H,b) pre-activations r, z, gh, gx; state = (h,); writes h' into new."""
    xp = namespace_of(a)
    (h_prev,), (h,) = state, new
    r, z, gh, n = a                                         # H,b views
    sigmoid(a[:2], out=a[:2])                               # r, z (in place)
    n += r * gh                                             # gx + r * (W_hn h + b_hn)
    tanh(n, out=n)                                          # n (in place of gx)
    xp.subtract(h_prev, n, out=h)
    h *= z
    h += n                                                  # h' = n + z (h - n)
    return Cache(a, h_prev)


def backward(dnew, cache, da, w):
    """dnew = (dh',); writes d(pre-activation) into da (4,H,b) -> (dh * z,), {}."""
    xp = namespace_of(da)
    (dh,) = dnew
    r, z, gh, n = cache.gates                               # H,b each
    da_r, da_z, da_gh, da_n = da
    xp.subtract(cache.h_prev, n, out=da_z)
    da_z *= dh                                              # dz = dh (h - n)
    da_z *= z * (1 - z)
    xp.subtract(1, z, out=da_n)
    da_n *= dh                                              # dn = dh (1 - z)
    da_n *= 1 - n * n
    xp.multiply(da_n, gh, out=da_r)                         # dr = da_n gh
    da_r *= r * (1 - r)
    xp.multiply(da_n, r, out=da_gh)                         # gh entered as r * gh
    return (dh * z,), {}
