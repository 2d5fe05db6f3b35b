"""The road from the plain engine to the fast one: `python -m benchmarks --ladder`.

Each step is a code path that runs today, timed on one case (default: LSTM, H=64, T=50,
B=700, training step, float32) interleaved with the other steps; then torch at 1 and at
`--threads` threads, each in a block of its own (torch's OpenMP threads keep spinning on
the other cores for a while after each call, which would slow whatever ran next there):

  plain     the lesson: scratchrnn/cells + bptt.py, batch-major, a cache value per step
  packed    the engine's kernels and loop: W = [W_hh | W_ih | b] packed, feature-major,
            ONE product a step, elementwise work in place; buffers allocated afresh each
            call (what the engine does when given no Workspace)
  buffers   + buffers kept from call to call (engine.Workspace): the fast engine on one core
  workers   + a worker process per further core takes a share of the batch (--threads):
            the fast engine as it runs by default

The first three run on one core. docs/performance.md explains each step.
"""
from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass

import torch

import scratchrnn.engine as engine
from scratchrnn.engine import parallel
from scratchrnn.nn import RNNBase

from .cases import Case, make_data, scratch_work, torch_work
from .timing import interleaved, summary


@dataclass(frozen=True)
class Step:
    name: str
    adds: str
    engine: str = "fast"
    cores: int = 1
    fresh_buffers: bool = False


def steps(cores: int) -> list:
    return [
        Step("plain", "the lesson (cells/, bptt.py)", engine="plain"),
        Step("packed", "packed W = [W_hh, W_ih, b], feature-major, one product a step",
             fresh_buffers=True),
        Step("buffers", "+ buffers kept between calls (Workspace)"),
        Step("workers", f"+ worker processes ({cores} cores)", cores=cores),
    ]


@contextlib.contextmanager
def on_path(step: Step):
    """Run the fast engine the way `step` says (the plain engine ignores the switches)."""
    saved = (parallel._num_threads, RNNBase._workspace)
    parallel.set_num_threads(step.cores)
    if step.fresh_buffers:  # what engine.direction_forward does when given no Workspace
        RNNBase._workspace = lambda self, layer, d: engine.Workspace(self.xp)
    try:
        with parallel.blas_threads(step.cores):
            yield
    finally:
        parallel._num_threads, RNNBase._workspace = saved


def _scratch(step, case, x, y):
    _, work = scratch_work(case, x, y, engine=step.engine)

    def run():
        with on_path(step):
            work()
    return run


def _torch(case, x, y):
    model, _ = scratch_work(case, x, y)
    return torch_work(case, model, x, y)


def case_of(args) -> Case:
    pick = lambda key, default: (getattr(args, key) or [default])[0]  # noqa: E731
    return Case(pick("models", "lstm"), pick("hidden", 64), pick("steps", 50),
                pick("batch", 700), pick("modes", "train"))


def main(args, out, info) -> int:
    case, cores = case_of(args), max(args.threads, 1)
    x, y = make_data(case)
    ladder = steps(cores)
    works = {s.name: _scratch(s, case, x, y) for s in ladder}
    times = {k: summary(t) for k, t in interleaved(works, args.repeats,
                                                   budget_s=args.budget).items()}
    for threads in sorted({1, cores}):
        torch.set_num_threads(threads)
        times.update({f"torch {threads}": summary(t) for t in interleaved(
            {"torch": _torch(case, x, y)}, args.repeats, budget_s=args.budget).values()})
    torch.set_num_threads(args.threads)
    table = markdown(case, ladder, times, cores, info)
    (out / "ladder.md").write_text(table)
    (out / "ladder.json").write_text(json.dumps(dict(machine=info, case=case.__dict__,
                                                     times=times), indent=1))
    print(table)
    print(f"results in {out}/")
    return 0


def markdown(case, ladder, times, cores, info) -> str:
    rows, previous = [], None
    for s in ladder:
        t = times[s.name]["median_ms"]
        torch_same = times[f"torch {s.cores}"]["median_ms"]
        gain = f"{previous / t:.2f}x" if previous else ""
        rows.append(f"| {s.name} | {s.adds} | {s.cores} | {t:.1f} ({times[s.name]['iqr_ms']:.1f}) "
                    f"| {gain} | {t / torch_same:.2f} |")
        previous = t
    for name in ("torch 1", f"torch {cores}") if cores > 1 else ("torch 1",):
        rows.append(f"| {name} | torch.nn {case.model.upper()}, {name.split()[1]} thread(s) | "
                    f"{name.split()[1]} | {times[name]['median_ms']:.1f} "
                    f"({times[name]['iqr_ms']:.1f}) | | 1.00 |")
    return (f"{case.model.upper()}, H={case.hidden}, T={case.steps}, B={case.batch}, "
            f"{case.mode} step, float32; {info['cpu']}, {cores} cores; medians of "
            f"{times['plain']['runs']} interleaved runs (IQR)\n\n"
            "| step | what it adds | cores | ms (IQR) | gain over the step above | "
            "/ torch, same cores |\n|---|---|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n")
