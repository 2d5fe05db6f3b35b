"""Learning-rate schedules that change ``optimizer.lr`` (torch.optim.lr_scheduler).

    sched = StepLR(opt, step_size=30, gamma=0.1)     # lr * 0.1 every 30 epochs
    sched = ReduceLROnPlateau(opt, patience=10)      # lr * 0.1 after 10 epochs w/o progress
    for epoch in range(epochs):
        train_one_epoch(...)
        sched.step()              # StepLR
        sched.step(val_loss)      # ReduceLROnPlateau
"""
from __future__ import annotations

import math

from .base import Optimizer, check_number


def _check_optimizer(optimizer, who: str) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{who}: expected a scratchrnn.optim optimizer, "
                        f"got {type(optimizer).__name__}")


class _Scheduler:
    """What both schedulers share: the last lr and a state_dict to resume from."""

    def get_last_lr(self) -> list:
        """[lr] (a list, as torch returns one lr per parameter group)."""
        return list(self._last_lr)

    def state_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict) -> None:
        self.__dict__.update(state_dict)


class StepLR(_Scheduler):
    """Multiply the learning rate by `gamma` every `step_size` calls of ``step()``.

    lr_epoch = lr_0 * gamma ** (epoch // step_size), computed as torch does: one
    multiplication of the current lr at each multiple of step_size.
    """

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1):
        _check_optimizer(optimizer, "StepLR")
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"step_size must be an integer >= 1, got {step_size!r}")
        self.optimizer, self.step_size = optimizer, step_size
        self.gamma = check_number("gamma", gamma, low=0.0)
        self.base_lr = optimizer.lr
        self.last_epoch = 0
        self._last_lr = [optimizer.lr]

    def step(self) -> None:
        """End of an epoch."""
        self.last_epoch += 1
        if self.last_epoch % self.step_size == 0:
            self.optimizer.lr = self.optimizer.lr * self.gamma     # lr = gamma lr
        self._last_lr = [self.optimizer.lr]


class ReduceLROnPlateau(_Scheduler):
    """Multiply the lr by `factor` when a metric has not improved for `patience` epochs.

    'Improved' (mode='min', threshold_mode='rel'): metric < best * (1 - threshold);
    'abs': metric < best - threshold; mode='max' mirrors both. After a reduction, `cooldown`
    epochs pass before bad epochs count again. The lr never goes below `min_lr`, and a
    reduction smaller than `eps` is skipped.
    """

    def __init__(self, optimizer, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr: float = 0.0, eps: float = 1e-8):
        _check_optimizer(optimizer, "ReduceLROnPlateau")
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        self.factor = check_number("factor", factor, low=0.0, high=1.0, high_open=True)
        for name, value in (("patience", patience), ("cooldown", cooldown)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
        self.optimizer, self.mode, self.threshold_mode = optimizer, mode, threshold_mode
        self.patience, self.cooldown = patience, cooldown
        self.threshold = check_number("threshold", threshold, low=0.0)
        self.min_lr = check_number("min_lr", min_lr, low=0.0)
        self.eps = check_number("eps", eps, low=0.0)
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = [optimizer.lr]

    def _is_better(self, a: float, best: float) -> bool:
        if self.mode == "min":
            return a < (best * (1.0 - self.threshold) if self.threshold_mode == "rel"
                        else best - self.threshold)
        return a > (best * (self.threshold + 1.0) if self.threshold_mode == "rel"
                    else best + self.threshold)

    def step(self, metric: float) -> None:
        """End of an epoch whose validation metric is `metric`."""
        current = float(metric)
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0                       # bad epochs in cooldown don't count
        if self.num_bad_epochs > self.patience:
            old = self.optimizer.lr
            new = max(old * self.factor, self.min_lr)     # lr = max(factor lr, min_lr)
            if old - new > self.eps:
                self.optimizer.lr = new
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = [self.optimizer.lr]
