"""Interleaved timing: scratch and torch alternate, so drifts in machine load hit both.

Each turn lets the machine settle first (`settle_s`) and runs the work once untimed before
the timed call, so each library is timed in its own steady state, as if it ran alone.
Without that, the previous turn's library is still on the cores: torch's OpenMP threads
keep spinning for a while after each call, taking the core scratchrnn's worker process
needs, and torch in turn finds its threads hot. Measured on the AMD EPYC (2 cores,
2026-12-04), LSTM H=16 B=700 inference, medians of 9: back to back, scratch 10.1 ms and
torch 3.5 ms (ratio 2.9); with 50 ms between them, 6.9 and 5.3 ms (1.3).

The pause is 10 ms, not longer: after 20 ms or more of idling, this machine (a virtual
one) gives the second core back slowly, and scratchrnn's worker process pays for it while
torch's times stay the same. Measured on the AMD EPYC, 2026-12-04, medians of 9: LSTM
H=32 B=700 inference, scratchrnn on 2 cores 11.4 ms after a 50 ms pause, 5.8-6.1 ms after
2-10 ms, and 6.4 ms back to back; torch 4.4-4.7 ms in all of them.
"""
from __future__ import annotations

import time

import numpy as np


def interleaved(works: dict, repeats: int, warmup: int = 1, budget_s: float = 60.0,
                settle_s: float = 0.01) -> dict:
    """Time each callable in `works` `repeats` times, alternating the order every round;
    each turn: wait `settle_s`, one untimed call, one timed call (see the module's doc).

    Stops early (with at least 3 rounds) once the total time passes `budget_s`.
    Returns {name: array of seconds}.
    """
    for _ in range(warmup):
        for work in works.values():
            work()
    times = {name: [] for name in works}
    names = list(works)
    start = time.perf_counter()
    for r in range(repeats):
        for name in (names if r % 2 == 0 else names[::-1]):
            time.sleep(settle_s)                   # the other library's threads go idle
            works[name]()                          # this one's threads and caches warm up
            t0 = time.perf_counter()
            works[name]()
            times[name].append(time.perf_counter() - t0)
        if r >= 2 and time.perf_counter() - start > budget_s:
            break
    return {name: np.array(t) for name, t in times.items()}


def summary(seconds: np.ndarray) -> dict:
    """Median and interquartile range (the spread) in milliseconds."""
    q1, med, q3 = np.percentile(seconds * 1e3, [25, 50, 75])
    return {"median_ms": float(med), "iqr_ms": float(q3 - q1), "runs": int(seconds.size)}


def matmul_peak_gflops(n: int = 2048, repeats: int = 5) -> float:
    """float32 n x n matrix product with NumPy's BLAS: the machine's practical peak."""
    a = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32)
    a @ a
    best = min(_timed(lambda: a @ a) for _ in range(repeats))
    return 2.0 * n ** 3 / best / 1e9


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0
