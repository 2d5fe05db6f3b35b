"""Elman RNN cell, one time step, as torch.nn.RNN computes it.

    h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)        act = tanh or relu

Backward, with dh' the gradient reaching h' (from the output and from step t+1):

    da     = dh' * act'(a)          tanh' = 1 - h'^2,  relu' = [h' > 0]
    dW_ih  = da^T x       dW_hh = da^T h       db_ih = db_hh = sum over the batch of da
    dx     = da W_ih      dh    = da W_hh

Shapes: B batch, I input, H hidden. x (B,I), h (B,H), W_ih (H,I), W_hh (H,H).
"""
from typing import NamedTuple

from ..functional import ACTIVATIONS, activation_slope, linear


class Cache(NamedTuple):
    x: object               # B,I  the step's input
    h: object               # B,H  the state before the step
    h_new: object           # B,H  h' = act(a)
    nonlinearity: str


def forward(x, state, p, nonlinearity="tanh"):
    """One step: x (B,I), state = (h,) -> (h',), cache."""
    (h,) = state
    a = linear(x, p["w_ih"], p["b_ih"]) + linear(h, p["w_hh"], p["b_hh"])   # B,H
    h_new = ACTIVATIONS[nonlinearity](a)                                     # B,H
    return (h_new,), Cache(x, h, h_new, nonlinearity)


def backward(dstate, cache, p):
    """dstate = (dh',) -> dx (B,I), (dh,), grads of w_ih, w_hh, b_ih, b_hh."""
    (dh_new,) = dstate
    da = dh_new * activation_slope(cache.nonlinearity, cache.h_new)          # B,H
    grads = {"w_ih": da.T @ cache.x,                                         # H,I
             "w_hh": da.T @ cache.h}                                         # H,H
    if p["b_ih"] is not None:
        grads["b_ih"] = grads["b_hh"] = da.sum(axis=0)                       # H
    dx = da @ p["w_ih"]                                                      # B,I
    dh = da @ p["w_hh"]                                                      # B,H
    return dx, (dh,), grads
