"""Backpropagation through time: the one loop over time, shared by RNN, LSTM and GRU.

A *direction* is one layer run one way over the sequence. Arrays are feature-major (one
column per sample), as in the equations. A step is ONE matrix product, input projection
and biases included, followed by the cell's elementwise part:

    z_t = [h_{t-1}; x_t; 1]                   (P+I+1, b), kept for all t in z (T+1, P+I+1, b)
    a_t = W z_t,   W = [W_hh | W_ih | b]      (R*H, b)    every gate at once
    h_t (, c_t) = cell.forward(a_t, ...)      h_t written straight into z_{t+1}[:P]

Backward walks the steps in reverse. The gradient reaching h_t is the output's plus the
one carried back from step t+1; the cell turns it into da_t (R*H, b), and

    dh_{t-1} = W_hh^T da_t  (+ the cell's direct term, e.g. GRU's z * dh_t)

Every weight gradient is a sum of one product per step, taken in a few batched calls of
CHUNK steps as soon as those steps are done (beside the loop, on a core the loop leaves
idle: `parallel.aside`); the ones row of z_t gives the biases. The same for dx:

    dW = sum_t da_t z_t^T   (R*H, P+I+1)  ->  dW_hh, dW_ih, db_hh, db_ih
    dx_t = W_ih^T da_t
(LSTM's projection W_hr is summed step by step, from the cell's `dw`.)

`pack` builds W from torch's gate-stacked parameters in the row blocks of the cell's
LAYOUT; `unpack_grads` sends dW's blocks back to torch's names. A reverse direction
(bidirectional layers) is the same loop over the time-flipped sequence. Batch columns
never interact, so with several cores each runs the loop on its share of the columns,
in worker processes (`workers.py`); within a process the loop can also run on blocks of
columns on threads (`parallel.py`). Each has its own buffers, and their dW are added up.
The buffers come from a `Workspace` and are reused by the next call.
Shapes: T time, B batch (b in a block), I input, H hidden, P = proj_size or H,
R row blocks (RNN 1, LSTM 4, GRU 4), F = P + I + 1 (P + I without biases).
"""
from __future__ import annotations

from typing import NamedTuple

from . import workers
from .backend import Workspace, namespace_of
from .cells import StepWeights
from .parallel import aside, get_num_threads, map_blocks, row_blocks

CHUNK = 8  # every CHUNK finished steps, their slopes (forward) or products (backward) start
ASIDE_SLOPES = 16384  # forward hands slopes to a spare core only from H*B = this (below,
                      # its calls are so short that the helper's GIL hand-overs cost more)


class Block(NamedTuple):
    """What backward needs of one block of batch columns."""
    rows: slice
    z: object        # T+1,F,b  [h_{t-1}; x_t; 1] for t < T, h_T in z[T, :P]
    steps: list      # T cell caches
    fill: object     # fill(s, done): writes the slopes of the steps `done` into s
    s: object        # T,SLOPES*H,b  the cell's slopes, or None if not computed yet


class DirectionCache(NamedTuple):
    blocks: list     # Block per block of batch columns
    reverse: bool
    w: object        # R*H,F  the packed W the forward used


def _flip(a, reverse):
    return a[::-1] if reverse else a


def pack(cell, p, P):
    """W = [W_hh | W_ih | b] (R*H, F): row block j holds torch gates cell.LAYOUT[j] = (kh, kx).

    kh is the gate whose W_hh rows (and b_hh) fill the h-columns, kx the gate whose W_ih
    rows (and b_ih) fill the x-columns; None leaves them zero. The bias column (absent
    when the layer has no biases) is b_hh[kh] + b_ih[kx].
    """
    layout, K, I = cell.LAYOUT, cell.GATES, p["w_ih"].shape[1]
    H, bias = p["w_hh"].shape[0] // K, p["b_ih"] is not None
    w_hh, w_ih = p["w_hh"].reshape(K, H, P), p["w_ih"].reshape(K, H, I)
    W = namespace_of(w_hh).zeros((len(layout), H, P + I + bias), dtype=w_hh.dtype)
    for j, (kh, kx) in enumerate(layout):
        if kh is not None:
            W[j, :, :P] = w_hh[kh]
            if bias:
                W[j, :, -1] += p["b_hh"].reshape(K, H)[kh]
        if kx is not None:
            W[j, :, P:P + I] = w_ih[kx]
            if bias:
                W[j, :, -1] += p["b_ih"].reshape(K, H)[kx]
    return W.reshape(-1, W.shape[2])


def unpack_grads(cell, dW, grads, P):
    """ADD dW (R*H, F) to torch-shaped `grads` ('w_hh', 'w_ih', 'b_hh', 'b_ih'): pack's inverse."""
    layout, K, I = cell.LAYOUT, cell.GATES, grads["w_ih"].shape[1]
    H, bias = grads["w_hh"].shape[0] // K, grads["b_ih"] is not None
    dW = dW.reshape(len(layout), H, -1)
    g_hh, g_ih = grads["w_hh"].reshape(K, H, P), grads["w_ih"].reshape(K, H, I)  # views
    for j, (kh, kx) in enumerate(layout):
        if kh is not None:
            g_hh[kh] += dW[j, :, :P]
            if bias:
                grads["b_hh"].reshape(K, H)[kh] += dW[j, :, -1]
        if kx is not None:
            g_ih[kx] += dW[j, :, P:P + I]
            if bias:
                grads["b_ih"].reshape(K, H)[kx] += dW[j, :, -1]


def direction_forward(cell, x, state0, p, nonlinearity="tanh", reverse=False,
                      workspace=None, last_only=False, slopes=True):
    """Run one direction. x (T,B,I), state0 tuple of (B,*) -> out, state_T, cache.

    out: (T,B,P) in time order, or with last_only=True only the output at time T-1 (B,P).
    slopes=True also computes each step's slopes for backward, CHUNK steps at a time
    beside the loop (False, e.g. in eval mode: backward computes them if it is called).
    `p` maps 'w_ih', 'w_hh', 'b_ih', 'b_hh', 'w_hr' to torch-shaped arrays (or None).
    With several cores and enough work, worker processes take shares of the batch rows.
    """
    xp = namespace_of(x)
    ws = workspace or Workspace(xp)
    T, B, I = x.shape
    H, P = p["w_hh"].shape[0] // cell.GATES, p["w_hh"].shape[1]
    macs = len(cell.LAYOUT) * H * (P + I + 1)                # a sample's step: W [h; x; 1]
    rows = workers.shares(B, T * B * macs, get_num_threads(), xp)
    if len(rows) > 1:  # worker processes take rows[1:] (None: they are busy or absent)
        shared = workers.forward(_forward_rows, rows, ws, cell, x, state0, p, nonlinearity,
                                 reverse, last_only, slopes)
        if shared is not None:
            return shared
    return _forward_rows(cell, x, state0, p, nonlinearity, reverse, ws, last_only, slopes)


def _forward_rows(cell, x, state0, p, nonlinearity, reverse, ws, last_only, slopes):
    """direction_forward in this process (its threads share the rows, see parallel.py)."""
    xp = namespace_of(x)
    xs = _flip(x, reverse)                                    # T,B,I processing order
    T, B, I = xs.shape
    P, R = state0[0].shape[1], len(cell.LAYOUT)
    W = pack(cell, p, P)                                      # R*H,F
    H, F, dtype = W.shape[0] // R, W.shape[1], W.dtype
    w = StepWeights(p["w_hr"], nonlinearity)
    out = xp.empty((B, P) if last_only else (T, B, P), dtype=dtype)
    t_last = 0 if reverse else T - 1                          # the step that is time T-1
    blocks = row_blocks(B, R * H, R * H * F, xp)

    def scan(job):  # one block of batch columns through all T steps
        n, rows = job
        b = rows.stop - rows.start
        z = ws.empty(("z", n), (T + 1, F, b), dtype)          # [h_{t-1}; x_t; 1] per step
        a = ws.empty(("a", n), (T, R * H, b), dtype)          # pre-activations -> gates
        cs = [ws.empty(("c", n, k), (T + 1, s0.shape[1], b), dtype)  # LSTM's cell state
              for k, s0 in enumerate(state0[1:])]
        z[:T, P:P + I] = xs[:, rows].transpose(0, 2, 1)       # x_t as columns
        if F > P + I:
            z[:, -1] = 1
        z[0, :P] = state0[0][rows].T
        for c, s0 in zip(cs, state0[1:]):
            c[0] = s0[rows].T

        def fill(into, done):  # the slopes of steps `done`, from what forward left in z, a, cs
            after = slice(done.start + 1, done.stop + 1)
            cell.slopes(a[done].reshape(-1, R, H, b), (z[done, :P], *(c[done] for c in cs)),
                        (z[after, :P], *(c[after] for c in cs)),
                        into[done].reshape(-1, cell.SLOPES, H, b), w)

        slope = ws.empty(("s", n), (T, cell.SLOPES * H, b), dtype) if slopes else None
        states = list(zip(z[:, :P], *cs))                     # (h_t, c_t) views, t = 0..T
        gates = a.reshape(T, R, H, b)
        steps = []
        for t in range(T):
            xp.matmul(W, z[t], out=a[t])                      # a_t = W [h; x; 1]
            steps.append(cell.forward(gates[t], states[t], states[t + 1], w))
            if slope is not None and (t % CHUNK == CHUNK - 1 or t == T - 1):
                later(fill, slope, slice(t - t % CHUNK, t + 1))  # those steps are final
        if last_only:
            out[rows] = z[t_last + 1, :P].T
        else:
            out[:, rows] = z[1:, :P].transpose(0, 2, 1)
        final = (z[T, :P],) + tuple(c[T] for c in cs)         # copies: z, c are reused
        return tuple(f.T.copy() for f in final), Block(rows, z, steps, fill, slope)

    with aside(len(blocks), worth=H * B >= ASIDE_SLOPES) as later:
        results = map_blocks(scan, list(enumerate(blocks)))
    state = tuple(xp.concatenate(parts) if len(results) > 1 else parts[0]
                  for parts in zip(*(r[0] for r in results)))
    out = out if last_only else _flip(out, reverse)
    return out, state, DirectionCache([r[1] for r in results], reverse, W)


def direction_backward(cell, dout, dstate_T, cache, p, grads, nonlinearity="tanh",
                       truncate=None, workspace=None):
    """Backward through one direction; ACCUMULATES into `grads` (same keys as `p`).

    dout: gradient on the outputs, (T,B,P) in time order, or (B,P) on the output at time
    T-1 only (after a last_only forward); dstate_T: tuple, gradient on the final state.
    truncate=k: the gradient carried from step T-k back to step T-k-1 is dropped, as if
    the state had been detached there (torch: run x[:T-k], detach h, run x[T-k:]).
    Returns dx (T,B,I) in time order and dstate0 (tuple).
    """
    ws = workspace or Workspace(namespace_of(dout))
    if isinstance(cache, workers.SharedCache):  # the forward was shared with workers
        return workers.backward(_backward_rows, cache, ws, cell, dout, dstate_T, p, grads,
                                nonlinearity, truncate)
    return _backward_rows(cell, dout, dstate_T, cache, p, grads, nonlinearity, truncate, ws)


def _backward_rows(cell, dout, dstate_T, cache, p, grads, nonlinearity, truncate, ws):
    """direction_backward in this process (its threads share the rows, see parallel.py)."""
    xp = namespace_of(dout)
    W, reverse = cache.w, cache.reverse
    T, R = len(cache.blocks[0].steps), len(cell.LAYOUT)
    B, P = dstate_T[0].shape
    RH, F, dtype = W.shape[0], W.shape[1], W.dtype
    H, I = RH // R, F - P - (p["b_ih"] is not None)
    w = StepWeights(p["w_hr"], nonlinearity)
    w_h, w_x = W[:, :P].T, W[:, P:P + I].T                    # P,R*H  I,R*H
    last_only = dout.ndim == 2
    dout = dout if last_only else _flip(dout, reverse)        # processing order
    t_last = 0 if reverse else T - 1
    cut = None if truncate is None else T - truncate - 1
    dx = xp.empty((T, B, I), dtype=dtype)                     # T,B,I

    def products(da, z, dx_out, dWs):  # what steps t0..t1 contribute to dW and dx
        dWs.append((da @ z.transpose(0, 2, 1)).sum(axis=0))  # sum_t da_t z_t^T  R*H,F
        dx_out[...] = (w_x @ da).transpose(0, 2, 1)           # dx_t = W_ih^T da_t  t,b,I

    def scan_back(job):  # one block of batch columns, all T steps in reverse
        n, block = job
        rows, b = block.rows, block.rows.stop - block.rows.start
        da = ws.empty(("da", n), (T, RH, b), dtype)           # d(pre-activations)
        s = block.s
        if s is None:  # forward skipped them (eval mode): all steps now
            s = ws.empty(("s", n), (T, cell.SLOPES * H, b), dtype)
            block.fill(s, slice(0, T))
        s = s.reshape(T, cell.SLOPES, H, b)
        dh = dstate_T[0][rows].T.copy()                       # P,b (ours: updated in place)
        dc = [d[rows].T.copy() for d in dstate_T[1:]]         # H,b LSTM's cell state
        dws, dWs = [], []
        for t in range(T - 1, -1, -1):
            if t == cut:  # the detached boundary: nothing flows back across it
                dh, dc = xp.zeros_like(dh), [xp.zeros_like(d) for d in dc]
            if not last_only:
                dh += dout[t, rows].T                         # output + carried
            elif t == t_last:
                dh += dout[rows].T
            direct, dw = cell.backward((dh, *dc), block.steps[t], s[t], da[t].reshape(R, H, b),
                                       w)
            dh = w_h @ da[t]                                  # dh_{t-1} = W_hh^T da_t
            if direct[0] is not None:
                dh += direct[0]
            dc = list(direct[1:])
            if dw:
                dws.append(dw)
            if t % CHUNK == 0:  # steps t .. t+CHUNK-1 are final: their products can start
                done = slice(t, min(t + CHUNK, T))
                later(products, da[done], block.z[done], dx[done, rows], dWs)
        return (dh.T, *(d.T for d in dc)), dws, dWs

    with aside(len(cache.blocks)) as later:
        results = map_blocks(scan_back, list(enumerate(cache.blocks)))
    unpack_grads(cell, sum(dW for r in results for dW in r[2]), grads, P)
    for _, dws, _ in results:
        for dw in dws:
            for name, value in dw.items():
                grads[name] += value
    dstate = tuple(xp.concatenate(parts) if len(results) > 1 else parts[0]
                   for parts in zip(*(r[0] for r in results)))
    return _flip(dx, reverse), dstate
