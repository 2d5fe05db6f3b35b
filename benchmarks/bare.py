"""The engine's LSTM calls, bare, and the same on two processes: what benchmarks/floor.py times.

`bare_lstm` is exactly the NumPy calls of the engine's bound LSTM steps (kernels/lstm.py),
in a plain loop over views made beforehand: no layers, no model, no checks. `Pair` runs
them on half the batch here and on the other half in a second process at the same time,
woken as the engine's workers are, and done when a counter in shared memory says so: no
data moves, no pickles.
It is the best any split of a batch over two processes could do with these calls, the
engine's included. NumPy only (a Pair's process must not import torch).
"""
from __future__ import annotations

import mmap
import os
import subprocess
import sys

import numpy as np

from scratchrnn.engine.loop import (SLOPE_STEPS, STEP_DW_MIN, bind_step_weight_gradients,
                                    weight_gradient)
from scratchrnn.engine.parallel import warm_blas

T = 50


def bare_lstm(H: int, B: int, train: bool, W=None, z=None):
    """A callable running the engine's LSTM calls, bare, for T steps on B columns (float32).

    W (4H, H+2): the packed weights (loop.pack), z (T+1, H+2, B): [h; x; 1] with h_0 and
    x filled in; random if not given. The outputs h_t land in z[t+1, :H], as in the engine
    (tests/benchmarks check them against the engine's LSTM). The calls are the bound
    steps' (kernels/lstm.py): out by position, 1 as a 0-d array, every view made before.
    Its process's BLAS is warmed first, as the engine warms each of its processes
    (parallel.warm_blas): a second process that is not ran its products up to 3x slower.
    """
    warm_blas()
    rng = np.random.default_rng(0)
    F = H + 2                                                   # [h; x; 1], one feature
    if W is None:
        W = (rng.standard_normal((4 * H, F)) * 0.3).astype(np.float32)
    if z is None:
        z = rng.standard_normal((T + 1, F, B)).astype(np.float32)
    n, dtype = z.shape[0] - 1, z.dtype
    one = np.ones((), dtype)
    a = np.zeros((n + 1, 6, H, B), dtype)          # o, i, f, g, c (c_0 = 0), tanh(c')
    k = min(n, SLOPE_STEPS)                                     # as loop.backward_rows
    s = np.empty((k, 5, H, B), dtype)                           # the slopes of k steps
    da = np.empty((n, 4, H, B), dtype)
    tmp, dc = (np.zeros((m, H, B), dtype) for m in (2, 2))
    dhx = np.zeros((n + 1, H + 1, B), dtype)                    # [dh; dx] per step
    dW = np.zeros((4 * H, F), dtype)                            # as loop.backward_rows:
    add_dW = bind_step_weight_gradients(da.reshape(n, 4 * H, B), z[:n], dW) \
        if 4 * H * F >= STEP_DW_MIN else [None] * n             # dW step by step, or after
    size = 4 * H * (F - 1) + 8 * H + H + 1                      # LSTMModel's parameters,
    adam = tuple(np.zeros(size, dtype) for _ in range(4))       # in one buffer (engine/flat)
    forward_views = [(z[t], a[t, :4].reshape(4 * H, B), a[t, :3], a[t, 0], a[t, 3],
                      a[t, 1:3], a[t, 3:5], a[t + 1, 4], a[t, 5], z[t + 1, :H])
                     for t in range(n)]
    backward_views = [(t - t % k if t == n - 1 or t % k == k - 1 else None, t + 1, a[t, 1],
                       a[t, 2], a[t, 3:5], a[t, 5], s[t % k, 4], s[t % k, :4], da[t],
                       da[t].reshape(4 * H, B), dhx[t + 1, :H], dhx[t], dc[(t + 1) % 2],
                       dc[t % 2], add_dW[t])
                      for t in range(n - 1, -1, -1)]            # (block start, its end, ...)
    exp, add, divide, tanh, multiply, subtract, dot = (
        np.exp, np.add, np.divide, np.tanh, np.multiply, np.subtract, np.dot)

    def forward():
        for z_t, a_t, oif, o, g, i_f, g_c, c, tanh_c, h in forward_views:
            dot(W, z_t, a_t)
            exp(oif, oif)
            add(oif, one, oif)
            divide(one, oif, oif)
            tanh(g, g)
            multiply(i_f, g_c, tmp)
            add(tmp[0], tmp[1], c)
            tanh(c, tanh_c)                                     # kept for backward
            multiply(o, tanh_c, h)

    def slopes(t0, t1):                                         # steps t0..t1-1: 7 calls
        g, r = a[t0:t1], s[:t1 - t0]
        subtract(g[:, :3], one, r[:, :3])
        multiply(r[:, :3], g[:, :3], r[:, :3])
        multiply(g[:, 3], g[:, 3], r[:, 3])
        subtract(one, r[:, 3], r[:, 3])
        multiply(g[:, 5], g[:, 5], r[:, 4])
        subtract(one, r[:, 4], r[:, 4])
        multiply(r[:, 4], g[:, 0], r[:, 4])

    def backward():
        w_hx = np.ascontiguousarray(W[:, :H + 1].T)            # as loop.backward_rows
        dW.fill(0)
        for t0, t1, i, f, g_c, tanh_c, s_c, s_g, d, d_t, dm, dhx_t, dc_next, dc_prev, \
                add_dW_t in backward_views:
            if t0 is not None:                                  # a block of k steps begins
                slopes(t0, t1)
            multiply(dm, tanh_c, d[0])
            multiply(dm, s_c, tmp[0])
            add(tmp[0], dc_next, tmp[0])
            multiply(tmp[0], g_c, d[1:3])
            multiply(tmp[0], i, d[3])
            multiply(tmp[0], f, dc_prev)
            multiply(d, s_g, d)
            dot(w_hx, d_t, dhx_t)                               # [dh_{t-1}; dx_t]
            if add_dW_t is not None:
                add_dW_t()                                      # dW += da_t z_t^T
        if add_dW[0] is None:
            weight_gradient(da.reshape(n, 4 * H, B), z[:n])                   # dW
        dhx[:n, H:].transpose(0, 2, 1).copy()                                  # dx

    def adam_step():
        p, grad, m, v = adam                                 # torch's Adam, 8 calls
        m *= 0.9
        m += 0.1 * grad
        v *= 0.999
        v += 0.001 * grad * grad
        p -= 1e-3 * m / (np.sqrt(v) + 1e-8)

    def run():
        forward()
        if train:
            backward()
            adam_step()
    run.z, run.forward, run.backward, run.adam = z, forward, backward, adam_step
    return run


class Pair:
    """bare_lstm(H, B // 2, train) here and in a second process, together (Linux only).

    The second process is woken as the engine's workers are (a byte through a pipe,
    which it polls for workers.SPIN_S before it blocks) and says it is done through a
    counter in shared memory, which this process spins on."""

    def __init__(self, H: int, B: int, train: bool):
        fd = os.memfd_create("floor-pair")
        try:
            os.ftruncate(fd, 8)
            self.counter = mmap.mmap(fd, 8)
            self.proc = second_process(f"from benchmarks.bare import serve; "
                                       f"serve({fd}, {H}, {B - B // 2}, {train})", pass_fds=(fd,))
        finally:
            os.close(fd)                                   # the mapping keeps the memory
        self.done = np.ndarray((1,), np.int64, self.counter)
        self.here, self.asked = bare_lstm(H, B // 2, train), 0
        try:
            self()  # waits until the other process is up
        except BaseException:
            self.close()
            raise

    def __call__(self):
        self.asked += 1
        try:
            os.write(self.proc.stdin.fileno(), b"x")
        except BrokenPipeError:
            self.proc.wait()
        self.here()
        while self.done[0] != self.asked:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the floor's second process exited ({self.proc.returncode})")

    def close(self):
        """Stop the second process (killed if it does not stop within 10 s)."""
        stop(self.proc)
        del self.done
        self.counter.close()


def second_process(code: str, **popen) -> subprocess.Popen:
    """Python running `code` from the repository's root, its BLAS on one thread, its
    input a pipe from this process."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, cwd=root,
                            env=dict(os.environ, OPENBLAS_NUM_THREADS="1"), **popen)


def stop(proc) -> None:
    """Close a second process's input, so that it ends; kill it if it has not in 10 s."""
    proc.stdin.close()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def serve(fd: int, H: int, B: int, train: bool) -> None:
    """The second process of a Pair: run the calls for each byte on stdin."""
    from scratchrnn.engine.workers import SPIN_S, _wait_readable  # noqa: PLC0415
    done = np.ndarray((1,), np.int64, mmap.mmap(fd, 8))
    run, inp = bare_lstm(H, B, train), sys.stdin.buffer
    while True:
        _wait_readable(inp, SPIN_S)
        if not inp.read(1):
            return
        run()
        done[0] += 1
