"""LSTM cell, as torch.nn.LSTM computes it (one time step), gates stacked i, f, g, o.

    i = sigma(W_ii x + b_ii + W_hi h + b_hi)      input gate
    f = sigma(W_if x + b_if + W_hf h + b_hf)      forget gate
    g = tanh (W_ig x + b_ig + W_hg h + b_hg)      candidate cell
    o = sigma(W_io x + b_io + W_ho h + b_ho)      output gate
    c' = f * c + i * g
    m  = o * tanh(c')
    h' = m              or, with proj_size = P > 0,   h' = m W_hr^T

Shapes: B batch, H hidden, P = proj_size or H.  gates (4,B,H), c (B,H), h (B,P),
W_hh (4H,P) viewed as (4,H,P), W_hr (P,H).
Backward, with dh', dc' the gradients reaching h', c' (from above and from step t+1):

    dm = dh' (or dh' W_hr, and dW_hr += dh'^T m)
    do = dm * tanh(c');   dc = dc' + dm * o * (1 - tanh(c')^2)     the total on c'
    di = dc * g;  df = dc * c_prev;  dg = dc * i;  dc_prev = dc * f
    d(pre-activation) = di*i(1-i), df*f(1-f), dg*(1-g^2), do*o(1-o)
    dh_prev = d(pre-activation) W_hh
"""
from typing import NamedTuple

from ..backend import namespace_of
from ..functional import sigmoid, tanh

GATES = 4
FOLD_HH_BIAS = True


class Cache(NamedTuple):
    gates: object   # 4,B,H  activated i, f, g, o
    c_prev: object  # B,H
    tanh_c: object  # B,H    tanh(c')
    m: object       # B,H    o * tanh(c'), the input of the projection (or h')


def forward(gx, state, w):
    """gx (4,B,H) = x W_ih^T + b_ih + b_hh; state = (h, c) -> (h', c'), cache."""
    h_prev, c_prev = state
    gates = h_prev @ w.w_hh.transpose(0, 2, 1)  # 4,B,H pre-activations, one product a gate
    gates += gx
    i, f, g, o = gates                          # B,H views
    sigmoid(gates[:2], out=gates[:2])           # i, f (in place)
    tanh(g, out=g)                              # g
    sigmoid(o, out=o)                           # o
    c = f * c_prev                              # B,H
    c += i * g                                  # c' = f c + i g
    tanh_c = tanh(c)                            # B,H
    m = o * tanh_c                              # B,H
    h = m if w.w_hr is None else m @ w.w_hr.T   # B,P
    return (h, c), Cache(gates, c_prev, tanh_c, m)


def backward(dstate, cache, w):
    """dstate = (dh', dc') -> dz (input), dz (recurrent), (dh, dc), {'w_hr': dW_hr}."""
    xp = namespace_of(cache.gates)
    dh, dc_next = dstate
    i, f, g, o = cache.gates                              # B,H each, activated
    dw = {}
    if w.w_hr is None:
        dm = dh                                           # B,H
    else:
        dm = dh @ w.w_hr                                  # B,H
        dw["w_hr"] = dh.T @ cache.m                       # P,H
    dz = xp.empty_like(cache.gates)                       # 4,B,H
    di, df, dg, do = dz
    xp.multiply(dm, cache.tanh_c, out=do)                 # do = dm * tanh(c')
    dc = cache.tanh_c * cache.tanh_c                      # B,H
    xp.subtract(1, dc, out=dc)
    dc *= o
    dc *= dm
    dc += dc_next                                         # dc = dc' + dm*o*(1-tanh^2)
    xp.multiply(dc, g, out=di)
    xp.multiply(dc, cache.c_prev, out=df)
    xp.multiply(dc, i, out=dg)
    dc_prev = dc * f                                      # B,H
    # through the nonlinearities: sigma' = s(1-s), tanh' = 1 - t^2
    dz[:2] *= cache.gates[:2] * (1 - cache.gates[:2])     # i, f
    do *= o * (1 - o)
    dg *= 1 - g * g
    dh_prev = (dz @ w.w_hh).sum(axis=0)                   # B,P  sum over the 4 gates
    return dz, dz, (dh_prev, dc_prev), dw
