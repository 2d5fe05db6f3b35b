"""Backpropagation through time: the one loop over time, shared by RNN, LSTM and GRU.

A *direction* is one layer run one way over the sequence. Forward:

    GX = X W_ih^T + b_ih (+ b_hh)          all T input projections, ONE matrix product
    for t in 0..T-1:  state, cache_t = cell.forward(GX[t], state)

Backward walks the steps in reverse, adding the gradient that reaches each output
h_t to the gradient carried back from step t+1, and collects the pre-activation
gradients dGX, dGH (T,B,G). Every weight gradient is then ONE product over all steps:

    dW_ih = sum_t dGX[t]^T x_t      = dGX.reshape(T*B, G)^T @ X.reshape(T*B, I)
    dW_hh = sum_t dGH[t]^T h_{t-1}  = dGH.reshape(T*B, G)^T @ H_prev.reshape(T*B, P)
    db_ih = sum_{t,b} dGX;   db_hh = sum_{t,b} dGH
    dX    = dGX @ W_ih
(LSTM's projection W_hr is summed step by step, from the cell's `dw`.)

A reverse direction (bidirectional layers) is the same loop over the time-flipped
sequence. Batch rows never interact, so the loop runs separately on blocks of rows
(cache-sized, spread over threads: see `parallel.py`); the math is unchanged. Shapes: T time, B batch, I input, H hidden, P = proj_size or H, G = gates*H.
"""
from __future__ import annotations

from typing import NamedTuple

from .backend import namespace_of
from .cells import StepWeights
from .parallel import map_blocks, row_blocks


class DirectionCache(NamedTuple):
    x: object        # T,B,I   input in processing order
    h_prev: object   # T,B,P   recurrent input of each step (initial state, h_0, ..., h_{T-2})
    blocks: list     # slices of batch rows, each run through the time loop on its own
    steps: list      # [block][t] cell caches
    reverse: bool


def _flip(a, reverse):
    return a[::-1] if reverse else a


def direction_forward(cell, x, state0, p, nonlinearity="tanh", reverse=False):
    """Run one direction. x (T,B,I), state0 tuple of (B,*) -> out (T,B,P), state_T, cache.

    `p` maps 'w_ih', 'w_hh', 'b_ih', 'b_hh', 'w_hr' to arrays (or None).
    """
    xp = namespace_of(x)
    xs = _flip(x.copy(), reverse)  # T,B,I processing order; a copy: backward reads it
    T, B, _ = xs.shape
    gx = xs @ p["w_ih"].T                                     # T,B,G
    if p["b_ih"] is not None:
        gx += p["b_ih"]
        if cell.FOLD_HH_BIAS:
            gx += p["b_hh"]
    w = StepWeights(p["w_hh"], p["b_hh"], p["w_hr"], nonlinearity)
    hs = xp.empty((T + 1, B, state0[0].shape[1]), dtype=x.dtype)  # T+1,B,P
    hs[0] = state0[0]

    def scan(rows):  # the time loop for one block of batch rows
        state, steps = tuple(s[rows] for s in state0), []
        for t in range(T):
            state, cache = cell.forward(gx[t, rows], state, w)
            hs[t + 1, rows] = state[0]
            steps.append(cache)
        return state, steps

    blocks = row_blocks(B, gx.shape[2], xp)
    results = map_blocks(scan, blocks)
    state = tuple(xp.concatenate(parts) if len(blocks) > 1 else parts[0]
                  for parts in zip(*(r[0] for r in results)))
    out = _flip(hs[1:], reverse).copy()  # T,B,P time order; a copy, so callers may edit it
    return out, state, DirectionCache(xs, hs[:-1], blocks, [r[1] for r in results], reverse)


def direction_backward(cell, dout, dstate_T, cache, p, grads, nonlinearity="tanh",
                       truncate=None):
    """Backward through one direction; ACCUMULATES into `grads` (same keys as `p`).

    dout (T,B,P): gradient on every output; dstate_T: tuple, gradient on the final state.
    truncate=k: the gradient carried from step T-k back to step T-k-1 is dropped, as if
    the state had been detached there (torch: run x[:T-k], detach h, run x[T-k:]).
    Returns dx (T,B,I) in time order and dstate0 (tuple).
    """
    xp = namespace_of(dout)
    dout = _flip(dout, cache.reverse)                         # processing order
    T, B, _ = dout.shape
    w = StepWeights(p["w_hh"], p["b_hh"], p["w_hr"], nonlinearity)
    G = p["w_hh"].shape[0]
    dGX = xp.empty((T, B, G), dtype=dout.dtype)               # T,B,G
    dGH = dGX if cell.FOLD_HH_BIAS else xp.empty_like(dGX)    # T,B,G
    cut = None if truncate is None else T - truncate - 1

    def scan_back(block):  # the reverse time loop for one block of batch rows
        rows, steps = block
        dstate, dws = tuple(d[rows] for d in dstate_T), []
        for t in range(T - 1, -1, -1):
            if t == cut:  # the detached boundary: nothing flows back across it
                dstate = tuple(xp.zeros_like(d) for d in dstate)
            dstate = (dstate[0] + dout[t, rows],) + tuple(dstate[1:])  # output + carried
            dgx, dgh, dstate, dw = cell.backward(dstate, steps[t], w)
            dGX[t, rows] = dgx
            if dGH is not dGX:
                dGH[t, rows] = dgh
            dws.append(dw)
        return dstate, dws

    results = map_blocks(scan_back, list(zip(cache.blocks, cache.steps)))
    for _, dws in results:
        for dw in dws:
            for name, value in dw.items():
                grads[name] += value
    dstate = tuple(xp.concatenate(parts) if len(results) > 1 else parts[0]
                   for parts in zip(*(r[0] for r in results)))
    I, P = cache.x.shape[2], cache.h_prev.shape[2]
    grads["w_ih"] += dGX.reshape(T * B, G).T @ cache.x.reshape(T * B, I)        # G,I
    grads["w_hh"] += dGH.reshape(T * B, G).T @ cache.h_prev.reshape(T * B, P)   # G,P
    if grads.get("b_ih") is not None:
        grads["b_ih"] += dGX.sum(axis=(0, 1))                                  # G
        grads["b_hh"] += dGH.sum(axis=(0, 1))                                  # G
    dx = dGX @ p["w_ih"]                                                       # T,B,I
    return _flip(dx, cache.reverse), dstate
