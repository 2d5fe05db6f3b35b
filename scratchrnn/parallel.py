"""Blocks of batch rows, run on several threads (CPU only), and the core count.

Rows of a batch never interact inside a recurrent layer, so the time loop can run on
each block of rows separately. Across cores, worker processes do that first
(`workers.py`, one share per core, no GIL between them); threads serve within one
process when the work is too small to share with a worker or no worker can start.
Inside a share (one core) the blocks run one after the other. Two things make threads pay:

* threads: NumPy releases the GIL inside ufuncs and matmul, so blocks handed to
  different threads run on different cores (BLAS is held to one thread meanwhile, so the
  threads do not fight over cores);
* size: each block's arrays must stay large, because every NumPy call hands the GIL
  over; so there are as many blocks as threads unless a step's gates of one block would
  pass BLOCK_ELEMENTS, and small steps are not split at all.

On CuPy the whole batch is one block: the GPU wants large kernels, not threads.
"""
from __future__ import annotations

import contextlib
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import fpenv

_num_threads = None
_pool = None
_spare = None  # one thread for `aside`
_controller = None
MIN_ROWS = 64  # below this a block is mostly Python overhead: never cut smaller
PARALLEL_WORK = 4_000_000  # multiply-adds of one step below which a block runs alone
BLOCK_ELEMENTS = 1 << 20  # most elements of one step's gates in one block (4 MiB float32)


def get_num_threads() -> int:
    """Cores scratchrnn uses: shares of a batch in worker processes (workers.py) or blocks
    of rows on threads (default: the CPUs this process may use)."""
    if _num_threads is not None:
        return _num_threads
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def set_num_threads(n: int) -> None:
    """Use `n` cores, like torch.set_num_threads (1 = all in the calling thread)."""
    global _num_threads, _pool
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"number of threads must be a positive int, got {n!r}")
    _num_threads, _pool = n, None


def row_blocks(batch: int, width: int, macs: int, xp) -> list:
    """Cut range(batch) into slices of at most BLOCK_ELEMENTS / width rows (one for CuPy).

    width is one sample's gate elements a step (R*H), macs its multiply-adds a step
    (R*H*(P+I+1)). A step with fewer than PARALLEL_WORK multiply-adds in all stays one
    block: a thread waits ~10 us for the GIL around each NumPy call, more than a call on
    a small block takes (measured: 2 threads run 20,000-float ufuncs 0.7x as fast as
    one, 100,000-float ones 1.4x). Otherwise the blocks are a multiple of the threads.
    """
    if xp is not np:
        return [slice(0, batch)]
    rows = max(MIN_ROWS, BLOCK_ELEMENTS // max(width, 1))
    n = -(-batch // rows)
    threads = get_num_threads()
    if batch * macs >= PARALLEL_WORK:  # worth threads: a multiple of them, none idles
        n = min(-(-n // threads) * threads, max(1, batch // MIN_ROWS))
    edges = np.linspace(0, batch, n + 1).round().astype(int)
    return [slice(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:])]


def map_blocks(fn, blocks: list) -> list:
    """[fn(b) for b in blocks], the blocks shared out over the threads, results in order."""
    workers = min(get_num_threads(), len(blocks))
    with blas_threads(1):  # the blocks are the parallelism: BLAS threads only cost here
        if workers == 1:   # (a lone block's per-step products are small: measured 1.3x
            return [fn(b) for b in blocks]  # slower with OpenBLAS's 2 threads)
        global _pool
        if _pool is None or _pool._max_workers != workers:
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scratchrnn")
        return list(_pool.map(fpenv.following(fn), blocks))


@contextlib.contextmanager
def aside(blocks: int, worth: bool = True):
    """Yield ``later(fn, *args)``: fn runs on a spare thread if `blocks` leave one idle.

    With fewer blocks than threads a core would wait while a block's loop runs; work that
    does not feed the loop (the slopes of finished steps, backward's weight- and
    input-gradient products) goes there instead, as large NumPy calls that hold the GIL
    only briefly. Otherwise (or if the caller says it is not `worth` it) ``later`` calls
    fn at once. Leaving the context waits for everything handed
    to ``later`` (and re-raises its errors); BLAS is held to one thread meanwhile.
    """
    if blocks >= get_num_threads() or not worth:
        yield lambda fn, *args: fn(*args)
        return
    global _spare
    if _spare is None:
        _spare = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scratchrnn-aside")
    futures = []
    with blas_threads(1):
        try:
            yield lambda fn, *args: futures.append(_spare.submit(fpenv.following(fn), *args))
        finally:
            for f in futures:
                f.result()


@contextlib.contextmanager
def single_core():
    """One core while inside (this process's share while workers run theirs: workers.py)."""
    global _num_threads
    previous, _num_threads = _num_threads, 1
    try:
        yield
    finally:
        _num_threads = previous


def blas_threads(n: int):
    """Context holding NumPy's BLAS to `n` threads (benchmarks: same count as torch)."""
    global _controller
    if _controller is None:  # created late: it must see the BLAS NumPy has loaded
        from threadpoolctl import ThreadpoolController  # noqa: PLC0415
        _controller = ThreadpoolController()
    return _controller.limit(limits=n, user_api="blas")


@contextlib.contextmanager
def threads(n: int):
    """Use `n` cores (as set_num_threads) AND n BLAS threads while inside; restore after."""
    global _num_threads, _pool
    previous = _num_threads
    set_num_threads(n)
    try:
        with blas_threads(n):
            yield
    finally:
        _num_threads, _pool = previous, None
