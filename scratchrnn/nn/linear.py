"""Linear layer: y = x W^T + b (torch.nn.Linear)."""
from __future__ import annotations

import numpy as np

from .. import init as _init
from ..backend import get_xp, resolve_dtype
from ..errors import ShapeError
from ..grad_mode import is_grad_enabled, no_cache_error
from .module import Module


class Linear(Module):
    """y = x W^T + b.  x: (..., in_features) -> y: (..., out_features).

    Parameters: ``weight`` (out_features, in_features), ``bias`` (out_features,).
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *,
                 dtype="float32", seed=None, init: str = "default", backend=None):
        if in_features <= 0 or out_features <= 0:
            raise ValueError(f"in_features and out_features must be positive, got "
                             f"{in_features} and {out_features}")
        super().__init__(get_xp(backend), resolve_dtype(dtype))
        self.in_features, self.out_features, self.bias = in_features, out_features, bias
        host = {"weight": np.empty((out_features, in_features))}
        if bias:
            host["bias"] = np.empty(out_features)
        _init.init_linear_(host, init, np.random.default_rng(seed) if not isinstance(
            seed, np.random.Generator) else seed)
        for name, value in host.items():
            self._add_param(name, self.xp.asarray(value, dtype=self.dtype))
        self._x, self._kept = None, True  # _kept: False after a forward under no_grad

    def forward(self, x):
        if x.shape[-1] != self.in_features:
            raise ShapeError(f"Linear: expected input with last dimension {self.in_features}, "
                             f"got shape {tuple(x.shape)}")
        self._kept = is_grad_enabled()
        self._x = x if self._kept else None
        y = x @ self._params["weight"].T  # ...,O
        if self.bias:
            y += self._params["bias"]
        return y

    def backward(self, dy):
        """Accumulate dW, db; return dx with the shape of the last forward's input."""
        if self._x is None:
            raise no_cache_error("Linear", self._kept)
        x = self._x
        if dy.shape != x.shape[:-1] + (self.out_features,):
            raise ShapeError(f"Linear.backward: expected gradient of shape "
                             f"{x.shape[:-1] + (self.out_features,)}, got {tuple(dy.shape)}")
        dy2 = dy.reshape(-1, self.out_features)                       # N,O
        self._grads["weight"] += dy2.T @ x.reshape(-1, self.in_features)  # O,I
        if self.bias:
            self._grads["bias"] += dy2.sum(axis=0)                    # O
        return dy @ self._params["weight"]                            # ...,I
