"""Interleaved timing: scratch and torch alternate, so drifts in machine load hit both."""
from __future__ import annotations

import time

import numpy as np


def interleaved(works: dict, repeats: int, warmup: int = 1, budget_s: float = 60.0) -> dict:
    """Time each callable in `works` `repeats` times, alternating the order every round.

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
