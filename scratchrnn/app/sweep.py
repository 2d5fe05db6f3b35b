"""The slides' hidden-size sweep, for every model and both implementations.

    for model in ('rnn', 'lstm', 'gru'):
        for hidden_size in (16, 32, 64, 128):
            for impl in ('scratch', 'torch'):      # same initial weights on both sides
                train; keep the best epoch's weights; evaluate on the test part

The trainings are independent, so they can run at the same time: `jobs=N` runs them in N
worker processes (`concurrent.futures`), each holding scratchrnn, its BLAS and torch to
`threads` threads; `cluster='tcp://host:8786'` sends them to a Dask cluster instead
(`pip install 'scratchrnn[cluster]'`). Every training is seeded by the config alone, so the
numbers do not depend on where or in which order it runs; the runs are returned in the
order of the loops above either way.

Selection is by validation loss (the test part is only looked at for the chosen model's
report, never to choose). Ctrl-C stops the sweep and returns the runs finished so far.
The torch side is imported lazily (`reference.train`); without torch it is skipped.
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import importlib
import multiprocessing
import signal
import socket
import time
from dataclasses import dataclass, field, replace

import numpy as np
from tqdm import tqdm

from ..engine import parallel
from ..models import MODELS
from ..train.loop import History, TrainConfig, show_progress
from ..train.trainer import predict, train

IMPLS = ("scratch", "torch")
ARRAYS = ("X_train", "y_train", "X_val", "y_val", "X_test", "n_outputs")   # what a job needs


@dataclass
class SweepConfig:
    models: tuple = ("rnn", "lstm", "gru")
    hidden_sizes: tuple = (16, 32, 64, 128)
    impls: tuple = ("scratch", "torch")
    train: TrainConfig = field(default_factory=TrainConfig)
    model_kwargs: dict = field(default_factory=dict)   # dtype, init, num_layers, backend, ...
    seed: int = 0                                      # initial weights (same for both impls)
    jobs: int = 1                                      # trainings at the same time (processes)
    threads: int = 1                                   # scratchrnn, BLAS and torch threads per job
    cluster: str | None = None                         # a Dask scheduler's address

    def __post_init__(self):
        unknown = [m for m in self.models if m not in MODELS]
        if unknown:
            raise ValueError(f"unknown model {unknown[0]!r}; expected one of {list(MODELS)}")
        bad = [i for i in self.impls if i not in IMPLS]
        if bad:
            raise ValueError(f"unknown implementation {bad[0]!r}; expected one of {list(IMPLS)}")
        if not self.hidden_sizes or any(int(h) < 1 for h in self.hidden_sizes):
            raise ValueError(f"hidden sizes must be positive integers, got {self.hidden_sizes}")
        for name in ("jobs", "threads"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")


@dataclass
class Run:
    """One trained model: which, how it trained, its best weights and its test predictions."""
    model: str
    impl: str
    hidden_size: int
    history: History
    best_state: dict
    test_pred: np.ndarray            # (N_test, O) in the training (normalized) units
    config: dict                     # the scratch model's constructor arguments

    @property
    def key(self) -> str:
        return f"{self.model}_{self.impl}_h{self.hidden_size}"


@dataclass
class SweepOutcome:
    runs: list = field(default_factory=list)
    interrupted: bool = False
    notes: list = field(default_factory=list)   # e.g. "torch not installed: skipped"
    seconds: float = 0.0

    def best(self, model: str, impl: str):
        """The run of (model, impl) with the lowest best validation loss, or None."""
        runs = [r for r in self.runs if r.model == model and r.impl == impl
                and np.isfinite(r.history.best_val_loss)]
        return min(runs, key=lambda r: r.history.best_val_loss, default=None)


def load_reference_trainer():
    """`reference.train` or None when torch is not installed (imported only when needed)."""
    try:
        return importlib.import_module("reference.train")
    except ImportError:
        return None


def build_model(name: str, hidden_size: int, data, cfg: SweepConfig):
    """A fresh scratch model sized for `data`, seeded so both impls start from it."""
    output_size = data["n_outputs"]
    return MODELS[name](data["X_train"].shape[2], hidden_size, output_size,
                        seed=cfg.seed, **cfg.model_kwargs)


def train_one(name: str, hidden_size: int, impl: str, data: dict, cfg: SweepConfig) -> Run:
    """Train one (model, hidden size, implementation) and predict the test part."""
    model = build_model(name, hidden_size, data, cfg)
    tcfg = replace(cfg.train, desc=f"{impl} {name} H={hidden_size}")
    parts = (data["X_train"], data["y_train"], data["X_val"], data["y_val"])
    if impl == "scratch":
        result = train(model, *parts, tcfg)
        pred = predict(model, data["X_test"])
    else:
        ref = load_reference_trainer()
        tmodel = importlib.import_module("reference").to_torch(model)   # same initial weights
        result = ref.train(tmodel, *parts, tcfg)
        pred = ref.predict(tmodel, data["X_test"])
    return Run(name, impl, hidden_size, result.history, result.best_state or result.last_state,
               pred, dict(model.config))


def run_sweep(data: dict, cfg: SweepConfig, on_run=None) -> SweepOutcome:
    """Every (model, hidden size, impl) of `cfg` on `data` (NumPy arrays X_/y_ train/val/test
    and 'n_outputs'). `on_run(run)` is called after each run (e.g. to save a checkpoint), in
    the order the runs finish; `outcome.runs` is in the order of the loops."""
    out, t0 = SweepOutcome(), time.perf_counter()
    impls = list(cfg.impls)
    if "torch" in impls and load_reference_trainer() is None:
        impls.remove("torch")
        out.notes.append("torch is not installed, so the torch reference runs were skipped "
                         "(pip install 'scratchrnn[torch]' to compare)")
    tasks = [(name, int(hidden), impl) for name in cfg.models for hidden in cfg.hidden_sizes
             for impl in impls]
    finished: dict = {}
    try:
        if cfg.cluster is None and min(cfg.jobs, len(tasks)) == 1:
            with job_threads(cfg.threads, "torch" in impls):
                for i, task in enumerate(tasks):
                    finished[i] = train_one(*task, data, cfg)
                    if on_run is not None:
                        on_run(finished[i])
        else:
            _run_in_parallel(tasks, data, cfg, on_run, finished)
    except KeyboardInterrupt:
        out.interrupted = True
        out.notes.append(f"interrupted (Ctrl-C) after {len(finished)} finished runs; "
                         "the results below are those runs only")
    out.runs = [finished[i] for i in sorted(finished)]
    out.seconds = time.perf_counter() - t0
    return out


@contextlib.contextmanager
def job_threads(n: int, torch_too: bool):
    """scratchrnn, NumPy's BLAS and (if the torch side runs) torch use `n` threads inside."""
    ref = load_reference_trainer() if torch_too else None
    previous = ref.set_threads(n) if ref is not None else None
    try:
        with parallel.threads(n):
            yield
    finally:
        if previous is not None:
            ref.set_threads(previous)


def _job(index: int, task: tuple, data: dict, cfg: SweepConfig):
    """One training in a worker process (or on a cluster worker): (index, Run)."""
    with job_threads(cfg.threads, task[2] == "torch"):
        return index, train_one(*task, data, cfg)


def _ignore_ctrl_c():
    """Workers leave Ctrl-C to the parent, which stops them (see _run_in_parallel)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_in_parallel(tasks, data, cfg, on_run, finished) -> None:
    """Submit every task, the costliest first (the last to start should be short), and
    collect them as they finish, with one progress bar for the sweep."""
    data = {k: data[k] for k in ARRAYS}
    jcfg = replace(cfg, train=replace(cfg.train, progress=False))   # no bars from the workers
    order = sorted(range(len(tasks)), key=lambda i: -_cost(tasks[i]))
    with _executor(cfg, len(tasks)) as (pool, shared):
        arrays = shared(data)
        futures = [pool.submit(_job, i, tasks[i], arrays, jcfg) for i in order]
        bar = tqdm(total=len(tasks), desc="runs", unit="run",
                   disable=not show_progress(cfg.train))
        try:
            for future in cf.as_completed(futures):
                i, run = future.result()
                finished[i] = run
                bar.update()
                if on_run is not None:
                    with tqdm.external_write_mode():
                        on_run(run)
        except BaseException:
            for f in futures:
                f.cancel()
            raise
        finally:
            bar.close()


def _cost(task) -> float:
    """A rough relative cost of a training, to start the long ones first."""
    name, hidden, impl = task
    return {"rnn": 1, "gru": 3, "lstm": 4}[name] * (hidden + 16) ** 2 * (1.2 if impl == "torch"
                                                                         else 1)


@contextlib.contextmanager
def _executor(cfg: SweepConfig, n_tasks: int):
    """(a concurrent.futures executor, how to share data with it): worker processes on this
    machine, or a Dask cluster's workers."""
    if cfg.cluster is not None:
        try:
            from distributed import Client  # noqa: PLC0415 - optional: scratchrnn[cluster]
        except ImportError:
            raise ValueError("--cluster needs Dask distributed: pip install "
                             "'scratchrnn[cluster]'") from None
        try:
            _reachable(cfg.cluster)
            client = Client(cfg.cluster, timeout="10s")
        except (OSError, TimeoutError) as err:
            raise ValueError(f"cannot reach the Dask scheduler at {cfg.cluster}: "
                             f"{err}") from None
        with client:
            yield client.get_executor(pure=False), \
                lambda d: client.scatter([d], broadcast=True, hash=False)[0]
        return
    pool = cf.ProcessPoolExecutor(max_workers=min(cfg.jobs, n_tasks),
                                  mp_context=multiprocessing.get_context("spawn"),
                                  initializer=_ignore_ctrl_c)
    try:
        yield pool, lambda d: d
    except BaseException:
        for process in list(getattr(pool, "_processes", {}).values()):   # Ctrl-C: stop now
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _reachable(address: str) -> None:
    """Fail at once (OSError) when nothing listens at a tcp:// address, instead of after
    Dask's connection timeout."""
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    if address.startswith("tcp://") and port.isdigit():
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
