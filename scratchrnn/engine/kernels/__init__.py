"""The fast engine's cells (kernels): ONE time step, in place; the lesson is scratchrnn/cells.

Arrays are feature-major, as in the equations: one COLUMN per sample of the batch.
h (P,b), c (H,b), and the step's pre-activations a (R,H,b), R row blocks of H rows.
The caller (``scratchrnn.engine.loop``) computes ``a`` for every gate with ONE matrix product
a step, input projection and biases included (the GRU's last block, which reads no h, with
a second from [x_t; 1]):

    a = W [h_{t-1}; x_t; 1]        W = [W_hh | W_ih | b]    (R*H, P+I+1)

adds dh_{t-1} += W_hh^T da_t inside the loop, and takes every weight gradient from the
gradients ``da`` (dW = sum_t da_t [h_{t-1}; x_t; 1]^T), added step by step or in one
batched call after the loop. So a kernel is only the elementwise part of a step:

    GATES                           torch's stacked gates: weights are (GATES*H, .)
    LAYOUT                          which torch gate fills each row block of W, as
                                    (gate of the W_hh part, gate of the W_ih part)
    SIGNS                           +1 or -1 per row block: pack stores W's rows times it
                                    (-1 for sigmoid gates: a holds u = -x, and
                                    sigma = 1 / (1 + exp(u)) is one call fewer)
    CARRIED                         state blocks kept in the step's buffer after the R
                                    gate blocks (LSTM 1: its cell state c; else 0)
    KEPT                            blocks after those that a step writes for backward
                                    (LSTM 1: tanh(c'); else 0)
    TEMP                            blocks of scratch a step uses and the next overwrites
    SLOPES                          slopes per step (RNN 1, LSTM 5, GRU 3)
    NUMBERS                         numbers a forward step's calls write per hidden unit
                                    and sample (RNN 1, LSTM 15, GRU 12): the elementwise
                                    part of a step's cost, when workers.py weighs a split
    bind_forward(a, state, new, tmp, w)
                                    -> step       a function of NO arguments that runs
                                                  the step: activates ``a`` IN PLACE and
                                                  writes the new state into the views
                                                  ``new``; tmp (TEMP,H,b) is scratch
    slopes(a, prev, new, s, w)      -> None       writes into ``s`` (n,SLOPES,H,b) the
                                                  derivatives backward multiplies by that
                                                  need no gradient, n steps at once:
                                                  a (n,R+CARRIED+KEPT,H,b) as forward
                                                  left it,
                                                  prev / new the states before / after each step
    bind_backward(gates, s, da, dnew, dold, tmp, w)
                                    -> (step, direct)  step() runs the step's backward:
                                                  reads the gradient reaching the new
                                                  state (dnew), the gates (as forward
                                                  left them) and the slopes s (SLOPES,H,b),
                                                  writes d(pre-activation) into ``da`` and
                                                  LSTM's dc_prev into dold[1]; ``direct`` is
                                                  the view it writes with the gradient
                                                  reaching h_prev OTHER than through W
                                                  (GRU's dh' z), or None

Why the steps are BOUND: at a small batch a step's calls take about a microsecond each,
whatever their size, and so does the Python around them (making views, looking up
names, passing keywords). ``bind_forward`` / ``bind_backward`` make every view and name
of one step once; the loop binds each step of a buffer layout once (``Workspace.plan``)
and then only calls ``step()``. In a bound step every call writes into its LAST
argument (``out``, given by position: NumPy parses a keyword more slowly), and constants
are 0-d arrays of the step's dtype (NumPy converts a Python number at every call).

``a`` given to bind_forward is (R+CARRIED+KEPT, H, b); the loop silences exp's overflow around
its steps (sigma(x) -> 0 exactly, for very negative x). ``da`` given to bind_backward is
(R, H, b), in the signed rows (for u where SIGNS is -1).
The caller computes the slopes of all T steps at once when backward starts (a few large
calls instead of several small ones a step). ``state`` / ``new`` are tuples (h,) or (h, c) of
views into the caller's buffers. The only weight gradient a step adds itself is LSTM's
projection's, into ``w.dw_hr``; the caller batches every other.
A LAYOUT entry with None on one side is a block that sees only h (or only x): the GRU's
candidate needs W_hn h + b_hn apart from W_in x + b_in. Blocks that see no h come last:
the loop leaves them out of the step's product (loop.h_blocks).

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
    dw_hr: object = None        # P,H   backward: where the projection's gradient adds up


KERNELS = {"RNN": rnn, "LSTM": lstm, "GRU": gru}
