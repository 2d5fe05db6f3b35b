"""Peak memory of one unit of work, measured in a fresh process (ru_maxrss).

    python -m benchmarks.memory scratch lstm 64 50 700 train    -> prints MiB
"""
from __future__ import annotations

import resource
import subprocess
import sys

from .cases import Case, make_data, scratch_work, torch_work


def peak_mib(impl: str, case: Case) -> float:
    """Extra peak resident memory (MiB) of one unit of work, beyond setup."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.memory", impl, case.model,
                          str(case.hidden), str(case.steps), str(case.batch), case.mode],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _main(argv) -> None:
    impl, model, hidden, steps, batch, mode = argv
    case = Case(model, int(hidden), int(steps), int(batch), mode)
    x, y = make_data(case)
    scratch_model, work = scratch_work(case, x, y)
    if impl == "torch":
        work = torch_work(case, scratch_model, x, y)
    before = _maxrss_mib()
    work()
    print(f"{max(_maxrss_mib() - before, 0.0):.1f}")


if __name__ == "__main__":
    _main(sys.argv[1:])
