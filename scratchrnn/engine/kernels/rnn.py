"""Elman RNN cell, as torch.nn.RNN computes it (one time step).

    h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),   act = tanh or relu

Shapes (one column per sample): x_t (I,b), h (H,b), W_ih (H,I), W_hh (H,H).
One row block (R = 1): the pre-activation a = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
arrives as (1,H,b), already computed by the caller. Backward, with dh the gradient
reaching h_t:

    da = dh * s,   s = act'(a)  (tanh: 1 - h_t^2,  relu: [h_t > 0])   the slope
    (the caller adds dh_{t-1} = W_hh^T da)
"""
from ...backend import namespace_of
from ...functional import ACTIVATIONS, activation_slope

GATES = 1  # torch's stacked gates: weight_ih is (GATES*H, I)
LAYOUT = ((0, 0),)   # one block: W_hh, W_ih and both biases of the only "gate"
SIGNS = (1,)         # the packed rows as torch's (no sigmoid to rewrite)
CARRIED = 0          # no state kept in the step's buffer
KEPT = 0             # nothing else written for backward
TEMP = 0             # no temporaries
SLOPES = 1           # s = act'(a)
NUMBERS = 1          # numbers the step's calls write per h unit (act(a))


def bind_forward(a, state, new, tmp, w):
    """One step, bound: a (1,H,b) pre-activation; writes h_t = act(a) into new = (h_t,)."""
    act, a, (h,) = ACTIVATIONS[w.nonlinearity], a[0], new

    def step():
        act(a, out=h)
    return step


def slopes(a, prev, new, s, w):
    """Steps t0..t1 at once, (n,...) arrays: s[:, 0] = act'(a), written with h_t only."""
    activation_slope(w.nonlinearity, new[0], out=s[:, 0])


def bind_backward(gates, s, da, dnew, dold, tmp, w):
    """One step's backward, bound: writes da = dh_t * act'(a) into da (1,H,b);
    returns (step, None)."""
    multiply, dh, slope, da = namespace_of(da).multiply, dnew[0], s[0], da[0]

    def step():
        multiply(dh, slope, da)
    return step, None
