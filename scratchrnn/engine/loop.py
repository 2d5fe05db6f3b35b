"""The fast loop over time: the lesson's bptt.py on packed weights and reused buffers.

Arrays are feature-major (one column per sample). A step is ONE matrix product, input
projection and biases included, followed by the kernel's elementwise part:

    z_t = [h_{t-1}; x_t; 1]                   (P+I+1, b), kept for all t in z (T+1, P+I+1, b)
    a_t = W z_t,   W = [W_hh | W_ih | b]      (R*H, b)    every gate at once
    step_t()                                  the kernel's elementwise part, bound to
                                              step t's views: h_t written straight into
                                              z_{t+1}[:P] (LSTM: c_t into a_{t+1}'s
                                              CARRIED block, tanh(c_t) into a_t's
                                              KEPT block)

except that row blocks which read no h (the GRU's W_in x + b_in, last in its LAYOUT:
`h_blocks`) are left out of that product, whose h-columns would only multiply their zeros:
a second product gives them from [x_t; 1] alone (the GRU's product a step is 3H rows
instead of 4H: docs/performance.md, step 16).

The steps are bound once per buffer layout and kept in the Workspace (`Workspace.plan`),
so a forward's loop is only calls: why, in kernels/__init__.py.

Backward walks the steps in reverse. The gradient reaching h_t is the output's plus the
one carried back from step t+1; the kernel turns it into da_t (R*H, b), and ONE product
gives both what reaches h_{t-1} and the input's gradient:

    [dh_{t-1}; dx_t] = [W_hh | W_ih]^T da_t   (P+I, b)
    dh_{t-1} += the kernel's direct term, if any (GRU's z * dh_t)

(GRU: a step's product reads only the rows that read h and gives dh_{t-1}; dx_t = W_ih^T
da_t comes from one product over all steps after the loop.)

The kernels' slopes (the derivatives backward multiplies by: sigma', tanh', ...) are
computed SLOPE_STEPS steps at a time in a few calls, just before the loop reaches those
steps (on CuPy: all T at once, when backward starts). Every weight gradient is a sum of
one product per step, added into dW as each step is done (NumPy: BLAS's gemm adds in
place) or, for a small dW and on CuPy, taken in one call after the loop
(`weight_gradient`); the ones row of z_t gives the biases:

    dW = sum_t da_t z_t^T   (R*H, P+I+1)  ->  dW_hh, dW_ih, db_hh, db_ih
(the GRU's rows that read no h: their x- and bias columns only, after the loop)
(LSTM's projection W_hr is summed step by step by the kernel, into w.dw_hr.)

`pack` builds W from torch's gate-stacked parameters in the row blocks of the kernel's
LAYOUT, negated where its SIGNS say (the sigmoid gates: see kernels/lstm.py); W_hh^T da,
W_ih^T da and dW = da z^T are then all taken in those signed rows, and `unpack_grads`
flips them back as it sends dW's blocks to torch's names. A reverse direction
(bidirectional layers) is the same loop over the time-flipped sequence. The buffers come
from a `Workspace` and are reused by the next call. This file runs in one process on one
core; `direction.py` shares the batch with worker processes (`workers.py`), on NumPy
only. On CuPy the whole batch is one block, and the LSTM and GRU steps' elementwise part
is one GPU kernel (`kernels/fused.py`: the same equations through `cupy.fuse`).
Shapes: T time, B batch (b in a block), I input, H hidden, P = proj_size or H,
R row blocks (RNN 1, LSTM 4, GRU 4), E the kernel's CARRIED blocks (LSTM 1: c_t), K its
KEPT blocks (LSTM 1: tanh(c_t)),
F = P + I + 1 (P + I without biases).
"""
from __future__ import annotations

import functools
import itertools
from typing import NamedTuple

from scipy.linalg import blas

from ..backend import backend_name, ignore_overflow, namespace_of
from .kernels import StepWeights, fused
from .parallel import blas_threads

STEP_DW_MIN = 4096  # dW's numbers (R*H*F) from which backward adds each step's product into
                    # dW as soon as the step is done: below, one product after the loop
                    # (`weight_gradient`) is cheaper (docs/performance.md, step 13)
SLOPE_STEPS = 8  # steps whose slopes backward computes at once, just before it reaches
                 # them, so they are still in the cache when read (docs/performance.md,
                 # step 11): not all T at once


class DirectionCache(NamedTuple):
    """What backward needs of a forward_rows call."""
    z: object        # T+1,F,B  [h_{t-1}; x_t; 1] for t < T, h_T in z[T, :P]
    a: object        # T+1,(R+E+K)*H,B  the activated gates (as the kernels left them)
    cs: list         # (T+1,H,B) LSTM's cell states c_0..c_T (views into a), else empty
    reverse: bool
    w: object        # R*H,F  the packed W the forward used
    w_hr: object     # P,H    and LSTM's projection, or None
    inputs: int      # I


def _flip(a, reverse):
    return a[::-1] if reverse else a


def pack(cell, p, P):
    """W = [W_hh | W_ih | b] (R*H, F): row block j holds torch gates cell.LAYOUT[j] = (kh, kx),
    times cell.SIGNS[j] (+1 or -1: exact).

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
        W[j] *= cell.SIGNS[j]
    return W.reshape(-1, W.shape[2])


def unpack_grads(cell, dW, grads, P):
    """ADD dW (R*H, F) to torch-shaped `grads` ('w_hh', 'w_ih', 'b_hh', 'b_ih'): pack's inverse."""
    layout, K, I = cell.LAYOUT, cell.GATES, grads["w_ih"].shape[1]
    H, bias = grads["w_hh"].shape[0] // K, grads["b_ih"] is not None
    dW = dW.reshape(len(layout), H, -1)
    g_hh, g_ih = grads["w_hh"].reshape(K, H, P), grads["w_ih"].reshape(K, H, I)  # views
    for j, (kh, kx) in enumerate(layout):
        block = dW[j] * cell.SIGNS[j]                         # back to torch's signs
        if kh is not None:
            g_hh[kh] += block[:, :P]
            if bias:
                grads["b_hh"].reshape(K, H)[kh] += block[:, -1]
        if kx is not None:
            g_ih[kx] += block[:, P:P + I]
            if bias:
                grads["b_ih"].reshape(K, H)[kx] += block[:, -1]


def forward_rows(cell, x, state0, W, w_hr, nonlinearity, reverse, ws, last_only, keep=True):
    """One direction in this process: x (T,B,I), state0 tuple of (B,*) -> out, state_T, cache.

    W: the packed weights (`pack`, R*H,F), w_hr: LSTM's projection (P,H) or None.
    out: (T,B,P) in time order, or with last_only=True only the output at time T-1 (B,P).
    keep=False (no_grad): cache is None, and the gates live in a ring of two steps'
    buffers (step t in a[t % 2]) instead of T+1: no backward will read them.
    """
    xp = namespace_of(x)
    xs = _flip(x, reverse)                                    # T,B,I processing order
    T, B, I = xs.shape
    P, R, E, K = state0[0].shape[1], len(cell.LAYOUT), cell.CARRIED, cell.KEPT
    H, F, dtype = W.shape[0] // R, W.shape[1], W.dtype
    S = h_blocks(cell) * H                                    # rows of W that read h
    W_h = W[:S]                                               # the rest read [x; 1] only:
    W_x = xp.ascontiguousarray(W[S:, P:]) if S < R * H else None   # the GRU's W_in | b_in
    w = StepWeights(w_hr, nonlinearity)
    z = ws.empty("z", (T + 1, F, B), dtype)                   # [h_{t-1}; x_t; 1] per step
    n = T + 1 if keep else 2                                  # steps kept: a[t % n]
    a = ws.empty("a", (n, (R + E + K) * H, B), dtype)         # pre-activations -> gates
    tmp = ws.empty("tmp", (cell.TEMP, H, B), dtype)           # the kernel's scratch
    cs = [a[:, (R + k) * H:(R + k + 1) * H] for k in range(E)]  # c_t: a[t % n, R*H:]
    z[:T, P:P + I] = xs.transpose(0, 2, 1)                    # x_t as columns
    if F > P + I:
        z[:, -1] = 1
    z[0, :P] = state0[0].T
    for c, s0 in zip(cs, state0[1:]):
        c[0] = s0.T
    bind = fused.bind_forward_of(cell, xp)                    # on CuPy: one kernel
    key = ("forward", bind, T, B, F, H, P, n, dtype, id(w.w_hr), nonlinearity)
    steps = ws.plan(key, lambda: _bind_steps(bind, z, a, tmp, cs, P, R, S, n, w))
    dot = xp.dot
    # this loop is one core's work (the others run worker shares); exp(u) may overflow
    # to inf in a sigmoid, which gives its exact limit 0
    with blas_threads(1), ignore_overflow(xp):
        for z_t, a_h, zx_t, ax_t, step in steps:
            dot(W_h, z_t, a_h)                                # a_t = W [h; x; 1]
            if ax_t is not None:
                dot(W_x, zx_t, ax_t)                          # GRU: W_in x + b_in
            step()
    t_last = 0 if reverse else T - 1                          # the step that is time T-1
    out = z[t_last + 1, :P].T.copy() if last_only else \
        _flip(z[1:, :P].transpose(0, 2, 1), reverse).copy()   # B,P or T,B,P (z is reused)
    state = (z[T, :P].T.copy(), *(c[T % n].T.copy() for c in cs))
    return out, state, DirectionCache(z, a, cs, reverse, W, w_hr, I) if keep else None


def h_blocks(cell) -> int:
    """How many of the kernel's row blocks read h: they come first in its LAYOUT (all of
    them but the GRU's last, W_in x + b_in, which reads only [x; 1])."""
    reads_h = [kh is not None for kh, _ in cell.LAYOUT]
    n = sum(reads_h)
    if not all(reads_h[:n]):
        raise ValueError(f"{cell.__name__}.LAYOUT: the blocks that read h must come first")
    return n


def _bind_steps(bind, z, a, tmp, cs, P, R, S, n, w):
    """[(z_t, a_h, zx_t, ax_t, step_t) for t < T]: the views of step t's products,
    a_t[:S] = W[:S] z_t and (rows that read only [x; 1], else None) a_t[S:] =
    W[S:, P:] z_t[P:], and its kernel step bound (kernels/__init__.py) to the views it
    reads and writes: h_t = z[t, :P] (and c_t = a[t % n, R*H:]) in, h_{t+1} =
    z[t+1, :P] (c_{t+1}) out."""
    T, B, H = z.shape[0] - 1, z.shape[2], tmp.shape[1]
    states = list(zip(z[:, :P], *(itertools.cycle(c) for c in cs)))   # (h_t, c_t), t <= T
    gates = a.reshape(n, -1, H, B)
    x_only = S < R * H
    return [(z[t], a[t % n, :S], z[t, P:] if x_only else None,
             a[t % n, S:R * H] if x_only else None,
             bind(gates[t % n], states[t], states[t + 1], tmp, w)) for t in range(T)]


def _bind_backward_steps(bind, gates, s, da, dhx, dcs, P, S, tmp, w, states):
    """[(slopes_t, step_t, direct_t, da_h, dhx_t, dh_t, new_t) for t < T]: the arguments
    of the kernel's slopes for the block of steps that ends at t (None unless t ends one:
    step t is the first of its block that backward reaches), step t's kernel backward
    bound to its views (kernels/__init__.py), the rows da_h = da[t, :S] of its
    d(pre-activation) that a step's product reads, the rows dhx[t] it fills with
    [W_hh W_ih]^T da_t (only dhx[t, :P] when there are rows that read only [x; 1]),
    of which dh_t = dhx[t, :P] is the gradient reaching the state before step t, and the
    views of the gradient reaching the state after it: dhx[t+1, :P] and, for LSTM's c,
    slot (t+1) % 2 of its two (dcs). The slopes
    of step t live in s[t % k], k = len(s), the steps of one block at a time."""
    T, k, (H, B) = da.shape[0], len(s), s.shape[2:]
    R = da.shape[1] // H                                      # da: T,R*H,B
    steps = []
    for t in range(T):
        t0 = t - t % k                                        # the block of t: t0..t0+k-1
        ends = t == T - 1 or t % k == k - 1
        slopes = (gates[t0:t + 1], tuple(x[t0:t + 1] for x in states),
                  tuple(x[t0 + 1:t + 2] for x in states), s[:t + 1 - t0]) if ends else None
        old = [dhx[t, :P]] + [d[t % 2] for d in dcs]
        new = [dhx[t + 1, :P]] + [d[(t + 1) % 2] for d in dcs]
        step, direct = bind(gates[t], s[t % k], da[t].reshape(R, H, B), new, old, tmp, w)
        steps.append((slopes, step, direct, da[t, :S], dhx[t] if S == R * H else old[0],
                      old[0], new))
    return steps


def bind_step_weight_gradients(da, z, dW):
    """[dW += da_t z_t^T, bound, for t < T]: each step's share of the weight gradient, to add
    while da_t and z_t are still in the cache (NumPy; dW (R*H, F) C-ordered). BLAS's gemm
    adds a product into its output in place (beta = 1), which NumPy's dot cannot; it works
    in Fortran's order, where dW is dW^T (F, R*H) = sum_t z_t da_t^T."""
    gemm, dWT = blas.get_blas_funcs("gemm", dtype=dW.dtype), dW.T     # F,R*H (Fortran)
    # gemm(alpha, a, b, beta, c, trans_a, trans_b, overwrite_c): c = a^T b + c, where
    # z_t^T and da_t^T are a and b as Fortran sees them; positional (keywords: 2x slower)
    return [functools.partial(gemm, 1.0, z[t].T, da[t].T, 1.0, dWT, 1, 0, 1)
            for t in range(da.shape[0])]


def weight_gradient(da, z):
    """dW = sum_t da_t z_t^T (R*H, F) of da (T, R*H, b) and z (T, F, b), in the cheaper of
    two ways. Batched: T products of b columns each, then their sum, which writes and
    reads T*R*H*F numbers. One product over all T*b columns: copies da and z time-inner
    first (T*(R*H+F)*b numbers), and BLAS runs on a K of T*b instead of b. Timed, the
    two cross where b is about F; below, one product wins (a small share of a batch, a
    large layer: LSTM, float32, one core, H = 128, b = 32: 3.0 against 3.5 ms;
    docs/performance.md, step 10)."""
    if z.shape[1] > z.shape[2]:                               # F > b
        return namespace_of(da).tensordot(da, z, axes=([0, 2], [0, 2]))
    return (da @ z.transpose(0, 2, 1)).sum(axis=0)


def add_grads(cell, dW, dw_hr, grads, P):
    """ADD backward_rows' packed gradients (dW, dw_hr) to torch-shaped `grads`."""
    unpack_grads(cell, dW, grads, P)
    if dw_hr is not None:
        grads["w_hr"] += dw_hr


def backward_rows(cell, dout, dstate_T, cache, nonlinearity, truncate, ws):
    """Backward of forward_rows: dx, dstate0, and the weights' gradients still packed.

    dout: gradient on the outputs, (T,B,P) in time order, or (B,P) on the output at time
    T-1 only (after a last_only forward); dstate_T: tuple, gradient on the final state.
    truncate=k: the gradient carried from step T-k back to step T-k-1 is dropped.
    Returns dx (T,B,I) in time order, dstate0 (tuple), dW (R*H,F: pack's rows, for
    add_grads) and dw_hr (P,H: LSTM's projection, a Workspace buffer; else None).
    """
    xp = namespace_of(dout)
    W, reverse, w_hr, I = cache.w, cache.reverse, cache.w_hr, cache.inputs
    T, R = cache.z.shape[0] - 1, len(cell.LAYOUT)
    B, P = dstate_T[0].shape
    RH, F, dtype = W.shape[0], W.shape[1], W.dtype
    H = RH // R
    S = h_blocks(cell) * H                                    # rows of W that read h
    dw_hr = None if w_hr is None else ws.empty("dw_hr", w_hr.shape, dtype)
    w = StepWeights(w_hr, nonlinearity, dw_hr)
    # [W_hh W_ih]^T as its own C-ordered copy: one product a step gives the gradient
    # reaching h_{t-1} and dx_t together (step 12); a view such as W[:, :P].T (rows F
    # apart) took OpenBLAS 1.3-1.8x as long a step (float32, B = 32; step 9). With rows
    # that read only [x; 1] (GRU), a step's product leaves them out and gives dh_{t-1}
    # alone, and dx comes from one product after the loop (step 16)
    w_hx = xp.ascontiguousarray(W[:S, :P + I if S == RH else P].T)   # P+I,R*H or P,S
    last_only = dout.ndim == 2
    dout = dout.T if last_only else _flip(dout, reverse).transpose(0, 2, 1)  # P,B / T,P,B
    t_last = 0 if reverse else T - 1
    cut = None if truncate is None else T - truncate - 1
    da = ws.empty("da", (T, RH, B), dtype)                    # d(pre-activations)
    z, cs = cache.z, cache.cs
    k = min(T, SLOPE_STEPS if backend_name(xp) == "numpy" else T)  # CuPy: all T at once
    s = ws.empty("s", (k, cell.SLOPES, H, B), dtype)          # the slopes of k steps
    gates = cache.a.reshape(T + 1, -1, H, B)                  # as the kernels left them
    # the gradient reaching the state (h_t, c_t): h's in dhx[t, :P], beside dx_t in
    # dhx[t, P:] (both from one product); c's in two slots, t % 2 (step t's old state) and
    # (t+1) % 2 (its new one); tmp is the kernel's scratch
    dhx = ws.empty("dhx", (T + 1, P + I, B), dtype)
    dcs = [ws.empty(f"dc{j}", (2, H, B), dtype) for j in range(len(cs))]
    tmp = ws.empty("tmp", (cell.TEMP, H, B), dtype)
    dhx[T, :P] = dstate_T[0].T
    for slots, d in zip(dcs, dstate_T[1:]):
        slots[T % 2] = d.T
    if dw_hr is not None:
        dw_hr.fill(0)
    add_dW = None  # each step's dW += da_t z_t^T, or None: dW in one call after the loop
    if backend_name(xp) == "numpy" and RH * F >= STEP_DW_MIN:
        dW = ws.empty("dW", (RH, F), dtype)
        dW.fill(0)
        add_dW = ws.plan(("dW", T, B, F, RH, S, dtype),
                         lambda: bind_step_weight_gradients(da[:, :S], z[:T], dW[:S]))
    bind = fused.bind_backward_of(cell, xp)                   # on CuPy: one kernel
    key = ("backward", bind, T, B, F, H, P, I, k, dtype, id(w.w_hr), nonlinearity)
    states = (z[:, :P], *cs)                                  # (h_t, c_t), t <= T
    steps = ws.plan(key, lambda: _bind_backward_steps(bind, gates, s, da, dhx, dcs, P, S,
                                                      tmp, w, states))
    add, dot, slopes_of = xp.add, xp.dot, cell.slopes
    with blas_threads(1):
        for t in range(T - 1, -1, -1):
            slopes, step, direct, da_h, dhx_t, dh, new = steps[t]
            if slopes is not None:  # step t opens a block (going back): its k steps' slopes
                slopes_of(*slopes, w)
            if t == cut:  # the detached boundary: nothing flows back across it
                for d in new:
                    d.fill(0)
            if not last_only:
                add(new[0], dout[t], new[0])                  # output + carried
            elif t == t_last:
                add(new[0], dout, new[0])
            step()                                            # da_t (LSTM: and dc_{t-1})
            dot(w_hx, da_h, dhx_t)                            # [dh_{t-1}; dx_t]
            if direct is not None:
                add(dh, direct, dh)                           # + what the kernel adds
            if add_dW is not None:
                add_dW[t]()                                   # dW += da_t z_t^T
        if add_dW is None and S == RH:
            dW = weight_gradient(da, z[:T])                   # sum_t da_t z_t^T  R*H,F
        elif add_dW is None:
            dW = xp.zeros((RH, F), dtype)
            dW[:S] = weight_gradient(da[:, :S], z[:T])        # the rows that read h
        if S < RH:                                            # the rows that read only [x; 1]
            dW[S:, P:] = weight_gradient(da[:, S:], z[:T, P:])    # (h-columns stay 0)
            dhx[:T, P:] = xp.matmul(W[:, P:P + I].T, da)      # dx_t = W_ih^T da_t
    dx = dhx[:T, P:].transpose(0, 2, 1).copy()                # T,B,I (dhx is reused)
    dstate0 = (dhx[0, :P].T.copy(), *(d[0].T.copy() for d in dcs))
    return _flip(dx, reverse), dstate0, dW, dw_hr
