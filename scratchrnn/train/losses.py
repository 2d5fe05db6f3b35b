"""Cross-entropy for the classification task, and the loss registry of the trainer.

    CrossEntropyLoss:  logits z (B,C), class indices y (B,)
        p = softmax(z)                        p_bc = exp(z_bc) / sum_k exp(z_bk)
        L = sum_b w_{y_b} (-log p_{b,y_b}) / sum_b w_{y_b}      (w = 1 without weights)
        dL/dz_b = w_{y_b} (p_b - onehot(y_b)) / sum_b w_{y_b}

As torch.nn.CrossEntropyLoss (reduction 'mean', optional per-class `weight`). The
log-softmax subtracts the row maximum first, so large logits never overflow.
"""
from __future__ import annotations

import numpy as np

from ..backend import asarray, namespace_of
from ..errors import ShapeError
from ..losses import MSELoss


class CrossEntropyLoss:
    """torch.nn.CrossEntropyLoss on logits (B,C) and integer targets (B,)."""

    def __init__(self, weight=None):
        self.weight = None if weight is None else np.asarray(weight, dtype=np.float64)
        self._cache = None

    def forward(self, logits, target) -> float:
        xp = namespace_of(logits)
        if logits.ndim != 2:
            raise ShapeError(f"CrossEntropyLoss: expected logits of shape (batch, classes), "
                             f"got {tuple(logits.shape)}")
        target = xp.asarray(target).reshape(-1)
        if target.shape[0] != logits.shape[0]:
            raise ShapeError(f"CrossEntropyLoss: expected {logits.shape[0]} targets (one per "
                             f"row of logits), got {target.shape[0]}")
        target = target.astype(np.int64)
        C = logits.shape[1]
        if target.size and (int(target.min()) < 0 or int(target.max()) >= C):
            raise ValueError(f"CrossEntropyLoss: expected class indices in [0, {C}), got "
                             f"{int(target.min())}..{int(target.max())}")
        if self.weight is not None and self.weight.shape != (C,):
            raise ShapeError(f"CrossEntropyLoss: expected weight of shape ({C},), "
                             f"got {self.weight.shape}")
        shifted = logits - logits.max(axis=1, keepdims=True)                    # B,C
        log_p = shifted - xp.log(xp.exp(shifted).sum(axis=1, keepdims=True))    # B,C
        rows = xp.arange(target.shape[0])
        w = (xp.ones(target.shape[0], dtype=logits.dtype) if self.weight is None
             else asarray(self.weight, xp, logits.dtype)[target])               # B
        total_w = w.sum()
        self._cache = (log_p, target, w, total_w)
        return float(-(w * log_p[rows, target]).sum() / total_w)

    __call__ = forward

    def backward(self):
        """dL/dlogits (B,C) = w_y (softmax - onehot(y)) / sum w_y."""
        if self._cache is None:
            raise RuntimeError("CrossEntropyLoss.backward called before forward")
        log_p, target, w, total_w = self._cache
        xp = namespace_of(log_p)
        grad = xp.exp(log_p)                                                    # B,C
        grad[xp.arange(target.shape[0]), target] -= 1
        return grad * (w / total_w)[:, None]


LOSSES = {"mse": MSELoss, "cross_entropy": CrossEntropyLoss}


def make_loss(name: str, **options):
    """'mse' or 'cross_entropy' -> a loss object with forward(pred, target) and backward()."""
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; expected one of {sorted(LOSSES)}")
    return LOSSES[name](**options)
