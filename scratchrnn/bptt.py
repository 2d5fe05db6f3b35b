"""Backpropagation through time: the one loop over time, shared by RNN, LSTM and GRU.

A *direction* is one layer run one way over the sequence. Forward:

    GX = X W_ih^T + b_ih (+ b_hh)          all T input projections, ONE matrix product
    for t in 0..T-1:  state, cache_t = cell.forward(GX[:, t], state)

Backward walks the steps in reverse, adding the gradient that reaches each output
h_t to the gradient carried back from step t+1, and collects the pre-activation
gradients dGX, dGH (K,T,B,H). Every weight gradient is then ONE product over all steps
(per gate k; torch's (K*H, .) matrices are viewed as (K, H, .)):

    dW_ih[k] = sum_t dGX[k,t]^T x_t      = dGX[k].reshape(T*B, H)^T @ X.reshape(T*B, I)
    dW_hh[k] = sum_t dGH[k,t]^T h_{t-1}  = dGH[k].reshape(T*B, H)^T @ H_prev.reshape(T*B, P)
    db_ih = sum_{t,b} dGX;   db_hh = sum_{t,b} dGH
    dX    = sum_k dGX[k] @ W_ih[k]
(LSTM's projection W_hr is summed step by step, from the cell's `dw`.)

A reverse direction (bidirectional layers) is the same loop over the time-flipped
sequence. Batch rows never interact, so all of the above runs separately on blocks of
rows (cache-sized, spread over threads: see `parallel.py`) and the blocks' weight
gradients are added up; the math is unchanged, the arrays stay small.
Shapes: T time, B batch, I input, H hidden, P = proj_size or H, K gates (1, 4, 3).
"""
from __future__ import annotations

from typing import NamedTuple

from .backend import namespace_of
from .cells import StepWeights
from .parallel import map_blocks, row_blocks


class Block(NamedTuple):
    """What backward needs of one block of batch rows."""
    rows: slice
    x: object        # T,b,I   the block's input, processing order
    hs: object       # T+1,b,P initial state, h_0, ..., h_{T-1}
    steps: list      # T cell caches


class DirectionCache(NamedTuple):
    blocks: list     # Block per block of batch rows
    reverse: bool


def _flip(a, reverse):
    return a[::-1] if reverse else a


def _by_gate(p, K):
    """Views of torch's stacked parameters with the gate on a leading axis (no copy)."""
    H = p["w_hh"].shape[0] // K
    return dict(w_ih=p["w_ih"].reshape(K, H, -1),                          # K,H,I
                w_hh=p["w_hh"].reshape(K, H, -1),                          # K,H,P
                b_ih=None if p["b_ih"] is None else p["b_ih"].reshape(K, 1, 1, H),
                b_hh=None if p["b_hh"] is None else p["b_hh"].reshape(K, 1, 1, H))


def direction_forward(cell, x, state0, p, nonlinearity="tanh", reverse=False):
    """Run one direction. x (T,B,I), state0 tuple of (B,*) -> out (T,B,P), state_T, cache.

    `p` maps 'w_ih', 'w_hh', 'b_ih', 'b_hh', 'w_hr' to torch-shaped arrays (or None).
    """
    xp = namespace_of(x)
    xs = _flip(x, reverse)                                    # T,B,I processing order
    T, B, I = xs.shape
    K, P = cell.GATES, state0[0].shape[1]
    g = _by_gate(p, K)
    bias = None
    if g["b_ih"] is not None:
        bias = g["b_ih"] + g["b_hh"] if cell.FOLD_HH_BIAS else g["b_ih"]  # K,1,1,H
    b_hh = None if g["b_hh"] is None else g["b_hh"][:, 0]                  # K,1,H
    w = StepWeights(g["w_hh"], b_hh, p["w_hr"], nonlinearity)
    out = xp.empty((T, B, P), dtype=x.dtype)                               # T,B,P

    def scan(rows):  # one block of batch rows through all T steps
        xb = xs[:, rows].copy()                                            # T,b,I (ours)
        b = xb.shape[1]
        gx = (xb.reshape(T * b, I) @ g["w_ih"].transpose(0, 2, 1)).reshape(K, T, b, -1)
        if bias is not None:                                               # K,T,b,H
            gx += bias
        hs = xp.empty((T + 1, b, P), dtype=x.dtype)                         # T+1,b,P
        hs[0] = state0[0][rows]
        state, steps = tuple(s[rows] for s in state0), []
        for t in range(T):
            state, cache = cell.forward(gx[:, t], state, w)
            hs[t + 1] = state[0]
            steps.append(cache)
        out[:, rows] = hs[1:]
        return state, Block(rows, xb, hs, steps)

    results = map_blocks(scan, row_blocks(B, K * g["w_hh"].shape[1], xp))
    state = tuple(xp.concatenate(parts) if len(results) > 1 else parts[0]
                  for parts in zip(*(r[0] for r in results)))
    return _flip(out, reverse), state, DirectionCache([r[1] for r in results], reverse)


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
    K = cell.GATES
    g = _by_gate(p, K)
    w = StepWeights(g["w_hh"], None, p["w_hr"], nonlinearity)
    I = g["w_ih"].shape[2]
    dx = xp.empty((T, B, I), dtype=dout.dtype)                # T,B,I
    cut = None if truncate is None else T - truncate - 1

    def scan_back(block):  # one block of batch rows, all T steps in reverse
        rows = block.rows
        dGX = None
        dstate, dws = tuple(d[rows] for d in dstate_T), []
        for t in range(T - 1, -1, -1):
            if t == cut:  # the detached boundary: nothing flows back across it
                dstate = tuple(xp.zeros_like(d) for d in dstate)
            dstate = (dstate[0] + dout[t, rows],) + tuple(dstate[1:])  # output + carried
            dgx, dgh, dstate, dw = cell.backward(dstate, block.steps[t], w)
            if dGX is None:
                dGX = xp.empty((K, T) + dgx.shape[1:], dtype=dgx.dtype)    # K,T,b,H
                dGH = dGX if dgh is dgx else xp.empty_like(dGX)            # K,T,b,H
            dGX[:, t] = dgx
            if dGH is not dGX:
                dGH[:, t] = dgh
            dws.append(dw)
        dx[:, rows] = _input_grad(dGX, g["w_ih"])
        return dstate, dws, _weight_grads(dGX, dGH, block, bias=p["b_ih"] is not None)

    results = map_blocks(scan_back, cache.blocks)
    for _, dws, block_grads in results:
        for name, value in block_grads.items():
            grads[name] += value
        for dw in dws:
            for name, value in dw.items():
                grads[name] += value
    dstate = tuple(xp.concatenate(parts) if len(results) > 1 else parts[0]
                   for parts in zip(*(r[0] for r in results)))
    return _flip(dx, cache.reverse), dstate


def _input_grad(dGX, w_ih):
    """dX = sum_k dGX[k] @ W_ih[k]: (K,T,b,H), (K,H,I) -> (T,b,I)."""
    K, T, b, H = dGX.shape
    return (dGX.reshape(K, T * b, H) @ w_ih).sum(axis=0).reshape(T, b, -1)


def _weight_grads(dGX, dGH, block, bias: bool) -> dict:
    """One product per weight over all T steps of a block (torch's (K*H, .) shapes)."""
    K, T, b, H = dGX.shape
    gx_cols = dGX.reshape(K, T * b, H).transpose(0, 2, 1)                  # K,H,T*b
    gh_cols = dGH.reshape(K, T * b, H).transpose(0, 2, 1)                  # K,H,T*b
    grads = {
        "w_ih": (gx_cols @ block.x.reshape(T * b, -1)).reshape(K * H, -1),  # K*H,I
        "w_hh": (gh_cols @ block.hs[:-1].reshape(T * b, -1)).reshape(K * H, -1),  # K*H,P
    }
    if bias:  # sums over t and b, as products with ones: faster than .sum here
        ones = namespace_of(dGX).ones(T * b, dtype=dGX.dtype)              # T*b
        grads["b_ih"] = (gx_cols @ ones).reshape(K * H)                   # K*H
        grads["b_hh"] = (gh_cols @ ones).reshape(K * H)                   # K*H
    return grads
