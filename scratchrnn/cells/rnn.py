"""Elman RNN cell, as torch.nn.RNN computes it (one time step).

    h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),   act = tanh or relu

Shapes (one column per sample): x_t (I,b), h (H,b), W_ih (H,I), W_hh (H,H).
One row block (R = 1): the pre-activation a = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
arrives as (1,H,b), already computed by the caller. Backward, with dh the gradient
reaching h_t:

    da = dh * act'(a)     (tanh: 1 - h_t^2,  relu: [h_t > 0])
    (the caller adds dh_{t-1} = W_hh^T da)
"""
from typing import NamedTuple

from ..functional import ACTIVATIONS, activation_grad

GATES = 1  # torch's stacked gates: weight_ih is (GATES*H, I)
LAYOUT = ((0, 0),)   # one block: W_hh, W_ih and both biases of the only "gate"


class Cache(NamedTuple):
    h: object  # H,b  h_t, enough to differentiate tanh or relu


def forward(a, state, new, w):
    """a (1,H,b) pre-activation; writes h_t = act(a) into new = (h_t,)."""
    (h,) = new
    ACTIVATIONS[w.nonlinearity](a[0], out=h)
    return Cache(h)


def backward(dnew, cache, da, w):
    """dnew = (dh_t,); writes da = dh_t * act'(a) into da (1,H,b)."""
    (dh,) = dnew
    activation_grad(w.nonlinearity, cache.h, dh, out=da[0])
    return (None,), {}
