"""One file per recurrent cell: a pure ``forward`` / ``backward`` pair for ONE time step.

Every cell module exposes the same small interface, which ``scratchrnn.bptt`` drives:

    GATES          number of stacked gate blocks G/H (RNN 1, LSTM 4, GRU 3)
    FOLD_HH_BIAS   True if b_hh may be added to the input projection before the loop
    forward(gx, state, w)          -> state_new, cache
    backward(dstate, cache, w)     -> dgx, dgh, dstate_prev, dw

Gates live on a leading axis: ``gx`` is (K,B,H) with K = GATES, so ``i, f, g, o = gates``
unpacks contiguous (B,H) blocks. Torch's stacked (K*H, ·) weights are only *viewed* as
(K, H, ·): same memory, same order, no shuffling. (Slicing a (B, 4H) array by columns
instead gives strided views that NumPy's loops handle ~4x slower at small H.)

``gx`` is this step's input projection ``x_t W_ih^T + b_ih`` (plus ``b_hh`` when
FOLD_HH_BIAS), computed for all steps at once by the caller. ``dgx`` / ``dgh`` are
the gradients with respect to the input and recurrent pre-activations, from which the
caller forms every weight gradient as one matrix product over all steps. ``dw`` holds
the gradients of per-step weights the caller does not batch (only LSTM's ``w_hr``).
"""
from typing import NamedTuple

from . import gru, lstm, rnn


class StepWeights(NamedTuple):
    """The weights a single step needs (one layer, one direction)."""
    w_hh: object          # K,H,P    recurrent weights: torch's (K*H, P) viewed gate by gate
    b_hh: object          # K,1,H or None  (only read by cells with FOLD_HH_BIAS = False)
    w_hr: object = None   # P, H         LSTM projection (proj_size > 0) or None
    nonlinearity: str = "tanh"  # RNN only


CELLS = {"RNN": rnn, "LSTM": lstm, "GRU": gru}
