"""The fast engine's entry: one direction of one layer, shared over the cores or not.

Same contract as the lesson's `scratchrnn.bptt.direction_forward / direction_backward`
(and proven equal to it), plus the Workspace whose buffers the direction reuses.
"""
from __future__ import annotations

from typing import NamedTuple

from ..backend import namespace_of
from . import loop, workers
from .parallel import get_num_threads
from .workspace import Workspace


class Cache(NamedTuple):
    """What backward needs: the run's cache, and which forward of which Workspace made it."""
    run: object          # loop.DirectionCache, or workers.SharedCache if rows were shared
    workspace: Workspace
    generation: int


def direction_forward(cell, x, state0, p, nonlinearity="tanh", reverse=False,
                      last_only=False, *, workspace=None, keep=True):
    """Run one direction: x (T,B,I), state0 tuple of (B,*) -> out, state_T, Cache.

    `cell` is a kernel module (engine.kernels.*). out: (T,B,P) in time order, or with
    last_only=True the output at time T-1 only (B,P). With several cores and enough work,
    worker processes take shares of the batch rows. keep=False (under no_grad): nothing
    is kept for backward, and the Cache is None.
    """
    xp = namespace_of(x)
    ws = workspace or Workspace(xp)
    generation = ws.next_generation()
    T, B, I = x.shape
    H, P = p["w_hh"].shape[0] // cell.GATES, p["w_hh"].shape[1]
    rows = workers.shares(B, work(cell, T, B, I, H, P, keep), get_num_threads(), xp)
    W, result = loop.pack(cell, p, P), None                  # W = [W_hh | W_ih | b]
    if len(rows) > 1:  # worker processes take rows[1:] (None: they are busy or absent)
        result = workers.forward(rows, ws, cell, x, state0, W, p["w_hr"], nonlinearity,
                                 reverse, last_only, keep)
    if result is None:
        result = loop.forward_rows(cell, x, state0, W, p["w_hr"], nonlinearity, reverse, ws,
                                   last_only, keep)
    out, state, run = result
    return out, state, Cache(run, ws, generation) if keep else None


def work(cell, T, B, I, H, P, keep) -> int:
    """What sharing this direction's batch would share, in multiply-adds: each step's
    product W [h; x; 1], its elementwise calls (workers.NUMBER_COST a number), and about
    twice as much again in the backward that follows a forward that keeps its cache."""
    macs = len(cell.LAYOUT) * H * (P + I + 1)                # a sample's step: W [h; x; 1]
    # (the GRU's block that reads no h counts at full width, as when the line was measured)
    cost = macs + workers.NUMBER_COST * cell.NUMBERS * H     # ... and its elementwise part
    return T * B * cost * (3 if keep else 1)


def direction_backward(cell, dout, dstate_T, cache, p, grads, nonlinearity="tanh",
                       truncate=None):
    """Backward through one direction; ACCUMULATES into `grads` (same keys as `p`).

    Refuses (RuntimeError) a cache whose Workspace has run another forward since.
    Returns dx (T,B,I) in time order and dstate0 (tuple). The weights (W and LSTM's w_hr)
    are the ones the forward used, kept in its cache; `p` is not read (it stays for the
    lesson's signature, bptt.direction_backward).
    """
    ws = cache.workspace
    ws.check(cache.generation)
    run = workers.backward if isinstance(cache.run, workers.SharedCache) else \
        loop.backward_rows                            # the forward was shared with workers?
    dx, dstate0, dW, dw_hr = run(cell, dout, dstate_T, cache.run, nonlinearity, truncate, ws)
    loop.add_grads(cell, dW, dw_hr, grads, dstate_T[0].shape[1])
    return dx, dstate0
