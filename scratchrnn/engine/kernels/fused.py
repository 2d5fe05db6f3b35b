"""On CuPy: the elementwise part of an LSTM or GRU step as ONE GPU kernel (``cupy.fuse``).

On a GPU every array call (``xp.multiply(..., out=...)``, ``tanh``, ``+=``) is one kernel
launch, which at a step's size (a few thousand numbers) may cost more than its arithmetic:
``lstm.forward`` makes about ten of them, ``gru.forward`` too. ``cupy.fuse`` traces a
Python function of arrays once per dtype and ndim and compiles all of its elementwise
arithmetic into one kernel, so the functions below are the kernels' lines written once
more as plain equations, one line each:

    lstm_forward    o, i, f = sigma(.),  g = tanh(.),  c' = f c + i g,  m = o tanh(c')
    lstm_backward   dc = dc' + dm s_c,  d(pre-act) = [dm tanh(c'), dc g, dc c, dc i] * s
    gru_forward     r, z = sigma(.),  n = tanh(gx + r gh),  h' = n + z (h - n)
    gru_backward    da_z = dh s_z,  da_n = dh s_n,  da_r = da_n s_r,  da_gh = da_n r

What ``cupy.fuse`` allows inside (cupy/_core/fusion.pyx, tested in CuPy's
tests/cupy_tests/core_tests/fusion_tests): elementwise operators and ufuncs (``xp.exp``,
``xp.tanh``), Python scalars, ``x[...] = value`` and ``+=`` on an argument (written back
to that array: "in place"), and returning an array, a tuple of them, or None. Arguments
are arrays or scalars only, passed by position; no ``.shape``, no slicing, no matmul.
So every argument here is one (H,b) view, and views written to never overlap another.

The step functions (``lstm_step`` ...) keep the kernels' contract (engine/kernels); the
loop takes them through ``bind_forward_of`` / ``bind_backward_of``, only for CuPy arrays: NumPy runs
the kernels' own lines, untouched. The RNN step is already one call each way (nothing to
fuse); the slopes run once per backward, not per step. tests/gpu/test_cupy_standin.py
runs these very functions on a CPU stand-in for CuPy (tests/fakecupy.py); only a GPU
(scripts/gpu_check.sh) compiles them.
"""
from __future__ import annotations

import numpy as np

from ...backend import namespace_of
from . import gru, lstm

ENABLED = True  # False: CuPy runs the kernels' unfused lines too (to time what fusing buys)


def sigmoid_of_minus(u):
    """sigma(x) for u = -x (the kernels' negated rows, SIGNS): 1 / (1 + exp(u)), the
    operations of signed.bind_sigmoid_of_minus, as one expression (cupy.fuse has no out=)."""
    return 1 / (1 + namespace_of(u).exp(u))


def tanh(x):
    return namespace_of(x).tanh(x)


# -- the fused functions: the equations of the kernels' docstrings ---------------------------
def lstm_forward(o, i, f, g, c_prev, c, tanh_c, m):
    """Gates o, i, f (as u = -x), g (H,b) activated IN PLACE; writes c' into c, tanh(c')
    into tanh_c (kept for backward) and o tanh(c') into m (h' itself, or the input of the
    projection)."""
    o[...] = sigmoid_of_minus(o)                # output gate
    i[...] = sigmoid_of_minus(i)                # input gate
    f[...] = sigmoid_of_minus(f)                # forget gate
    g[...] = tanh(g)                            # candidate cell
    c[...] = i * g + f * c_prev                 # c' = f c + i g
    tanh_c[...] = tanh(c)
    m[...] = o * tanh_c                         # m = o tanh(c')


def lstm_backward(dm, dc_next, i, f, g, c_prev, tanh_c, s_o, s_i, s_f, s_g, s_c,
                  do, di, df, dg, dc_prev):
    """Writes d(pre-activation) into do, di, df, dg (H,b) and dc * f into dc_prev."""
    dc = dc_next + dm * s_c                     # everything that reaches c'
    do[...] = dm * tanh_c * s_o
    di[...] = dc * g * s_i
    df[...] = dc * c_prev * s_f
    dg[...] = dc * i * s_g
    dc_prev[...] = dc * f


def gru_forward(r, z, gh, n, h_prev, h):
    """Pre-activations r, z (as u = -x), gh = W_hn h + b_hn, n = W_in x + b_in (H,b)
    IN PLACE (n becomes the candidate); writes h' into h."""
    r[...] = sigmoid_of_minus(r)                # reset gate
    z[...] = sigmoid_of_minus(z)                # update gate
    n[...] = tanh(n + r * gh)                   # n = tanh(W_in x + b_in + r (W_hn h + b_hn))
    h[...] = (h_prev - n) * z + n               # h' = (1 - z) n + z h


def gru_backward(dh, r, z, s_z, s_n, s_r, da_r, da_z, da_gh, da_n, direct):
    """Writes d(pre-activation) into da_r, da_z, da_gh, da_n (H,b) and dh * z into direct."""
    da_z[...] = dh * s_z
    da_n[...] = dh * s_n
    da_r[...] = da_n * s_r                      # dr = da_n gh, times (r-1)r
    da_gh[...] = da_n * r                       # gh entered as r * gh
    direct[...] = dh * z


_kernels = {}


def one_kernel(fn, xp):
    """`fn` as one kernel of `xp` (xp.fuse), made once: CuPy keeps the compiled kernels in
    the object fuse returns, so it must be reused, not made again each step."""
    key = (fn, xp)
    if key not in _kernels:
        _kernels[key] = xp.fuse(kernel_name=fn.__name__)(fn)
    return _kernels[key]


# -- the steps: the kernels' contract (engine/kernels/__init__.py), fused -------------------
def lstm_step(a, state, new, tmp, w):
    """lstm.bind_forward with its elementwise lines as one kernel (lstm_forward)."""
    xp = namespace_of(a)
    kernel, w_hr = one_kernel(lstm_forward, xp), w.w_hr
    (h, c), (o, i, f, g, c_prev, tanh_c) = new, a          # H,b views (c_prev: state[1])
    m = h if w_hr is None else tmp[2]                       # H,b

    def step():
        kernel(o, i, f, g, c_prev, c, tanh_c, m)
        if w_hr is not None:
            xp.dot(w_hr, m, h)                              # h' = W_hr m
    return step


def lstm_step_backward(gates, s, da, dnew, dold, tmp, w):
    """lstm.bind_backward with its elementwise lines as one kernel (lstm_backward)."""
    kernel = one_kernel(lstm_backward, namespace_of(da))
    (dh, dc_next), dc_prev, (_, i, f, g, c_prev, tanh_c) = dnew, dold[1], gates
    dm, project = lstm.bind_projection_backward(gates, s, dh, tmp, w)

    def step():
        if project:
            project()
        kernel(dm, dc_next, i, f, g, c_prev, tanh_c, *s, *da, dc_prev)
    return step, None


def gru_step(a, state, new, tmp, w):
    """gru.bind_forward with its elementwise lines as one kernel (gru_forward)."""
    kernel = one_kernel(gru_forward, namespace_of(a))
    (r, z, gh, n), (h_prev,), (h,) = a, state, new          # H,b views

    def step():
        kernel(r, z, gh, n, h_prev, h)
    return step


def gru_step_backward(gates, s, da, dnew, dold, tmp, w):
    """gru.bind_backward with its elementwise lines as one kernel (gru_backward)."""
    kernel, direct = one_kernel(gru_backward, namespace_of(da)), tmp[0]
    (dh,), r, z = dnew, gates[0], gates[1]                  # H,b each

    def step():
        kernel(dh, r, z, *s, *da, direct)
    return step, direct


STEPS = {lstm: (lstm_step, lstm_step_backward), gru: (gru_step, gru_step_backward)}


def _fuses(cell, xp):
    return ENABLED and xp is not np and cell in STEPS


def bind_forward_of(cell, xp):
    """How the loop binds a step forward: `cell.bind_forward`, or its fused twin on CuPy."""
    return STEPS[cell][0] if _fuses(cell, xp) else cell.bind_forward


def bind_backward_of(cell, xp):
    """How the loop binds a step backward: `cell.bind_backward`, or its fused twin on CuPy."""
    return STEPS[cell][1] if _fuses(cell, xp) else cell.bind_backward
