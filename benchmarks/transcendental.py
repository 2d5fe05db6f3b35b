"""exp and tanh alone: how much of torch's inference time a step's transcendental calls
take by themselves, in the same run. For the cases where torch still wins at large batches.

Each step of the engine's kernels makes these calls, and no rearrangement removes them:

    LSTM   exp on the rows o, i, f (3H), tanh on g (H), tanh on c' (H)  (kernels/lstm.py)
    GRU    exp on the rows r, z (2H), tanh on n (H)                     (kernels/gru.py)
    RNN    tanh on its H rows (nonlinearity 'tanh')                     (kernels/rnn.py)

(the sigmoid is exp, +1, 1/. on the negated rows: kernels/signed.py). This times exactly
these calls, and nothing else, for T steps on half the batch on one core: what each of two
cores must do at the very least if the batch were split between them at no cost. The
other calls of a step (the product, the cheap elementwise ones, the hand-over) come on
top. Where "exp and tanh alone / torch" is close to 1.0 or above it, the case cannot be
closed with NumPy's exp and tanh on that machine; only faster ones would close it.

It first prints what one float32 number costs in each of exp, tanh, multiply and divide,
and in a tanh made from exp that the engine does not use (timeit, the smallest of 7
repeats), on arrays the size of one gate block of LSTM H=16 at half of B=700 (the numbers
depend on the machine: docs/benchmarks.md).

    python -m benchmarks.transcendental            # LSTM inference, GRU inference at B=700
    python -m benchmarks.transcendental --cases lstm:16:7000:inference rnn:128:64:inference

Inference only: a training step's backward makes no exp or tanh of its own (the LSTM keeps
tanh(c') from forward: docs/performance.md, step 15), but so much other work that this
ratio would say little there.
"""
from __future__ import annotations

import argparse
import sys
import timeit

import numpy as np
import torch

from scratchrnn import set_num_threads
from scratchrnn.engine.parallel import blas_threads

from .cases import Case, make_data, scratch_work, torch_work
from .timing import interleaved, summary

T = 50
CALLS = {"lstm": (("exp", 3), ("tanh", 1), ("tanh", 1)),   # (function, rows in units of H)
         "gru": (("exp", 2), ("tanh", 1)),
         "rnn": (("tanh", 1),)}
DEFAULT = [f"lstm:{h}:{b}:inference" for b in (64, 700, 7000) for h in (16, 32, 64, 128)] + \
          ["gru:64:700:inference", "gru:128:700:inference"]
COST_SIZE = 16 * 350                                 # one gate block, LSTM H=16, B=700 / 2


def parse(spec: str) -> Case:
    try:
        model, hidden, batch, mode = spec.split(":")
        case = Case(model, int(hidden), T, int(batch), mode)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{spec!r}: expected MODEL:H:B:MODE") from None
    if model not in CALLS or mode != "inference" or case.batch < 2:
        raise argparse.ArgumentTypeError(f"{spec!r}: expected rnn|lstm|gru:H:B:inference with "
                                         "B >= 2")
    return case


def transcendental_calls(model: str, hidden: int, batch: int, steps: int = T):
    """A callable making `steps` steps' exp and tanh calls of `model` on `batch` columns
    (float32), out of place into a second buffer so that the inputs stay in range."""
    rng = np.random.default_rng(0)
    pairs = [(getattr(np, name), rng.standard_normal((rows * hidden, batch), np.float32),
              np.empty((rows * hidden, batch), np.float32)) for name, rows in CALLS[model]]

    def run():
        for _ in range(steps):
            for fn, x, out in pairs:
                fn(x, out)
    return run


def cost_per_number(n: int = COST_SIZE) -> dict:
    """ns per float32 number of exp, tanh, multiply and divide on n numbers (timeit, the
    smallest of 7 repeats of 200 calls), as the kernels call them: out= given. Also
    "tanh from exp", 1 - 2 / (1 + exp(2x)) in four calls: a tanh the engine does NOT use
    (it loses digits near 0; docs/benchmarks.md), timed for the comparison."""
    x = np.random.default_rng(0).standard_normal(n, np.float32)
    out, one, minus_two = np.empty_like(x), np.ones((), np.float32), np.full((), -2, np.float32)
    x2 = 2 * x

    def tanh_from_exp():
        np.exp(x2, out)
        np.add(out, one, out)
        np.divide(minus_two, out, out)
        np.add(out, one, out)
    calls = {"exp": lambda: np.exp(x, out), "tanh": lambda: np.tanh(x, out),
             "multiply": lambda: np.multiply(x, x, out), "divide": lambda: np.divide(one, x, out),
             "tanh from exp": tanh_from_exp}
    return {name: min(timeit.repeat(call, number=200, repeat=7)) / 200 / n * 1e9
            for name, call in calls.items()}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.transcendental", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", nargs="+", type=parse, default=[parse(c) for c in DEFAULT],
                   metavar="MODEL:H:B:MODE", help="cases (default: LSTM inference, all 12 "
                   "of the parity grid, and GRU inference at H 64 and 128, B = 700)")
    p.add_argument("--repeats", type=int, default=9, help="timed runs per number (default 9)")
    p.add_argument("--threads", type=int, default=2, help="cores for torch and the engine")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    set_num_threads(args.threads)
    cost = cost_per_number()
    print(f"float32, ns a number ({COST_SIZE} numbers, NumPy {np.__version__}): " +
          ", ".join(f"{name} {ns:.2f}" for name, ns in cost.items()) + "\n")
    print("| mode | model | H | B | exp and tanh alone, half batch, 1 core ms | engine ms | "
          "torch ms | exp and tanh alone / torch | engine / torch |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for case in args.cases:
        m = _medians(case, args.repeats)
        print(f"| {case.mode} | {case.model.upper()} | {case.hidden} | {case.batch} | "
              f"{m['alone']:.2f} | {m['fast']:.2f} | {m['torch']:.2f} | "
              f"{m['alone'] / m['torch']:.2f} | {m['fast'] / m['torch']:.2f} |", flush=True)
    return 0


def _medians(case: Case, repeats: int) -> dict:
    """Medians in ms of the engine, torch and the transcendental calls, interleaved."""
    x, y = make_data(case)
    model, ours = scratch_work(case, x, y)
    alone = transcendental_calls(case.model, case.hidden, case.batch // 2, case.steps)
    with blas_threads(1):
        times = interleaved({"fast": ours, "torch": torch_work(case, model, x, y),
                             "alone": alone}, repeats)
    return {k: summary(t)["median_ms"] for k, t in times.items()}


if __name__ == "__main__":
    sys.exit(main())
