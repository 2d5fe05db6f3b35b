"""The floor: an LSTM's NumPy calls alone, against torch's whole work, in the same run.

Where torch's fused LSTM still wins (small batches, docs/benchmarks.md), is the engine's
Python the cause, or NumPy itself? This times the fast engine's arithmetic stripped to
its bare NumPy calls, in a plain loop on one core: per step forward the one matrix
product and the eight elementwise calls of kernels/lstm.py; for a training step also the
backward's product and seven calls per step, the slopes (a block of steps at a time),
the weight gradient (as the engine takes it: one product a step, or loop.weight_gradient
after the loop for a small one) and one Adam update of all the parameters in one buffer
(about eight calls: engine/flat.py). No layers, no model, no checks: only the calls the
engine's bound steps make (kernels/__init__.py). It is timed on the whole batch on one
core, on half of it on one core (a split over two cores that nothing can reach: no
second process at all), and split over two processes woken as the engine's workers are,
with no data moved (bare.Pair: the cheapest hand-over there is). The floor is the faster
of the whole batch and the two processes, all timed in one interleaved run with the
engine and torch. If the floor is above torch's time, no rearrangement of these calls in
Python closes the gap: only fewer calls would, i.e. a compiled fused kernel, which NumPy
does not have.

A fourth way splits them over two processes that move what the engine's workers move,
as they move it (moved.MovedPair: pickles through pipes). "with hand-over" is the faster
of it and the whole batch: what the engine could reach with its hand-over and no Python
of its own around the calls.

    python -m benchmarks.floor                              # the LSTM cases of the parity grid
    python -m benchmarks.floor --cases lstm:32:64:inference lstm:64:64:train

Written for the LSTM (the model torch fuses); other models are refused.
"""
from __future__ import annotations

import argparse
import contextlib
import sys

import torch

from scratchrnn import set_num_threads
from scratchrnn.engine.parallel import blas_threads

from .bare import T, Pair, bare_lstm
from .cases import Case, make_data, scratch_work, torch_work
from .moved import MovedPair
from .timing import interleaved, summary

DEFAULT = [f"lstm:{h}:{b}:{m}" for m in ("inference", "train") for b in (64, 700)
           for h in (16, 32, 64, 128)]




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
    print("| mode | H | B | bare calls, whole batch, 1 core | half batch, 1 core | split over "
          "2 processes | split, the engine's hand-over | engine ms | torch ms | floor / torch "
          "| with hand-over / torch | engine / torch |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for case in args.cases:
        m = _medians(case, args.repeats)
        floor, handed = min(m["whole"], m["pair"]), min(m["whole"], m["moved"])
        print(f"| {case.mode} | {case.hidden} | {case.batch} | {m['whole']:.2f} | "
              f"{m['half']:.2f} | {m['pair']:.2f} | {m['moved']:.2f} | {m['fast']:.2f} | "
              f"{m['torch']:.2f} | {floor / m['torch']:.2f} | {handed / m['torch']:.2f} | "
              f"{m['fast'] / m['torch']:.2f} |", flush=True)
    return 0


def _medians(case: Case, repeats: int) -> dict:
    """Medians in ms of the engine, torch and the bare calls four ways, interleaved (NumPy's
    BLAS on one thread throughout: the engine holds it there in its loops anyway)."""
    x, y = make_data(case)
    model, ours = scratch_work(case, x, y)
    train = case.mode == "train"
    with blas_threads(1), contextlib.ExitStack() as started:
        pairs = {}
        for name, kind in (("pair", Pair), ("moved", MovedPair)):  # each closes itself if
            pairs[name] = kind(case.hidden, case.batch, train)     # it fails to start
            started.callback(pairs[name].close)
        works = {"fast": ours, "torch": torch_work(case, model, x, y),
                 "whole": bare_lstm(case.hidden, case.batch, train),
                 "half": bare_lstm(case.hidden, case.batch // 2, train), **pairs}
        times = interleaved(works, repeats)
    return {k: summary(t)["median_ms"] for k, t in times.items()}


if __name__ == "__main__":
    sys.exit(main())
