"""Scalers in scikit-learn style: `fit` learns from the training part only and returns self,
fitted attributes end in `_`, `inverse_transform` brings predictions back to original units.

    scaler = ZScoreScaler().fit(train)          # train: (T,) or (T, F)
    z = scaler.transform(series)                # any (..., F) array, same shape out
    mse_mV2 = ((scaler.inverse_transform(pred) - scaler.inverse_transform(y)) ** 2).mean()

The slides standardise the whole series before splitting, `(data - mean) / std`; statistics of
the test part then leak into training. Fit on the training part, transform every part.
"""
from __future__ import annotations

import numpy as np


class _Scaler:
    """Shared plumbing: statistics per feature (last axis); 1-D input is one feature."""

    def fit_transform(self, x):
        return self.fit(x).transform(x)

    def state(self) -> dict:
        """The fitted scaler as plain JSON values (`scaler_from_state` rebuilds it)."""
        if not hasattr(self, "n_features_in_"):
            raise ValueError(f"this {type(self).__name__} is not fitted; call fit(train) first")
        fitted = {k: np.asarray(v).tolist() for k, v in vars(self).items() if k.endswith("_")}
        params = {k: list(v) if isinstance(v, tuple) else v for k, v in vars(self).items()
                  if not k.endswith("_")}
        name = next(n for n, cls in SCALERS.items() if cls is type(self))
        return {"kind": name, "params": params, "fitted": fitted}

    def _features(self, x, fitting: bool = False) -> np.ndarray:
        """x as float64 shaped (n, F): every axis but the last is pooled."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim == 0 or x.size == 0:
            raise ValueError(f"expected a non-empty array shaped (T,) or (..., F), got {x.shape}")
        x2 = x.reshape(-1, 1) if x.ndim == 1 else x.reshape(-1, x.shape[-1])
        if fitting:
            if not np.isfinite(x2).all():
                raise ValueError("expected finite training values, got NaN or inf")
            return x2
        if not hasattr(self, "n_features_in_"):
            raise ValueError(f"this {type(self).__name__} is not fitted; call fit(train) first")
        if x.ndim > 1 and x.shape[-1] != self.n_features_in_:
            raise ValueError(f"expected {self.n_features_in_} features on the last axis, "
                             f"got shape {x.shape}")
        if x.ndim == 1 and self.n_features_in_ != 1:
            raise ValueError(f"expected shape (..., {self.n_features_in_}), got {x.shape}")
        return x2


class ZScoreScaler(_Scaler):
    """z = (x - mean_) / scale_, per feature, like sklearn's StandardScaler.

    scale_ is the population standard deviation (ddof=0, as np.std in the slides); a constant
    feature gets scale_ = 1 so it maps to 0 instead of dividing by zero.
    Fitted: mean_ (F,), scale_ (F,), n_features_in_, n_samples_seen_.
    """

    def fit(self, x):
        x2 = self._features(x, fitting=True)                       # n, F
        self.mean_ = x2.mean(axis=0)                               # F
        std = x2.std(axis=0)                                       # F
        # like sklearn: a spread at the level of rounding error means a constant feature
        constant = std <= np.finfo(np.float64).eps * len(x2) * np.abs(self.mean_)
        self.scale_ = np.where(constant | (std == 0), 1.0, std)
        self.n_features_in_, self.n_samples_seen_ = x2.shape[1], x2.shape[0]
        return self

    def transform(self, x):
        self._features(x)
        return (np.asarray(x, dtype=np.float64) - self.mean_) / self.scale_

    def inverse_transform(self, z):
        self._features(z)
        return np.asarray(z, dtype=np.float64) * self.scale_ + self.mean_


class MinMaxScaler(_Scaler):
    """x' = x * scale_ + min_ maps [data_min_, data_max_] onto `feature_range` (sklearn's formula).

    Values outside the training range land outside `feature_range`: they are not clipped.
    Fitted: data_min_, data_max_, scale_, min_ (all (F,)), n_features_in_, n_samples_seen_.
    """

    def __init__(self, feature_range=(0.0, 1.0)):
        self.feature_range = feature_range

    def fit(self, x):
        low, high = self.feature_range
        if not low < high:
            raise ValueError(f"expected feature_range (low, high) with low < high, "
                             f"got {self.feature_range!r}")
        x2 = self._features(x, fitting=True)                       # n, F
        self.data_min_, self.data_max_ = x2.min(axis=0), x2.max(axis=0)
        span = self.data_max_ - self.data_min_
        self.scale_ = (high - low) / np.where(span > 0, span, 1.0)
        self.min_ = low - self.data_min_ * self.scale_
        self.n_features_in_, self.n_samples_seen_ = x2.shape[1], x2.shape[0]
        return self

    def transform(self, x):
        self._features(x)
        return np.asarray(x, dtype=np.float64) * self.scale_ + self.min_

    def inverse_transform(self, z):
        self._features(z)
        return (np.asarray(z, dtype=np.float64) - self.min_) / self.scale_


SCALERS = {"zscore": ZScoreScaler, "minmax": MinMaxScaler}


def make_scaler(name: str | None):
    """A new unfitted scaler: 'zscore', 'minmax', or None for no scaling."""
    if name is None:
        return None
    if name not in SCALERS:
        raise ValueError(f"unknown scaler {name!r}; expected one of {list(SCALERS)} or None")
    return SCALERS[name]()


def scaler_from_state(state: dict):
    """A fitted scaler from `scaler.state()`: the same statistics, nothing refitted."""
    scaler = SCALERS[state["kind"]](**state["params"])
    for name, value in state["fitted"].items():
        setattr(scaler, name, np.asarray(value) if isinstance(value, list) else value)
    return scaler
