"""Train a scratch model: the slides' loop (`loop.fit`) driving a NumPy/CuPy model.

    model = LSTMModel(1, 32, 1, seed=0)
    result = train(model, X_train, y_train, X_val, y_val, TrainConfig(epochs=100))
    result.history.val_loss        # one value per epoch
    model                          # now holds the best weights (a copy made at the best epoch)

One step of ``ScratchStepper`` is what the slides do with torch, written out:

    optimizer.zero_grad()                       # grads <- 0
    pred = model.forward(X)                     # (B,O)
    loss = criterion.forward(pred, y)           # float
    model.backward(criterion.backward())        # BPTT, accumulates model.grads
    clip_grad_norm_(model, max_norm)            # optional (assignment 4)
    optimizer.step()                            # Adam / SGD update, in place
"""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from .. import optim
from ..backend import asarray, to_numpy
from ..grad_mode import no_grad
from ..optim import clip_grad_norm_, clip_grad_value_
from .loop import FitResult, TrainConfig, fit
from .losses import make_loss

OPTIMIZERS = ("adam", "adamw", "sgd")


def make_optimizer(model, name: str = "adam", lr: float = 1e-3, **options):
    """scratchrnn.optim.{Adam, AdamW, SGD}(model, lr=lr, **options)."""
    classes = {"adam": "Adam", "adamw": "AdamW", "sgd": "SGD"}
    if name not in classes:
        raise ValueError(f"unknown optimizer {name!r}; expected one of {list(classes)}")
    return getattr(optim, classes[name])(model, lr=lr, **options)


def grad_norm(model) -> float:
    """Global 2-norm of all gradients: sqrt(sum_k ||g_k||^2)."""
    return math.sqrt(sum(float((g * g).sum()) for g in model.grads.values()))


class ScratchStepper:
    """What `loop.fit` needs from a scratch model: step, evaluate, snapshot, restore."""

    def __init__(self, model, cfg: TrainConfig):
        self.model, self.cfg = model, cfg
        self.criterion = make_loss(cfg.loss, **cfg.loss_options)
        self.optimizer = make_optimizer(model, cfg.optimizer, cfg.lr, **cfg.optimizer_options)

    def prepare(self, X, y):
        """NumPy arrays -> the model's namespace and dtype (class indices stay integers)."""
        xp, dtype = self.model.xp, self.model.dtype
        target = xp.asarray(y) if self.cfg.loss == "cross_entropy" else asarray(y, xp, dtype)
        return asarray(X, xp, dtype), target

    def train_mode(self):
        self.model.train()

    def step(self, X, y):
        """One update on X (B,T,I), y (B,O); returns (loss, gradient norm before clipping)."""
        with np.errstate(over="ignore", invalid="ignore"):   # divergence is reported by fit
            self.optimizer.zero_grad()
            loss = self.criterion.forward(self.model.forward(X), y)
            self.model.backward(self.criterion.backward())
            if self.cfg.clip_norm is not None:
                norm = float(clip_grad_norm_(self.model, self.cfg.clip_norm))
            else:
                norm = grad_norm(self.model)
            if self.cfg.clip_value is not None:
                clip_grad_value_(self.model, self.cfg.clip_value)
            self.optimizer.step()
        return float(loss), norm

    def evaluate(self, X, y) -> float:
        self.model.eval()
        with np.errstate(over="ignore", invalid="ignore"), no_grad():
            return float(self.criterion.forward(self.model.forward(X), y))

    def snapshot(self) -> dict:
        return self.model.state_dict()      # NumPy copies, not references

    def restore(self, state: dict) -> None:
        self.model.load_state_dict(state)


def train(model, X_train, y_train, X_val, y_val, cfg: TrainConfig | None = None,
          **overrides) -> FitResult:
    """Train a scratch model in place; `overrides` are TrainConfig fields (epochs=..., lr=...)."""
    cfg = _config(cfg, overrides)
    return fit(ScratchStepper(model, cfg), X_train, y_train, X_val, y_val, cfg)


def predict(model, X, batch_size: int = 4096) -> np.ndarray:
    """Model outputs on X (N,T,I) in eval mode, as a NumPy array (N,O); chunked to bound memory."""
    model.eval()
    with no_grad():                                 # no backward follows: nothing is kept
        outs = [to_numpy(model.forward(asarray(X[i:i + batch_size], model.xp, model.dtype)))
                for i in range(0, len(X), batch_size)]
    return np.concatenate(outs) if outs else np.zeros((0, model.output_size))


def _config(cfg, overrides) -> TrainConfig:
    if cfg is None:
        return TrainConfig(**overrides)
    if overrides:
        return replace(cfg, **overrides)
    return cfg
