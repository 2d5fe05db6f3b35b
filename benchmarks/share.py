"""Where this machine should share a batch: `python -m benchmarks.share`.

The engine runs a direction's batch in one process until its work (multiply-adds:
engine/direction.py, `work`) reaches 2 x SHARE_WORK on two cores; from there a worker
process takes half of the rows (engine/workers.py). The default line was measured on an
AMD EPYC (docs/performance.md, step 9). On a slower machine it lies lower: on a Zen 1 VM
with a third of that matrix-multiply rate this put it at 4.7 M of work, where the default
waits for 44 M (docs/benchmarks.md).

This times a ladder of cases (every model, inference and training, 1.5-84 M of work, T=50,
float32), each with the batch forced into one process and forced into two, interleaved;
three fresh processes time the ladder one after the other, and a case's ratio two / one is
the median of theirs (on the Zen 1 VM one process's ratios were off by up to a third).
Then it prints the line that makes the ladder fastest in total (the least sum of
log(two / one) over the cases it shares) and the setting that puts it there:

    export SCRATCHRNN_SHARE_WORK=...

A setting kept per machine, not a rate timed at start-up: one matrix product's rate moved
by half from one fresh process to the next on the Zen 1 VM, so a line scaled by it would
move as much, and which cases share (the last bits of dW) would change from run to run.

    python -m benchmarks.share                       # the ladder, about a minute
    python -m benchmarks.share --cases lstm:16:64:train gru:32:64:inference --repeats 25
"""
from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from unittest import mock

import numpy as np

from scratchrnn import set_num_threads
from scratchrnn.engine import KERNELS, parallel, workers
from scratchrnn.engine.direction import work as direction_work

from .cases import Case, make_data, scratch_work
from .timing import interleaved, summary

T = 50
LADDER = ["rnn:16:64:inference", "rnn:16:64:train", "rnn:32:64:inference",
          "gru:16:64:inference", "lstm:16:64:inference", "rnn:32:64:train",
          "rnn:64:64:inference", "rnn:16:700:inference", "gru:32:64:inference",
          "lstm:32:64:inference", "gru:16:64:train", "lstm:16:64:train", "rnn:64:64:train",
          "rnn:16:700:train", "rnn:32:700:inference", "rnn:128:64:inference",
          "gru:64:64:inference"]
NEVER, ALWAYS = 10 ** 15, 1  # SHARE_WORK that keeps every batch in one process / shares it


def parse(spec: str) -> Case:
    try:
        model, hidden, batch, mode = spec.split(":")
        case = Case(model, int(hidden), T, int(batch), mode)
    except ValueError:
        case = None
    if case is None or model not in ("rnn", "lstm", "gru") or mode not in ("train",
                                                                           "inference"):
        raise argparse.ArgumentTypeError(f"{spec!r}: expected rnn|lstm|gru:H:B:train|inference")
    if case.batch < 2 * workers.MIN_ROWS:
        raise argparse.ArgumentTypeError(
            f"{spec!r}: a share has at least {workers.MIN_ROWS} rows, so B must be at least "
            f"{2 * workers.MIN_ROWS}")
    return case


def work_of(case: Case) -> int:
    """The engine's work for the case's one direction (input size 1, as the benchmarks)."""
    kernel = KERNELS[case.model.upper()]
    return direction_work(kernel, case.steps, case.batch, 1, case.hidden, case.hidden,
                          case.mode == "train")


def best_line(measured: list) -> tuple[float, float]:
    """(line, cost) for [(work, two / one), ...]: share from `line` up, where the sum of
    log(two / one) over the shared cases is least (0: share none). The line lies halfway
    (geometrically) between the last case kept and the first shared; below the smallest
    case it is that case's work, above the largest it is infinite. Ties keep more cases in
    one process."""
    ordered = sorted(measured)
    costs = [sum(math.log(r) for _, r in ordered[k:]) for k in range(len(ordered) + 1)]
    k = min(range(len(costs)), key=lambda i: (round(costs[i], 12), -i))
    if k == len(ordered):
        return math.inf, 0.0
    line = ordered[0][0] if k == 0 else math.sqrt(ordered[k - 1][0] * ordered[k][0])
    return line, costs[k]


def setting(line: float, cores: int = 2) -> int | None:
    """SCRATCHRNN_SHARE_WORK that shares a batch over `cores` from `line` up: the engine
    shares from cores x SHARE_WORK on, so rounded down, or a case at the line itself would
    stay in one process (None for an infinite line: a share would never pay, so keep the
    batch in one process with set_num_threads(1))."""
    return None if math.isinf(line) else max(1, math.floor(line / cores))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.share", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", nargs="+", type=parse, default=[parse(c) for c in LADDER],
                   metavar="MODEL:H:B:MODE", help="cases (default: the ladder above)")
    p.add_argument("--repeats", type=int, default=15, help="timed runs per number (default 15)")
    p.add_argument("--processes", type=int, default=3,
                   help="fresh processes that time the ladder, one after the other; the "
                        "ratio is the median of theirs (default 3)")
    p.add_argument("--json", action="store_true", help="time in this process only and print "
                   "[[case, one ms, two ms], ...] (what each of the processes does)")
    args = p.parse_args(argv)
    if parallel.available_cores() < 2:
        p.error("this process may use one core only: there is no second core to share with")
    cases = sorted(args.cases, key=work_of)
    if args.json:
        set_num_threads(2)
        print(json.dumps([[_spec(c), *_medians(c, args.repeats)] for c in cases]))
        return 0
    runs = [_run_in_a_process(cases, args.repeats) for _ in range(max(args.processes, 1))]
    source = "set" if workers.SHARE_WORK != workers.DEFAULT_SHARE_WORK else "not set"
    print(f"SHARE_WORK now: {workers.SHARE_WORK / 1e6:.1f} M a share "
          f"(${workers.SHARE_VARIABLE} {source}); {len(runs)} processes, medians of "
          f"{args.repeats} each\n")
    print("| case | work (M) | one process ms | two ms | two / one | its range | shared now |")
    print("|---|---:|---:|---:|---:|---:|---|")
    measured = []
    for k, case in enumerate(cases):
        one, two = (np.median([run[k][i] for run in runs]) for i in (1, 2))
        ratios = [run[k][2] / run[k][1] for run in runs]
        w, ratio = work_of(case), float(np.median(ratios))
        measured.append((w, ratio))
        now = len(workers.shares(case.batch, w, 2, np)) == 2
        print(f"| {case.model.upper()} H={case.hidden} B={case.batch}, {case.mode} | "
              f"{w / 1e6:.1f} | {one:.2f} | {two:.2f} | {ratio:.2f} | "
              f"{min(ratios):.2f}-{max(ratios):.2f} | {'yes' if now else 'no'} |")
    line, cost = best_line(measured)
    value = setting(line)
    print(f"\nfastest line: {line / 1e6:.1f} M of work (the cases' time x "
          f"{math.exp(cost / len(measured)):.2f} against one process, geometric mean)")
    if value is None:
        print("no case gained from a second process: set_num_threads(1) keeps every batch "
              "in one")
    else:
        print(f"export {workers.SHARE_VARIABLE}={value}")
    return 0


def _spec(case: Case) -> str:
    return f"{case.model}:{case.hidden}:{case.batch}:{case.mode}"


def _run_in_a_process(cases: list, repeats: int) -> list:
    """[[spec, one ms, two ms], ...] timed by a fresh process (its own BLAS buffers and
    worker: one process's state moved a case's ratio by a third, docs/benchmarks.md)."""
    command = [sys.executable, "-m", "benchmarks.share", "--json", "--repeats", str(repeats),
               "--cases", *map(_spec, cases)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _medians(case: Case, repeats: int) -> tuple[float, float]:
    """Medians in ms of the case's unit of work, its batch in one process and in two."""
    x, y = make_data(case)
    _, run = scratch_work(case, x, y)

    def forced(share_work):
        def go():
            workers.SHARE_WORK = share_work
            run()
        return go
    with mock.patch.object(workers, "SHARE_WORK", workers.SHARE_WORK):  # restored after
        times = interleaved({"one": forced(NEVER), "two": forced(ALWAYS)}, repeats)
    return summary(times["one"])["median_ms"], summary(times["two"])["median_ms"]


if __name__ == "__main__":
    sys.exit(main())
