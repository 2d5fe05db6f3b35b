"""The slides' hidden-size sweep, for every model and both implementations.

    for model in ('rnn', 'lstm', 'gru'):
        for hidden_size in (16, 32, 64, 128):
            for impl in ('scratch', 'torch'):      # same initial weights on both sides
                train; keep the best epoch's weights; evaluate on the test part

Selection is by validation loss (the test part is only looked at for the chosen model's
report, never to choose). Ctrl-C stops the sweep and returns the runs finished so far.
The torch side is imported lazily (`reference.train`); without torch it is skipped.
"""
from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, field, replace

import numpy as np

from ..models import MODELS
from .loop import History, TrainConfig
from .trainer import predict, train

IMPLS = ("scratch", "torch")


@dataclass
class SweepConfig:
    models: tuple = ("rnn", "lstm", "gru")
    hidden_sizes: tuple = (16, 32, 64, 128)
    impls: tuple = ("scratch", "torch")
    train: TrainConfig = field(default_factory=TrainConfig)
    model_kwargs: dict = field(default_factory=dict)   # dtype, init, num_layers, backend, ...
    seed: int = 0                                      # initial weights (same for both impls)

    def __post_init__(self):
        unknown = [m for m in self.models if m not in MODELS]
        if unknown:
            raise ValueError(f"unknown model {unknown[0]!r}; expected one of {list(MODELS)}")
        bad = [i for i in self.impls if i not in IMPLS]
        if bad:
            raise ValueError(f"unknown implementation {bad[0]!r}; expected one of {list(IMPLS)}")
        if not self.hidden_sizes or any(int(h) < 1 for h in self.hidden_sizes):
            raise ValueError(f"hidden sizes must be positive integers, got {self.hidden_sizes}")


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
    tcfg = _with_desc(cfg.train, f"{impl} {name} H={hidden_size}")
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
    and 'n_outputs'). `on_run(run)` is called after each run (e.g. to save a checkpoint)."""
    out, t0 = SweepOutcome(), time.perf_counter()
    impls = list(cfg.impls)
    if "torch" in impls and load_reference_trainer() is None:
        impls.remove("torch")
        out.notes.append("torch is not installed, so the torch reference runs were skipped "
                         "(pip install 'scratchrnn[torch]' to compare)")
    try:
        for name in cfg.models:
            for hidden in cfg.hidden_sizes:
                for impl in impls:
                    run = train_one(name, int(hidden), impl, data, cfg)
                    out.runs.append(run)
                    if on_run is not None:
                        on_run(run)
    except KeyboardInterrupt:
        out.interrupted = True
        out.notes.append(f"interrupted (Ctrl-C) after {len(out.runs)} finished runs; "
                         "the results below are those runs only")
    out.seconds = time.perf_counter() - t0
    return out


def _with_desc(tcfg: TrainConfig, desc: str) -> TrainConfig:
    return replace(tcfg, desc=desc)
