"""Peak memory of one unit of work, measured in a fresh process.

The resident set size is sampled every 0.2 ms while the work runs (ru_maxrss would also
count the peak of importing torch); the result is the peak minus the size before. For
the fast engine it is the sum over this process and its worker processes (started, and
counted in "before", ahead of the work).

    python -m benchmarks.memory fast lstm 64 50 700 train    -> prints MiB
    (impl: fast, plain or torch)
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from scratchrnn.engine import parallel, workers

from .cases import Case, make_data, scratch_work, torch_work


def peak_mib(impl: str, case: Case) -> float:
    """Extra peak resident memory (MiB) of one unit of work, beyond setup."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.memory", impl, case.model,
                          str(case.hidden), str(case.steps), str(case.batch), case.mode],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def _rss_mib(pids=("self",)) -> float:
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/statm") as f:
            total += int(f.read().split()[1])
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_during(work, pids=("self",)) -> float:
    """Highest RSS (MiB) of `pids` sampled while `work()` runs, minus their RSS before it."""
    before, peak, done = _rss_mib(pids), [0.0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _rss_mib(pids))
            time.sleep(0.0002)
    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        work()
    finally:
        done.set()
        sampler.join()
    return max(peak[0], _rss_mib(pids)) - before


def _main(argv) -> None:
    impl, model, hidden, steps, batch, mode = argv
    case = Case(model, int(hidden), int(steps), int(batch), mode)
    x, y = make_data(case)
    scratch_model, work = scratch_work(case, x, y, engine="plain" if impl == "plain" else "fast")
    pids = ["self"]
    if impl == "torch":
        work = torch_work(case, scratch_model, x, y)
    elif impl == "fast":  # the workers a shared batch would start, with their memory before
        pids += workers.start(parallel.get_num_threads() - 1)
    # the first unit of work: later ones may reuse memory the allocator kept, hiding it
    print(f"{max(_peak_during(work, pids), 0.0):.1f}")


if __name__ == "__main__":
    _main(sys.argv[1:])
