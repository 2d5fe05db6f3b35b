"""Benchmark scratchrnn against torch on the CPU: `python -m benchmarks [--grid ...]`.

Grids (the issue's full grid is models x H {16,32,64,128} x T {25,...,400} x B {64,700,7000}):
  quick    a tiny grid for CI and smoke tests
  target   the speed target: training step, T=50, B {700, 7000}, every H and model
  parity   issue 15's goal: training step AND inference, T=50, B {64, 700, 7000}, every H
           and model (minutes; the matmul peak is measured in the same run)
  scaling  assignment 2: T {25, 50, 100, 200, 400} at B=700, H=64 (time should grow linearly)
  full     everything (hours at B=7000, T=400)
scratchrnn runs with both engines ('fast', the default, and 'plain', the lesson: --engines)
and torch with the same number of threads, interleaved, after a warm-up; medians and
interquartile ranges are reported, and the ratios fast / torch and plain / torch per case.
`--ladder` times the road from plain to fast on one case instead (docs/performance.md).
"""
from __future__ import annotations

import argparse
import datetime
import itertools
import pathlib
import platform
import sys

import numpy as np
import torch

import scratchrnn
from scratchrnn.engine import parallel

from . import ladder, report
from .cases import Case, gpu_problem, make_data, scratch_work, torch_work
from .memory import peak_mib
from .timing import interleaved, matmul_peak_gflops, summary

MODELS, HIDDEN, STEPS, BATCH = ("rnn", "lstm", "gru"), (16, 32, 64, 128), \
    (25, 50, 100, 200, 400), (64, 700, 7000)
GRIDS = {
    "quick": dict(models=MODELS, hidden=(16,), steps=(25,), batch=(64,),
                  modes=("train", "inference")),
    "target": dict(models=MODELS, hidden=HIDDEN, steps=(50,), batch=(700, 7000),
                   modes=("train",)),
    "parity": dict(models=MODELS, hidden=HIDDEN, steps=(50,), batch=BATCH,
                   modes=("train", "inference")),
    "scaling": dict(models=MODELS, hidden=(64,), steps=STEPS, batch=(700,),
                    modes=("train", "inference")),
    "full": dict(models=MODELS, hidden=HIDDEN, steps=STEPS, batch=BATCH,
                 modes=("train", "inference")),
}


def items(convert, choices=None):
    """An argparse action for a list given as `scratchrnn run` takes it ('16,32') or space
    separated ('16 32'), each item converted and checked against `choices`."""
    class Items(argparse.Action):
        def __call__(self, parser, namespace, values, option_string=None):
            texts = [t for value in values for t in value.split(",") if t]
            try:
                out = [convert(t) for t in texts]
            except ValueError:
                parser.error(f"{option_string}: expected a list of {convert.__name__}, "
                             f"got {','.join(values)!r}")
            bad = [t for t in out if choices is not None and t not in choices]
            if bad or not out:
                parser.error(f"{option_string}: expected items of {', '.join(choices or ())}, "
                             f"got {','.join(values)!r}")
            setattr(namespace, self.dest, out)
    return Items


def parse_args(argv):
    p = argparse.ArgumentParser(prog="scratchrnn bench (or python -m benchmarks)",
                                description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--grid", choices=GRIDS, default="target", help="which grid (default target)")
    p.add_argument("--quick", action="store_true", help="same as --grid quick")
    lists = "; LIST: comma separated as for `scratchrnn run` (16,32), or space separated"
    p.add_argument("--models", nargs="+", action=items(str, MODELS), metavar="LIST",
                   help="override the grid's models" + lists)
    p.add_argument("--hidden", nargs="+", action=items(int), metavar="LIST",
                   help="override the grid's hidden sizes")
    p.add_argument("--steps", nargs="+", action=items(int), metavar="LIST",
                   help="override the grid's segment lengths T")
    p.add_argument("--batch", nargs="+", action=items(int), metavar="LIST",
                   help="override the grid's batch sizes")
    p.add_argument("--modes", nargs="+", action=items(str, ("train", "inference")),
                   metavar="LIST", help="override modes: train, inference")
    p.add_argument("--engines", nargs="+", action=items(str, ("fast", "plain")),
                   default=["fast", "plain"], metavar="LIST",
                   help="scratchrnn's engines to time: fast, plain (default both; fast is "
                        "always timed)")
    p.add_argument("--ladder", action="store_true", help="the road from the plain engine to "
                   "the fast one, step by step, on one case (LSTM H=64 T=50 B=700 training "
                   "unless --models/--hidden/--steps/--batch say otherwise)")
    p.add_argument("--repeats", type=int, default=7, help="timed runs per case (default 7)")
    p.add_argument("--budget", type=float, default=60.0,
                   help="seconds per case after which fewer repeats are taken (min 3)")
    p.add_argument("--threads", type=int, default=parallel.get_num_threads(),
                   help="threads for BOTH torch and scratch (default: all CPUs)")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                   help="cuda: the same grid on the GPU, scratchrnn on CuPy vs torch CUDA")
    p.add_argument("--flush-denormal", action="store_true",
                   help="flush denormals to zero in both: torch.set_flush_denormal(True) and "
                        "scratchrnn.set_flush_denormal(True) (removes the T>=200 slowdown)")
    p.add_argument("--memory", action="store_true",
                   help="also measure peak memory per case (a fresh process each)")
    p.add_argument("--out", type=pathlib.Path, help="output folder "
                   "(default benchmarks/results/<timestamp>)")
    p.add_argument("--quiet", action="store_true", help="no line per case")
    args = p.parse_args(argv)
    if args.device == "cuda":
        problem = gpu_problem()
        if problem:
            p.error(f"--device cuda: {problem}")
        if args.memory:
            p.error("--memory measures CPU memory (resident set size); not with --device cuda")
    if args.quick:
        args.grid = "quick"
        args.repeats = min(args.repeats, 3)
    return args


def cases_of(args) -> list:
    grid = dict(GRIDS[args.grid])
    for key in ("models", "hidden", "steps", "batch", "modes"):
        if getattr(args, key):
            grid[key] = tuple(getattr(args, key))
    return [Case(m, h, t, b, mode) for mode, m, h, t, b in itertools.product(
        grid["modes"], grid["models"], grid["hidden"], grid["steps"], grid["batch"])]


def measure(case: Case, args) -> dict:
    x, y = make_data(case)
    model, fast = scratch_work(case, x, y, args.device, engine="fast")
    works = {"fast": fast, "torch": torch_work(case, model, x, y, args.device)}
    if "plain" in args.engines:
        works["plain"] = scratch_work(case, x, y, args.device, engine="plain")[1]
    times = interleaved(works, args.repeats, budget_s=args.budget)
    row = dict(model=case.model, hidden=case.hidden, steps=case.steps, batch=case.batch,
               mode=case.mode, device=args.device)
    for impl, t in times.items():
        s = summary(t)
        row.update({f"{impl}_{k}": v for k, v in s.items()})
        row[f"{impl}_gflops"] = case.flops() / (s["median_ms"] / 1e3) / 1e9
        if args.memory:
            row[f"{impl}_peak_mib"] = peak_mib(impl, case)
    row["ratio"] = row["fast_median_ms"] / row["torch_median_ms"]
    if "plain" in works:
        row["plain_ratio"] = row["plain_median_ms"] / row["torch_median_ms"]
    return row


def cpu_name() -> str:
    """The CPU's model name (Linux: /proc/cpuinfo), else what platform knows."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine(args) -> dict:
    return dict(python=platform.python_version(), numpy=np.__version__,
                torch=torch.__version__, scratchrnn=scratchrnn.__version__,
                cpu=cpu_name(), cores=parallel.get_num_threads(), threads=args.threads,
                matmul_peak_gflops=round(matmul_peak_gflops(), 1),
                flush_denormal=args.flush_denormal,
                device=args.device, gpu=torch.cuda.get_device_name() if args.device == "cuda"
                else None,
                date=datetime.datetime.now().isoformat(timespec="seconds"))


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    out = args.out or pathlib.Path("benchmarks/results") / \
        datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    rows, info = [], machine(args)
    flush = args.flush_denormal  # each library sets its calling thread; scratchrnn's helpers
    torch.set_flush_denormal(flush)  # and workers follow that thread
    scratchrnn.set_flush_denormal(flush)
    try:
        if args.ladder:
            return ladder.main(args, out, info)
        with parallel.threads(args.threads):
            for case in cases_of(args):
                rows.append(measure(case, args))
                if not args.quiet:
                    print(report.line(rows[-1]), flush=True)
    finally:
        torch.set_flush_denormal(False)
        scratchrnn.set_flush_denormal(False)
    summary_ = report.write(out, rows, info)
    print(summary_)
    print(f"results in {out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
