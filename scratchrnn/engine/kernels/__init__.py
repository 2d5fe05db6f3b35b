"""The fast engine's cells (kernels): ONE time step, in place; the lesson is scratchrnn/cells.

Arrays are feature-major, as in the equations: one COLUMN per sample of the batch.
h (P,b), c (H,b), and the step's pre-activations a (R,H,b), R row blocks of H rows.
The caller (``scratchrnn.engine.loop``) computes ``a`` for every gate with ONE matrix product
a step, input projection and biases included:

    a = W [h_{t-1}; x_t; 1]        W = [W_hh | W_ih | b]    (R*H, P+I+1)

adds dh_{t-1} += W_hh^T da_t inside the loop, and takes every weight gradient from the
gradients ``da`` (dW = sum_t da_t [h_{t-1}; x_t; 1]^T) in one batched call after the
loop. So a kernel is only the elementwise part of a step:

    GATES                           torch's stacked gates: weights are (GATES*H, .)
    LAYOUT                          which torch gate fills each row block of W, as
                                    (gate of the W_hh part, gate of the W_ih part)
    SIGNS                           +1 or -1 per row block: pack stores W's rows times it
                                    (-1 for sigmoid gates: a holds u = -x, and
                                    sigma = 1 / (1 + exp(u)) is one call fewer)
    CARRIED                         state blocks kept in the step's buffer after the R
                                    gate blocks (LSTM 1: its cell state c; else 0)
    SLOPES                          slopes per step (RNN 1, LSTM 5, GRU 3)
    forward(a, state, new, w)       -> cache      activates ``a`` IN PLACE and writes
                                                  the new state into the views ``new``
    slopes(a, prev, new, s, w)      -> None       writes into ``s`` (n,SLOPES,H,b) the
                                                  derivatives backward multiplies by that
                                                  need no gradient, n steps at once:
                                                  a (n,R+CARRIED,H,b) as forward left it,
                                                  prev / new the states before / after each step
    backward(dnew, cache, s, da, w) -> dstate, dw with the step's slopes s (SLOPES,H,b),
                                                  writes d(pre-activation) into ``da``;
                                                  dstate: the gradient reaching the old
                                                  state OTHER than through W (None if none)

``a`` given to forward is (R+CARRIED, H, b); the loop silences exp's overflow around
its steps (sigma(x) -> 0 exactly, for very negative x). ``da`` given to backward is
(R, H, b), in the signed rows (for u where SIGNS is -1).
The caller computes the slopes of all T steps at once when backward starts (a few large
calls instead of several small ones a step). ``state`` / ``new`` are tuples (h,) or (h, c) of
views into the caller's buffers; ``dw`` holds gradients of weights the caller does not
batch (only LSTM's projection ``w_hr``).
A LAYOUT entry with None on one side is a block that sees only h (or only x): the GRU's
candidate needs W_hn h + b_hn apart from W_in x + b_in.

On CuPy, where every array call is a kernel launch, the loop runs LSTM's and GRU's
forward/backward through ``fused.py`` instead: the same equations, one GPU kernel a step
(``cupy.fuse``). NumPy always runs the lines of the files here.
"""
from typing import NamedTuple

from . import gru, lstm, rnn


class StepWeights(NamedTuple):
    """What a step needs besides its pre-activations (one layer, one direction)."""
    w_hr: object = None         # P,H   LSTM projection (proj_size > 0) or None
    nonlinearity: str = "tanh"  # RNN only


KERNELS = {"RNN": rnn, "LSTM": lstm, "GRU": gru}
