"""The torch mirror of `scratchrnn.train`: the same loop (`scratchrnn.train.loop.fit`) with
torch.optim and autograd doing the step, so a scratch run and a torch run can be compared
epoch for epoch.

    tmodel = reference.to_torch(scratch_model)     # same initial weights
    result = train(tmodel, X_train, y_train, X_val, y_val, TrainConfig(epochs=100))

One step is exactly the slides' code:

    optimizer.zero_grad(); loss = criterion(model(X), y); loss.backward()
    [torch.nn.utils.clip_grad_norm_ / clip_grad_value_]; optimizer.step()
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch
from torch import nn

from scratchrnn.train.loop import FitResult, TrainConfig, fit

_OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD}


def make_loss(name: str, dtype=torch.float32, **options):
    """'mse' -> nn.MSELoss, 'cross_entropy' -> nn.CrossEntropyLoss(weight=...)."""
    if name == "mse":
        return nn.MSELoss(**options)
    if name == "cross_entropy":
        weight = options.pop("weight", None)
        weight = None if weight is None else torch.as_tensor(np.asarray(weight), dtype=dtype)
        return nn.CrossEntropyLoss(weight=weight, **options)
    raise ValueError(f"unknown loss {name!r}; expected 'mse' or 'cross_entropy'")


def make_optimizer(model, name="adam", lr=1e-3, **options):
    if name not in _OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; expected one of {list(_OPTIMIZERS)}")
    return _OPTIMIZERS[name](model.parameters(), lr=lr, **options)


def set_threads(n: int) -> int:
    """Set torch's intra-op threads (1 is fastest for these small matrices on a busy
    machine); returns the previous number, to restore it."""
    previous = torch.get_num_threads()
    torch.set_num_threads(int(n))
    return previous


def _dtype(model):
    return next(model.parameters()).dtype


class TorchStepper:
    """What `loop.fit` needs, done by torch: step, evaluate, snapshot, restore."""

    def __init__(self, model, cfg: TrainConfig):
        self.model, self.cfg = model, cfg
        self.criterion = make_loss(cfg.loss, _dtype(model), **cfg.loss_options)
        self.optimizer = make_optimizer(model, cfg.optimizer, cfg.lr, **cfg.optimizer_options)
        torch.manual_seed(cfg.seed)     # dropout masks

    def prepare(self, X, y):
        x = torch.as_tensor(np.ascontiguousarray(X), dtype=_dtype(self.model))
        if self.cfg.loss == "cross_entropy":
            return x, torch.as_tensor(np.asarray(y).reshape(-1), dtype=torch.long)
        return x, torch.as_tensor(np.ascontiguousarray(y), dtype=_dtype(self.model))

    def train_mode(self):
        self.model.train()

    def step(self, x, y):
        self.optimizer.zero_grad()
        loss = self.criterion(self.model(x), y)
        loss.backward()
        params = list(self.model.parameters())
        if self.cfg.clip_norm is not None:
            norm = torch.nn.utils.clip_grad_norm_(params, self.cfg.clip_norm)
        else:
            norm = torch.linalg.vector_norm(
                torch.stack([torch.linalg.vector_norm(p.grad) for p in params]))
        if self.cfg.clip_value is not None:
            torch.nn.utils.clip_grad_value_(params, self.cfg.clip_value)
        self.optimizer.step()
        return float(loss.item()), float(norm)

    @torch.no_grad()
    def evaluate(self, x, y) -> float:
        self.model.eval()
        return float(self.criterion(self.model(x), y).item())

    def snapshot(self) -> dict:
        """Host NumPy copies of the weights (so they compare directly with scratch ones)."""
        return {k: v.detach().cpu().numpy().copy() for k, v in self.model.state_dict().items()}

    def restore(self, state: dict) -> None:
        self.model.load_state_dict({k: torch.as_tensor(v) for k, v in state.items()})


def train(model, X_train, y_train, X_val, y_val, cfg: TrainConfig | None = None,
          **overrides) -> FitResult:
    """Train a torch model in place with the shared loop; overrides are TrainConfig fields."""
    cfg = TrainConfig(**overrides) if cfg is None else replace(cfg, **overrides)
    return fit(TorchStepper(model, cfg), X_train, y_train, X_val, y_val, cfg)


@torch.no_grad()
def predict(model, X, batch_size: int = 4096) -> np.ndarray:
    """Outputs on X (N,T,I) in eval mode as a NumPy array (N,O)."""
    model.eval()
    dtype = _dtype(model)
    outs = [model(torch.as_tensor(np.ascontiguousarray(X[i:i + batch_size]), dtype=dtype))
            .numpy() for i in range(0, len(X), batch_size)]
    return np.concatenate(outs)
