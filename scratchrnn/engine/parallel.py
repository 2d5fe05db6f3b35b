"""How many cores scratchrnn uses, and NumPy's BLAS threads.

The cores are used by worker processes (`workers.py`), each running the loop on its
share of the batch, one core each. So inside the loop BLAS is held to one thread: a
second BLAS thread would run on a core a worker already uses (OpenBLAS's threads also
keep spinning after each call, which slowed the workers in our measurements), and with
`set_num_threads(1)` one core is what the user asked for. Earlier versions also ran
blocks of rows on threads and handed work to a spare thread; measured again, neither
paid where it ran, so both went (docs/performance.md).
"""
from __future__ import annotations

import contextlib
import os

import numpy as np
from scipy.linalg import blas

_num_threads = None
_controller = None


def get_num_threads() -> int:
    """Cores scratchrnn uses: shares of a batch in worker processes (workers.py)
    (default: the CPUs this process may use)."""
    return available_cores() if _num_threads is None else _num_threads


def available_cores() -> int:
    """The CPUs this process may use (its affinity mask; all of them off Linux)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def set_num_threads(n: int) -> None:
    """Use `n` cores, like torch.set_num_threads (1 = all in the calling process)."""
    global _num_threads
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"number of threads must be a positive int, got {n!r}")
    _num_threads = n


@contextlib.contextmanager
def single_core():
    """One core while inside (this process's share while workers run theirs: workers.py)."""
    global _num_threads
    previous, _num_threads = _num_threads, 1
    try:
        yield
    finally:
        _num_threads = previous


@contextlib.contextmanager
def blas_threads(n: int):
    """Context holding NumPy's BLAS to `n` threads (the engine's loops: 1; benchmarks: as
    many as torch's), restored after. It sets the libraries threadpoolctl finds directly,
    and only those not at `n` already: threadpoolctl's `limit` took ~9 us a call, this
    ~5 (a loop on a small batch takes ~0.5 ms; docs/performance.md, step 8)."""
    global _controller
    if _controller is None:  # created late: it must see the BLAS NumPy has loaded
        from threadpoolctl import ThreadpoolController  # noqa: PLC0415
        _controller = ThreadpoolController().select(user_api="blas").lib_controllers
        warm_blas()  # once per process: the first engine loop here, or a worker's
    changed = [(lib, k) for lib in _controller if (k := lib.get_num_threads()) != n]
    for lib, _ in changed:
        lib.set_num_threads(n)
    try:
        yield
    finally:
        for lib, k in changed:
            lib.set_num_threads(k)


WARM_SIZE = 384  # one product of this size maps the pages a small product's kernel reads


def warm_blas() -> None:
    """One WARM_SIZE x WARM_SIZE float32 product in each BLAS the engine calls, run once per
    process before its loops: NumPy's (the step's products) and SciPy's, a library of its
    own with a buffer of its own (gemm: the weight gradient added step by step, loop.py).

    OpenBLAS packs a product's operands into a work buffer of its own (32 MiB, mapped
    untouched). A product of one time step (b = 32 columns) writes only the first pages
    of it (44 kB), and its kernel then ran 3x slower than after one larger product had
    written more (432 kB): 10 against 33 GFLOP/s for [W_hh W_ih]^T da at H = 128, on an
    AMD EPYC (Zen 1) under KVM, every time in every new process, with the same kernel
    reading the same addresses; SciPy's gemm for dW at b = 3500 ran at 11 against 35
    GFLOP/s, however often it ran, until its own buffer was warmed. The kernel's
    prefetches past its panels into pages not mapped yet are the likely cause
    (docs/performance.md, step 14)."""
    a = np.ones((WARM_SIZE, WARM_SIZE), np.float32)
    np.dot(a, a)
    blas.sgemm(1.0, a, a)


@contextlib.contextmanager
def threads(n: int):
    """Use `n` cores (as set_num_threads) AND n BLAS threads while inside; restore after."""
    global _num_threads
    previous = _num_threads
    set_num_threads(n)
    try:
        with blas_threads(n):
            yield
    finally:
        _num_threads = previous
