"""Exercise 1: one time step of the Elman RNN, forward and backward (torch.nn.RNN's cell).

    a  = x W_ih^T + b_ih + h W_hh^T + b_hh        (B,H)   the pre-activation
    h' = act(a)                                   act = tanh, or relu if nonlinearity='relu'

Backward, with dh' the gradient reaching h':

    da = dh' * act'(a)         tanh'(a) = 1 - h'^2,   relu'(a) = 1 where h' > 0, else 0
    dW_ih = da^T x    dW_hh = da^T h    db_ih = db_hh = da summed over the batch
    dx = da W_ih      dh = da W_hh

Shapes: x (B,I), h (B,H), p["w_ih"] (H,I), p["w_hh"] (H,H), p["b_ih"], p["b_hh"] (H,) or
None (a layer without biases: then return no bias gradients). Use NumPy only.
Check: python -m pytest exercises -k rnn      (the lesson's answer: scratchrnn/cells/rnn.py)
"""
from typing import NamedTuple


class Cache(NamedTuple):
    """What backward needs; add the fields you use (x, h, h_new, nonlinearity, ...)."""
    x: object
    h: object
    h_new: object
    nonlinearity: str


def forward(x, state, p, nonlinearity="tanh"):
    """state = (h,) -> (h',), cache."""
    (h,) = state
    raise NotImplementedError("exercise 1: write the RNN step's forward")


def backward(dstate, cache, p):
    """dstate = (dh',) -> dx, (dh,), grads: a dict with 'w_ih', 'w_hh' (and 'b_ih', 'b_hh')."""
    (dh_new,) = dstate
    raise NotImplementedError("exercise 1: write the RNN step's backward")
