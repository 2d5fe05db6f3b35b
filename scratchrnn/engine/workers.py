"""Worker processes: the other cores' share of a batch, with no GIL to share.

Batch columns never interact inside a recurrent layer, so a direction can run on a
share of the rows anywhere: this is data parallelism (what torch's DistributedDataParallel
does across machines), here across the cores of one machine. With n cores, the batch is
cut into n shares; this process runs the first one while n-1 worker processes each run
one, through the very same `loop` code, and keep what backward will need. Backward
sends each worker its share of the gradient; its weight gradients come back and are
added up (dW is a sum over samples).

Why processes, not threads: every NumPy call hands Python's GIL over, and at the sizes
of one time step (tens of thousands of floats) two threads waiting for each other ran
slower than one. A process has its own interpreter, so the loops never wait.

The cut depends only on the batch and the number of cores, so results are the same from
run to run; a different number of cores sums dW in another order (last bits only).

A worker is a Python process running `main()` below, started on first use and fed
pickled requests on its stdin; it imports nothing of the caller's script. It keeps, per
Workspace of the caller (one per layer direction), its buffers and its last forward.
Workers stop when this process exits. CPU (NumPy) only: a GPU wants one large kernel.
"""
from __future__ import annotations

import atexit
import contextlib
import importlib
import itertools
import os
import pickle
import select
import subprocess
import sys
import threading
import time
import weakref
from typing import NamedTuple

import numpy as np

from . import fpenv, loop
from .parallel import set_num_threads, single_core
from .workspace import Workspace

DEFAULT_SHARE_WORK = 22_000_000  # multiply-adds (all steps, forward and backward) a
                                 # share must carry: below, the round trip and the second
                                 # process cost more than the share saves (measured on an
                                 # AMD EPYC: docs/performance.md, steps 8 and 9)
SHARE_VARIABLE = "SCRATCHRNN_SHARE_WORK"  # this machine's own line, if set: a slower
                                          # machine's lies lower (docs/benchmarks.md);
                                          # `python -m benchmarks.share` measures it
NUMBER_COST = 12         # multiply-adds that take the time of one number an elementwise
                         # call writes (LSTM, GRU: 0.18-0.27 ns a number, a product 0.02
                         # ns a multiply-add; float32, AMD EPYC: step 8)
MIN_ROWS = 32            # never fewer rows in a share
SPIN_S = 0.005           # after answering, a worker polls for the next request this long
                         # before it blocks: a blocked process woken by the pipe starts
                         # slowly (docs/performance.md, step 7; torch's OpenMP threads
                         # spin too)
_workers: list = []
_lock = threading.Lock()
_counter = itertools.count(1)


def share_work_setting(environ=os.environ) -> int:
    """The work a share must carry here: $SCRATCHRNN_SHARE_WORK, else the default."""
    text = environ.get(SHARE_VARIABLE, "").strip()
    if not text:
        return DEFAULT_SHARE_WORK
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"{SHARE_VARIABLE} must be a whole number of multiply-adds, at least "
                         f"1 (python -m benchmarks.share measures it), got {text!r}")
    return value


SHARE_WORK = share_work_setting()


class SharedCache(NamedTuple):
    """A forward whose batch rows were shared: rows[0] ran here, rows[k] in worker k-1."""
    rows: list       # slice per share
    here: object     # loop.DirectionCache of rows[0]; the workers keep theirs
    key: int         # the Workspace's name in the workers
    generation: int  # this forward call, checked by the workers at backward


def shares(batch: int, work: int, cores: int, xp) -> list:
    """Cut range(batch) into equal slices, one per core with enough `work` (one for CuPy)."""
    n = max(min(cores, batch // MIN_ROWS, work // SHARE_WORK) if xp is np else 1, 1)
    edges = [k * batch // n for k in range(n + 1)]  # (plain ints: np.linspace cost ~15 us)
    return [slice(a, b) for a, b in zip(edges[:-1], edges[1:])]


def start(count: int) -> list:
    """Start `count` workers now and wait until they answer (else the first shared call
    starts them); returns their process ids."""
    with _lend(count, wait=True) as lent:
        if lent is None:
            raise RuntimeError("no worker process can be started here")
        for worker in lent:
            worker.send("ready", 0, 0)
        for worker in lent:
            worker.receive()
        return [worker.proc.pid for worker in lent]


def forward(rows, ws, cell, x, state0, W, w_hr, nonlinearity, reverse, last_only, keep=True):
    """loop.forward_rows with rows[k>0] in workers: (out, state_T, SharedCache) or None
    (keep=False: the cache is None, and the workers keep nothing either). The weights
    travel packed (W, w_hr), so no worker packs them again."""
    with _lend(len(rows) - 1) as lent:
        if lent is None:
            return None
        key, generation = _key_of(ws), next(_counter)
        for worker, r in zip(lent, rows[1:]):
            worker.send("forward", key, generation, cell.__name__, x[:, r],
                        tuple(s[r] for s in state0), W, w_hr, nonlinearity, reverse,
                        last_only, keep)
        with single_core():
            out, state, here = loop.forward_rows(cell, x[:, rows[0]],
                                                 tuple(s[rows[0]] for s in state0), W, w_hr,
                                                 nonlinearity, reverse, ws, last_only, keep)
        parts = [(out, state)] + [w.receive() for w in lent]
    out = np.concatenate([o for o, _ in parts], axis=0 if last_only else 1)
    state = tuple(np.concatenate(s) for s in zip(*(s for _, s in parts)))
    return out, state, SharedCache(rows, here, key, generation) if keep else None


def backward(cell, dout, dstate_T, cache, nonlinearity, truncate, ws):
    """loop.backward_rows of a shared forward: dx, dstate0 and the packed dW, dw_hr summed
    over the shares (dW is a sum over samples)."""
    rows = cache.rows
    take = (lambda a, r: a[r]) if dout.ndim == 2 else (lambda a, r: a[:, r])  # last_only?
    with _lend(len(rows) - 1, wait=True) as lent:
        if lent is None:
            raise RuntimeError("no worker process can be started for this backward")
        for worker, r in zip(lent, rows[1:]):
            worker.send("backward", cache.key, cache.generation, cell.__name__,
                        take(dout, r), tuple(d[r] for d in dstate_T), nonlinearity, truncate)
        with single_core():
            dx, dstate0, dW, dw_hr = loop.backward_rows(
                cell, take(dout, rows[0]), tuple(d[rows[0]] for d in dstate_T), cache.here,
                nonlinearity, truncate, ws)
        parts = [(dx, dstate0, dW, dw_hr)] + [w.receive() for w in lent]
    for _, _, their_dW, their_dw_hr in parts[1:]:
        dW += their_dW                                        # (this call's: ours to add to)
        dw_hr = None if dw_hr is None else dw_hr + their_dw_hr
    dx = np.concatenate([d[0] for d in parts], axis=1)
    return dx, tuple(np.concatenate(d) for d in zip(*(d[1] for d in parts))), dW, dw_hr


@contextlib.contextmanager
def _lend(count: int, wait: bool = False):
    """Yield `count` running workers, or None if they cannot start or (unless `wait`) are
    busy with another thread's call."""
    if not _lock.acquire(blocking=wait):
        yield None
        return
    try:
        try:
            while len(_workers) < count:
                _workers.append(_Worker())
        except OSError:  # no interpreter to start (embedded Python): run in-process
            yield None
            return
        lent = _workers[:count]
        try:
            yield lent
        finally:  # a reply never read (an error or Ctrl-C here) would answer the next request
            for worker in lent:
                if worker.pending:
                    _workers.remove(worker)
                    worker.close(kill=True)
    finally:
        _lock.release()


def _key_of(workspace) -> int:
    """A number naming `workspace` in the workers; they forget it once it is collected."""
    key = getattr(workspace, "worker_key", None)
    if key is None:
        key = workspace.worker_key = next(_counter)
        weakref.finalize(workspace, _forget, key)
    return key


def _forget(key: int) -> None:
    for worker in _workers:  # sent with each one's next request (never in the middle of one)
        worker.forget.append(key)


class _Worker:
    def __init__(self):
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        path = [root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
                   MKL_NUM_THREADS="1", PYTHONPATH=os.pathsep.join(path))
        safe = ["-P"] if sys.version_info >= (3, 11) else []  # no current folder on the path:
        self.proc = subprocess.Popen(                          # this scratchrnn, from root
            [sys.executable, *safe, "-c", "import scratchrnn.engine.workers as w; w.main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.pending = False  # a request sent, its reply not read yet
        self.forget = []      # keys of collected Workspaces, sent with the next request
        widen_pipes(self.proc.stdin, self.proc.stdout)

    def send(self, op: str, *args) -> None:
        forget, self.forget = self.forget, []
        self.pending = True
        request = (op, forget, fpenv.get_flush_denormal(), args)
        pickle.dump(request, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.proc.stdin.flush()

    def receive(self):
        _wait_readable(self.proc.stdout, SPIN_S)  # awake, as the worker waits (step 9)
        try:
            status, value = pickle.load(self.proc.stdout)
        except (EOFError, OSError) as exc:
            raise RuntimeError(f"scratchrnn worker process {self.proc.pid} died "
                               f"(exit code {self.proc.poll()})") from exc
        self.pending = False
        if status == "error":
            raise value
        return value

    def close(self, kill: bool = False) -> None:
        with contextlib.suppress(OSError):
            self.proc.stdin.close()          # the worker reads EOF and exits
        if kill:
            self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()


def widen_pipes(*pipes) -> None:
    """Give each pipe room for a whole request (1 MiB, not 64 KiB; Linux only): a writer
    that fills a pipe waits for the reader to wake up and drain it."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl  # noqa: PLC0415
        for pipe in pipes:
            fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)


def _after_fork_in_child() -> None:
    """A forked child must not talk to its parent's workers (their pipes are shared)."""
    global _workers, _lock
    _workers, _lock = [], threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


@atexit.register
def shutdown() -> None:
    """Stop every worker (they also stop by themselves when this process dies)."""
    locked = _lock.acquire(timeout=5)  # not forever: a thread may have died holding it
    try:
        while _workers:
            _workers.pop().close(kill=not locked)
    finally:
        if locked:
            _lock.release()


# -- the worker's side ---------------------------------------------------------------
def _forward(state, generation, cell, x, state0, W, w_hr, nonlinearity, reverse, last_only,
             keep):
    state["generation"] = generation
    out, final, state["cache"] = loop.forward_rows(
        importlib.import_module(cell), x, state0, W, w_hr, nonlinearity, reverse,
        state["workspace"], last_only, keep)
    return out, final


def _backward(state, generation, cell, dout, dstate_T, nonlinearity, truncate):
    if state.get("generation") != generation:
        raise RuntimeError("backward of a forward this worker no longer holds: the layer "
                           "ran forward again since (or the worker was restarted)")
    return loop.backward_rows(importlib.import_module(cell), dout, dstate_T, state["cache"],
                              nonlinearity, truncate, state["workspace"])


def serve(inp, out) -> None:
    """Answer requests (op, forget, flush_denormal, (key, generation, *args)) until the
    input closes."""
    set_num_threads(1)  # this process is one core's share
    states = {}
    ops = {"forward": _forward, "backward": _backward, "ready": lambda state, generation: None}
    while True:
        _wait_readable(inp, SPIN_S)
        try:
            op, forget, flush_denormal, (key, generation, *args) = pickle.load(inp)
        except EOFError:
            return
        fpenv.follow(flush_denormal)  # as the caller's thread
        for k in forget:
            states.pop(k, None)
        state = states.setdefault(key, {"workspace": Workspace(np)})
        try:
            reply = ("ok", ops[op](state, generation, *args))
        except Exception as exc:  # noqa: BLE001 - sent back and raised in the caller
            try:
                pickle.dumps(exc)
            except Exception:  # noqa: BLE001
                exc = RuntimeError(repr(exc))
            reply = ("error", exc)
        pickle.dump(reply, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


def _wait_readable(pipe, seconds):
    """Poll `pipe` for up to `seconds` (busy), so that a request arriving soon is read at
    once instead of after this process is woken up."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        if select.select([pipe], [], [], 0)[0]:
            return


def main() -> None:
    """The worker process: requests on stdin, replies on stdout."""
    replies = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the replies
    serve(sys.stdin.buffer, replies)
