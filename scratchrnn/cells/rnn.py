"""Elman RNN cell, as torch.nn.RNN computes it (one time step).

    h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh),   act = tanh or relu

Shapes: B batch, I input, H hidden.  x_t (B,I), h (B,H), W_ih (H,I), W_hh (H,H).
One "gate" (K = 1): gx and the pre-activation are (1,B,H).
Backward, with a = the pre-activation and dh the gradient reaching h_t:

    da = dh * act'(a)     (tanh: 1 - h_t^2,  relu: [h_t > 0])
    dh_{t-1} = da W_hh
"""
from typing import NamedTuple

from ..functional import ACTIVATIONS, activation_grad

GATES = 1
FOLD_HH_BIAS = True


class Cache(NamedTuple):
    h: object  # B,H  h_t, enough to differentiate tanh or relu


def forward(gx, state, w):
    """gx (1,B,H) = x_t W_ih^T + b_ih + b_hh; state = (h_{t-1},) -> (h_t,), cache."""
    (h_prev,) = state
    a = h_prev @ w.w_hh[0].T                      # B,H
    a += gx[0]
    h = ACTIVATIONS[w.nonlinearity](a, out=a)     # B,H  (in place: a is not needed again)
    return (h,), Cache(h)


def backward(dstate, cache, w):
    """dstate = (dh_t,) -> da (input), da (recurrent), (dh_{t-1},), {}."""
    (dh,) = dstate
    da = activation_grad(w.nonlinearity, cache.h, dh)  # B,H
    dh_prev = da @ w.w_hh[0]                            # B,H
    return da[None], da[None], (dh_prev,), {}
