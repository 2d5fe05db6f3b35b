"""LSTM cell, one time step, as torch.nn.LSTM computes it (gates stacked i, f, g, o).

    i  = sigma(x W_ii^T + b_ii + h W_hi^T + b_hi)      input gate
    f  = sigma(x W_if^T + b_if + h W_hf^T + b_hf)      forget gate
    g  = tanh (x W_ig^T + b_ig + h W_hg^T + b_hg)      candidate cell
    o  = sigma(x W_io^T + b_io + h W_ho^T + b_ho)      output gate
    c' = f * c + i * g
    m  = o * tanh(c')
    h' = m                   or, with proj_size P > 0:   h' = m W_hr^T

torch stacks the four gates' weights in one matrix: W_ih = [W_ii; W_if; W_ig; W_io].
Backward, with dh', dc' the gradients reaching h' and c' (sigma' = s(1-s), tanh' = 1-t^2):

    dm  = dh'                (projection: dm = dh' W_hr,  dW_hr = dh'^T m)
    do  = dm * tanh(c')
    dc  = dc' + dm * o * (1 - tanh(c')^2)               all that reaches c'
    di  = dc * g     df = dc * c     dg = dc * i        dc_prev = dc * f
    da  = [di i(1-i), df f(1-f), dg (1-g^2), do o(1-o)] the four pre-activations
    dW_ih = da^T x   dW_hh = da^T h   db_ih = db_hh = sum over the batch of da
    dx  = da W_ih    dh_prev = da W_hh

Shapes: B batch, I input, H hidden, P = proj_size or H. x (B,I), h (B,P), c (B,H),
W_ih (4H,I), W_hh (4H,P), W_hr (P,H).
"""
from typing import NamedTuple

from ..backend import namespace_of
from ..functional import linear, sigmoid, tanh


class Cache(NamedTuple):
    x: object       # B,I
    h: object       # B,P   state before the step
    c: object       # B,H
    i: object       # B,H   the activated gates
    f: object
    g: object
    o: object
    tanh_c: object  # B,H   tanh(c')
    m: object       # B,H   o * tanh(c'), the input of the projection (or h')


def forward(x, state, p, nonlinearity="tanh"):
    """One step: x (B,I), state = (h, c) -> (h', c'), cache. (nonlinearity: tanh only.)"""
    h, c = state
    a = linear(x, p["w_ih"], p["b_ih"]) + linear(h, p["w_hh"], p["b_hh"])   # B,4H
    a_i, a_f, a_g, a_o = namespace_of(a).split(a, 4, axis=1)                # B,H each
    i, f, g, o = sigmoid(a_i), sigmoid(a_f), tanh(a_g), sigmoid(a_o)         # B,H each
    c_new = f * c + i * g                                                    # B,H
    tanh_c = tanh(c_new)                                                     # B,H
    m = o * tanh_c                                                           # B,H
    h_new = m if p["w_hr"] is None else m @ p["w_hr"].T                      # B,P
    return (h_new, c_new), Cache(x, h, c, i, f, g, o, tanh_c, m)


def backward(dstate, cache, p):
    """dstate = (dh', dc') -> dx (B,I), (dh, dc), grads of w_ih, w_hh, b_ih, b_hh, w_hr."""
    dh_new, dc_new = dstate
    x, h, c, i, f, g, o, tanh_c, m = cache
    grads = {}
    if p["w_hr"] is None:
        dm = dh_new                                                          # B,H
    else:
        dm = dh_new @ p["w_hr"]                                              # B,H
        grads["w_hr"] = dh_new.T @ m                                         # P,H
    do = dm * tanh_c                                                         # B,H
    dc = dc_new + dm * o * (1 - tanh_c ** 2)                                 # B,H
    di, df, dg = dc * g, dc * c, dc * i                                      # B,H each
    dc_prev = dc * f                                                         # B,H
    da = namespace_of(dc).concatenate(                                       # B,4H
        [di * i * (1 - i), df * f * (1 - f), dg * (1 - g ** 2), do * o * (1 - o)], axis=1)
    grads["w_ih"] = da.T @ x                                                 # 4H,I
    grads["w_hh"] = da.T @ h                                                 # 4H,P
    if p["b_ih"] is not None:
        grads["b_ih"] = grads["b_hh"] = da.sum(axis=0)                       # 4H
    dx = da @ p["w_ih"]                                                      # B,I
    dh = da @ p["w_hh"]                                                      # B,P
    return dx, (dh, dc_prev), grads
