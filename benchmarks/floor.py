"""The floor: an LSTM's NumPy calls alone, against torch's whole work, in the same run.

Where torch's fused LSTM still wins (small batches, docs/benchmarks.md), is the engine's
Python the cause, or NumPy itself? This times the fast engine's arithmetic stripped to
its bare NumPy calls, in a plain loop on one core: per step forward the one matrix
product and the eight elementwise calls of kernels/lstm.py; for a training step also the
backward's product and seven calls per step, the slopes, the batched weight gradient and
one Adam update of every parameter (about eight calls each). No layers, no model, no
checks: only the calls the engine's bound steps make (kernels/__init__.py). It is timed
on the whole batch and on half of it (a perfect split over two cores, with no process
round trip), and the floor is the smaller. If the floor is above torch's time, no
rearrangement of these calls in Python closes the gap: only fewer calls would, i.e. a
compiled fused kernel, which NumPy does not have.

    python -m benchmarks.floor                              # the LSTM cases of the parity grid
    python -m benchmarks.floor --cases lstm:32:64:inference gru:64:64:train

Written for the LSTM (the model torch fuses); other models are refused.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np
import torch

from scratchrnn import set_num_threads
from scratchrnn.engine.parallel import blas_threads

from .cases import Case, make_data, scratch_work, torch_work
from .timing import interleaved, summary

T = 50
DEFAULT = [f"lstm:{h}:{b}:{m}" for m in ("inference", "train") for b in (64, 700)
           for h in (16, 32, 64, 128)]


def bare_lstm(H: int, B: int, train: bool, W=None, z=None):
    """A callable running the engine's LSTM calls, bare, for T steps on B columns (float32).

    W (4H, H+2): the packed weights (loop.pack), z (T+1, H+2, B): [h; x; 1] with h_0 and
    x filled in; random if not given. The outputs h_t land in z[t+1, :H], as in the engine
    (tests/benchmarks check them against the engine's LSTM). The calls are the bound
    steps' (kernels/lstm.py): out by position, 1 as a 0-d array, every view made before.
    """
    rng = np.random.default_rng(0)
    F = H + 2                                                   # [h; x; 1], one feature
    if W is None:
        W = (rng.standard_normal((4 * H, F)) * 0.3).astype(np.float32)
    if z is None:
        z = rng.standard_normal((T + 1, F, B)).astype(np.float32)
    n, dtype = z.shape[0] - 1, z.dtype
    one = np.ones((), dtype)
    a = np.zeros((n + 1, 5, H, B), dtype)                       # o, i, f, g, c (c_0 = 0)
    s = np.empty((n, 6, H, B), dtype)
    da = np.empty((n, 4, H, B), dtype)
    tmp, dh, dc = (np.zeros((k, H, B), dtype) for k in (3, 2, 2))
    shapes = [(4 * H, 1), (4 * H, H), (4 * H,), (4 * H,), (1, H), (1,)]  # LSTMModel's
    adam = [tuple(np.zeros(shape, dtype) for _ in range(4)) for shape in shapes]
    forward_views = [(z[t], a[t, :4].reshape(4 * H, B), a[t, :3], a[t, 0], a[t, 3],
                      a[t, 1:3], a[t, 3:5], a[t + 1, 4], z[t + 1, :H]) for t in range(n)]
    backward_views = [(a[t, 1], a[t, 2], a[t, 3:5], s[t, 5], s[t, 4], s[t, :4], da[t],
                       da[t].reshape(4 * H, B), dh[(t + 1) % 2], dh[t % 2], dc[(t + 1) % 2],
                       dc[t % 2]) for t in range(n - 1, -1, -1)]
    exp, add, divide, tanh, multiply, subtract, dot = (
        np.exp, np.add, np.divide, np.tanh, np.multiply, np.subtract, np.dot)

    def forward():
        for z_t, a_t, oif, o, g, i_f, g_c, c, h in forward_views:
            dot(W, z_t, a_t)
            exp(oif, oif)
            add(oif, one, oif)
            divide(one, oif, oif)
            tanh(g, g)
            multiply(i_f, g_c, tmp[:2])
            add(tmp[0], tmp[1], c)
            tanh(c, tmp[2])
            multiply(o, tmp[2], h)

    def backward():
        g = a[:n]
        subtract(g[:, :3], one, s[:, :3])                       # the slopes: 8 calls
        multiply(s[:, :3], g[:, :3], s[:, :3])
        multiply(g[:, 3], g[:, 3], s[:, 3])
        subtract(one, s[:, 3], s[:, 3])
        tanh(a[1:, 4], s[:, 5])
        multiply(s[:, 5], s[:, 5], s[:, 4])
        subtract(one, s[:, 4], s[:, 4])
        multiply(s[:, 4], g[:, 0], s[:, 4])
        w_h = W[:, :H].T
        for i, f, g_c, tanh_c, s_c, s_g, d, d_t, dm, dh_prev, dc_next, dc_prev in \
                backward_views:
            multiply(dm, tanh_c, d[0])
            multiply(dm, s_c, tmp[0])
            add(tmp[0], dc_next, tmp[0])
            multiply(tmp[0], g_c, d[1:3])
            multiply(tmp[0], i, d[3])
            multiply(tmp[0], f, dc_prev)
            multiply(d, s_g, d)
            dot(w_h, d_t, dh_prev)
        (da.reshape(n, 4 * H, B) @ z[:n].transpose(0, 2, 1)).sum(axis=0)      # dW
        W[:, H:H + 1].T @ da.reshape(n, 4 * H, B)                              # dx

    def adam_step():
        for p, grad, m, v in adam:                           # torch's Adam, 8 calls
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
    run.z = z
    return run


def floor_ms(case: Case, repeats: int) -> tuple[float, float]:
    """(whole batch, half of it): medians in ms of the bare calls on one core."""
    out = []
    with blas_threads(1):
        for rows in (case.batch, case.batch // 2):
            work = bare_lstm(case.hidden, rows, case.mode == "train")
            out.append(summary(interleaved({"bare": work}, repeats)["bare"])["median_ms"])
    return out[0], out[1]


def parse(spec: str) -> Case:
    model, hidden, batch, mode = spec.split(":")
    if model != "lstm" or mode not in ("train", "inference"):
        raise argparse.ArgumentTypeError(f"{spec!r}: expected lstm:H:B:train|inference")
    return Case(model, int(hidden), T, int(batch), mode)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.floor", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", nargs="+", type=parse, default=[parse(c) for c in DEFAULT],
                   metavar="lstm:H:B:MODE", help="cases (default: the LSTM at B 64 and 700)")
    p.add_argument("--repeats", type=int, default=9, help="timed runs per number (default 9)")
    p.add_argument("--threads", type=int, default=2, help="cores for torch and the engine")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    set_num_threads(args.threads)
    print("| mode | H | B | floor, whole batch, 1 core | floor, half batch | engine ms | "
          "torch ms | floor / torch | engine / torch |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for case in args.cases:
        x, y = make_data(case)
        model, ours = scratch_work(case, x, y)
        times = interleaved({"fast": ours, "torch": torch_work(case, model, x, y)},
                            args.repeats)
        fast, theirs = (summary(times[k])["median_ms"] for k in ("fast", "torch"))
        whole, half = floor_ms(case, args.repeats)
        floor = min(whole, half)
        print(f"| {case.mode} | {case.hidden} | {case.batch} | {whole:.2f} | {half:.2f} | "
              f"{fast:.2f} | {theirs:.2f} | {floor / theirs:.2f} | {fast / theirs:.2f} |",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
