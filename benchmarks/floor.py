"""The floor: an LSTM's NumPy calls alone, against torch's whole work, in the same run.

Where torch's fused LSTM still wins (small batches, docs/benchmarks.md), is the engine's
Python the cause, or NumPy itself? This times the fast engine's arithmetic stripped to
its bare NumPy calls, in a plain loop on one core: per step forward the one matrix
product and the seven elementwise calls of kernels/lstm.py; for a training step also the
backward's product and seven calls per step, the slopes, the batched weight gradient and
one Adam update of every parameter (about eight calls each). No kernel functions, no
caches, no checks. It is timed on the whole batch and on half of it (a perfect split
over two cores, with no process round trip), and the floor is the smaller. If the floor
is above torch's time, no rearrangement of these calls in Python closes the gap: only
fewer calls would, i.e. a compiled fused kernel, which NumPy does not have.

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
    (tests/benchmarks check them against the engine's LSTM).
    """
    rng = np.random.default_rng(0)
    F = H + 2                                                   # [h; x; 1], one feature
    if W is None:
        W = (rng.standard_normal((4 * H, F)) * 0.3).astype(np.float32)
    if z is None:
        z = rng.standard_normal((T + 1, F, B)).astype(np.float32)
    n_steps = z.shape[0] - 1
    a = np.zeros((n_steps + 1, 5 * H, B), z.dtype)             # o, i, f, g, c (c_0 = 0)
    s = np.full((n_steps, 5, H, B), 0.1, z.dtype)
    da = np.empty((n_steps, 4 * H, B), z.dtype)
    tanh_c = np.empty((n_steps, H, B), z.dtype)
    shapes = [(4 * H, 1), (4 * H, H), (4 * H,), (4 * H,), (1, H), (1,)]  # LSTMModel's
    adam = [tuple(np.zeros(shape, np.float32) for _ in range(4)) for shape in shapes]

    def forward():
        for t in range(n_steps):
            at = a[t]
            np.matmul(W, z[t], out=at[:4 * H])
            sig = at[:3 * H]
            np.exp(sig, out=sig)
            sig += 1
            np.reciprocal(sig, out=sig)
            np.tanh(at[3 * H:4 * H], out=at[3 * H:4 * H])
            prod = at[H:3 * H] * at[3 * H:]
            np.add(prod[:H], prod[H:], out=a[t + 1, 4 * H:])
            np.tanh(a[t + 1, 4 * H:], out=tanh_c[t])
            np.multiply(at[:H], tanh_c[t], out=z[t + 1, :H])

    def backward():
        g = a[:n_steps].reshape(n_steps, 5, H, B)
        np.subtract(g[:, :3], 1, out=s[:, :3])                  # the slopes: 8 calls
        s[:, :3] *= g[:, :3]
        np.multiply(g[:, 3], g[:, 3], out=s[:, 3])
        np.subtract(1, s[:, 3], out=s[:, 3])
        np.tanh(g[:, 4], out=s[:, 4])
        s[:, 4] *= s[:, 4]
        np.subtract(1, s[:, 4], out=s[:, 4])
        s[:, 4] *= g[:, 0]
        w_h = W[:, :H].T
        dh, dc = np.zeros((H, B), np.float32), np.zeros((H, B), np.float32)
        for t in range(n_steps - 1, -1, -1):
            d = da[t].reshape(4, H, B)
            np.multiply(dh, tanh_c[t], out=d[0])
            c = dh * s[t, 4]
            c += dc
            np.multiply(c, g[t, 3:5], out=d[1:3])
            np.multiply(c, g[t, 1], out=d[3])
            dc = c * g[t, 2]
            d *= s[t, :4]
            dh = w_h @ da[t]
        (da @ z[:n_steps].transpose(0, 2, 1)).sum(axis=0)            # dW
        W[:, H:H + 1].T @ da                                     # dx

    def adam_step():
        for p, grad, m, v in adam:                              # torch's Adam, 8 calls
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
