"""Loss functions with a forward that returns the loss and a backward that returns its gradient."""
from __future__ import annotations

from .backend import asarray, namespace_of
from .errors import ShapeError


class MSELoss:
    """Mean squared error, torch.nn.MSELoss: L = mean((pred - target)^2)  (or the sum).

    Unlike torch, shapes must match exactly: the slides' y of shape (N,) against a
    prediction (N, 1) makes torch broadcast to (N, N) (with a warning) and compute the
    wrong loss; here it is an error.
    """

    def __init__(self, reduction: str = "mean"):
        if reduction not in ("mean", "sum"):
            raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
        self.reduction = reduction
        self._diff = None

    def forward(self, pred, target) -> float:
        xp = namespace_of(pred)
        target = asarray(target, xp, pred.dtype)
        if tuple(pred.shape) != tuple(target.shape):
            raise ShapeError(f"MSELoss: expected target of shape {tuple(pred.shape)} (the "
                             f"prediction's), got {tuple(target.shape)}")
        self._diff = pred - target
        total = float((self._diff * self._diff).sum())
        return total / self._diff.size if self.reduction == "mean" else total

    __call__ = forward

    def backward(self):
        """dL/dpred = 2 (pred - target) / N   (N = number of elements; no /N for 'sum')."""
        if self._diff is None:
            raise RuntimeError("MSELoss.backward called before forward")
        scale = 2.0 / self._diff.size if self.reduction == "mean" else 2.0
        return self._diff * scale
