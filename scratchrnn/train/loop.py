"""The training loop of the slides, shared by the scratch trainer and its torch mirror.

    for epoch in range(epochs):
        for xb, yb in batches:             # one batch = the whole training set on the slides
            zero_grad; loss = criterion(model(xb), yb); backward; [clip]; optimizer.step
        val_loss = criterion(model(X_val), y_val)              # eval mode, every epoch
        if val_loss < best_val_loss:
            best_state = copy of the weights                   # NOT `best_model = model`

The loop knows nothing about NumPy-vs-torch: a *stepper* (``ScratchStepper`` in
`trainer.py`, ``TorchStepper`` in `reference/train.py`) does one optimisation step,
one evaluation, and copies the weights. Both sides therefore see the same batches
in the same order and select the best epoch by the same rule, so a scratch run and
a torch run from the same initial weights can be compared epoch for epoch.

The slides' bug: ``best_model = model`` stores a *reference* to the model that keeps
training, so after the loop "the best model" is the last one. Here the best weights
are a copy (``stepper.snapshot()``), and by default they are loaded back at the end.
"""
from __future__ import annotations

import math
import sys
import time
from dataclasses import asdict, dataclass, field

import numpy as np
from tqdm import tqdm


@dataclass
class TrainConfig:
    """Options of one training run (defaults: the slides' Adam, lr 1e-3, 100 full-batch epochs)."""
    epochs: int = 100
    lr: float = 1e-3
    optimizer: str = "adam"              # 'adam' | 'adamw' | 'sgd'
    optimizer_options: dict = field(default_factory=dict)  # momentum, weight_decay, betas...
    loss: str = "mse"                    # 'mse' | 'cross_entropy'
    loss_options: dict = field(default_factory=dict)       # e.g. weight for cross-entropy
    batch_size: int | None = None        # None: full batch, as on the slides
    shuffle: bool = True                 # reshuffle mini-batches every epoch
    clip_norm: float | None = None       # clip the global 2-norm of the gradients
    clip_value: float | None = None      # clip every gradient entry to [-v, v]
    patience: int | None = None          # early stopping after this many epochs w/o progress
    min_delta: float = 0.0               # how much lower val loss must be to count as progress
    seed: int = 0                        # mini-batch order (and torch's dropout)
    restore_best: bool = True            # load the best weights into the model at the end
    progress: bool = True                # tqdm bar (only when stderr is a terminal)
    desc: str = ""                       # label of the progress bar

    def __post_init__(self):
        if int(self.epochs) < 1:
            raise ValueError(f"epochs must be >= 1, got {self.epochs}")
        if self.batch_size is not None and int(self.batch_size) < 1:
            raise ValueError(f"batch_size must be >= 1 or None (full batch), got {self.batch_size}")
        for name in ("clip_norm", "clip_value"):
            v = getattr(self, name)
            if v is not None and not v > 0:
                raise ValueError(f"{name} must be > 0 or None, got {v}")
        if self.patience is not None and int(self.patience) < 1:
            raise ValueError(f"patience must be >= 1 or None, got {self.patience}")


@dataclass
class History:
    """Per-epoch record of one run. Epochs are counted from 0 (epoch k = list index k)."""
    train_loss: list = field(default_factory=list)     # mean loss of the epoch's batches
    val_loss: list = field(default_factory=list)       # after the epoch's updates
    grad_norm: list = field(default_factory=list)      # global 2-norm before clipping (mean)
    epoch_seconds: list = field(default_factory=list)  # training + validation time
    best_epoch: int = -1
    best_val_loss: float = math.inf
    stopped: str = "completed"   # 'completed' | 'early_stopping' | 'non_finite'
    message: str = ""

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    @property
    def train_seconds(self) -> float:
        return float(sum(self.epoch_seconds))

    def to_dict(self) -> dict:
        return {**asdict(self), "epochs": self.epochs, "train_seconds": self.train_seconds}


@dataclass
class FitResult:
    history: History
    best_state: dict | None      # copy of the weights at history.best_epoch
    last_state: dict             # copy of the weights after the last epoch


def batch_indices(n: int, batch_size: int | None, shuffle: bool, rng) -> list:
    """Index arrays of the epoch's batches; one batch of range(n) for full-batch training."""
    if batch_size is None or batch_size >= n:
        return [np.arange(n)]
    order = rng.permutation(n) if shuffle else np.arange(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def show_progress(cfg: TrainConfig) -> bool:
    """A progress bar when asked for and stderr is a terminal (never in logs or pipes)."""
    return bool(cfg.progress) and sys.stderr is not None and sys.stderr.isatty()


def fit(stepper, X_train, y_train, X_val, y_val, cfg: TrainConfig) -> FitResult:
    """Train with `stepper` on NumPy arrays X (N,T,I), y (N,O) or class indices (N,).

    Returns the history and copies of the best and last weights; with
    ``cfg.restore_best`` the model ends holding the best weights.
    KeyboardInterrupt propagates (after restoring the best weights) so a sweep can stop.
    """
    if len(X_train) != len(y_train) or len(X_val) != len(y_val):
        raise ValueError(f"expected as many targets as windows, got X_train {len(X_train)} / "
                         f"y_train {len(y_train)}, X_val {len(X_val)} / y_val {len(y_val)}")
    rng = np.random.default_rng(cfg.seed)
    hist, best_state = History(), None
    train = stepper.prepare(X_train, y_train)   # onto the model's device once per run:
    val = stepper.prepare(X_val, y_val)         # batches are taken there, not copied again
    bar = tqdm(range(int(cfg.epochs)), desc=cfg.desc, disable=not show_progress(cfg),
               file=sys.stderr, leave=False, dynamic_ncols=True)
    waited = 0
    try:
        for epoch in bar:
            t0 = time.perf_counter()
            loss, gnorm = _train_epoch(stepper, train, len(X_train), cfg, rng)
            val_loss = stepper.evaluate(*val)
            hist.epoch_seconds.append(time.perf_counter() - t0)
            hist.train_loss.append(loss)
            hist.val_loss.append(val_loss)
            hist.grad_norm.append(gnorm)
            bar.set_postfix(train=f"{loss:.4g}", val=f"{val_loss:.4g}", refresh=False)
            if not (math.isfinite(loss) and math.isfinite(val_loss)):
                hist.stopped = "non_finite"
                hist.message = _non_finite_message(epoch, loss, val_loss, hist)
                break
            if val_loss < hist.best_val_loss - cfg.min_delta or best_state is None:
                hist.best_val_loss, hist.best_epoch = val_loss, epoch
                best_state, waited = stepper.snapshot(), 0   # a real copy of the weights
            else:
                waited += 1
                if cfg.patience is not None and waited >= cfg.patience:
                    hist.stopped = "early_stopping"
                    hist.message = (f"early stopping at epoch {epoch + 1}: no improvement of "
                                    f"the validation loss for {cfg.patience} epochs")
                    break
    finally:
        bar.close()
        last_state = stepper.snapshot()
        if cfg.restore_best and best_state is not None:
            stepper.restore(best_state)
    return FitResult(hist, best_state, last_state)


def _train_epoch(stepper, train, n, cfg, rng):
    """One epoch on the prepared (X, y): returns (mean batch loss weighted by batch size,
    mean gradient norm)."""
    stepper.train_mode()
    if cfg.batch_size is None:
        return stepper.step(*train)
    losses, norms, sizes = [], [], []
    for idx in batch_indices(n, cfg.batch_size, cfg.shuffle, rng):
        loss, gnorm = stepper.step(*(a[idx] for a in train))
        losses.append(loss), norms.append(gnorm), sizes.append(len(idx))
    return float(np.average(losses, weights=sizes)), float(np.mean(norms))


def _non_finite_message(epoch, loss, val_loss, hist) -> str:
    what = f"training loss {loss}" if not math.isfinite(loss) else f"validation loss {val_loss}"
    kept = (f"kept the best weights, from epoch {hist.best_epoch + 1} "
            f"(val loss {hist.best_val_loss:.4g})" if hist.best_epoch >= 0
            else "no finite epoch to keep")
    return (f"training stopped at epoch {epoch + 1}: {what} is not finite (diverged; try a "
            f"lower learning rate or gradient clipping); {kept}")
