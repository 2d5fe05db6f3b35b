"""Overlapping windows: the slides' `create_dataset`, vectorised, multi-feature, any stride/horizon.

    X, y = make_windows(series, window=50)            # X (N, 50, F), y (N, F)
    X, y = make_windows(series, 50, horizon=10)       # y (N, 10, F): the next 10 samples

Window i starts at sample s_i = i * stride; its inputs are series[s_i : s_i + window] and its
targets series[s_i + window : s_i + window + horizon]. N = (T - window - horizon) // stride + 1.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def make_windows(series, window: int, horizon: int = 1, stride: int = 1):
    """(X, y) for next-step (horizon 1) or multi-step forecasting.

    series: (T,) or (T, F). X: (N, window, F) -- always 3-D, the (B, T, F) a recurrent layer eats.
    y: (N, F) for horizon 1, (N, horizon, F) for horizon > 1.

    For horizon 1 and stride 1 this equals the slides' `create_dataset(series, window)`, except
    for the shape of y: the slides build y from a 1-D series, so y is (N,), while the model
    outputs (N, 1). torch's MSELoss then broadcasts (N, 1) against (N,) to an (N, N) matrix of
    every prediction against every target -- a warning, a wrong loss, and a model that learns
    the mean. Here y keeps its feature axis, (N, 1), so the shapes match.
    """
    x = as_series(series)                                               # T, F
    starts = window_starts(len(x), window, horizon, stride)             # N
    return windows_at(x, starts, window, horizon)


def window_starts(n_samples: int, window: int, horizon: int = 1, stride: int = 1) -> np.ndarray:
    """(N,) start sample of every window of `make_windows` on a series of n_samples."""
    check_window(window=window, horizon=horizon, stride=stride)
    span = window + horizon
    if n_samples < span:
        raise ValueError(f"expected a series of at least window + horizon = {span} samples, "
                         f"got {n_samples}")
    return np.arange(0, n_samples - span + 1, stride)


def windows_at(series, starts, window: int, horizon: int = 1):
    """(X, y) of the windows starting at `starts` (any order, any subset), copied."""
    x = as_series(series)                                                # T, F
    spans = sliding_window_view(x, window + horizon, axis=0)             # T-w-h+1, F, w+h
    chunk = spans[np.asarray(starts, dtype=np.intp)].transpose(0, 2, 1)  # N, w+h, F (a copy)
    X, y = chunk[:, :window], chunk[:, window:]                          # N,w,F  N,h,F
    return X, (y[:, 0] if horizon == 1 else y)


def as_series(series) -> np.ndarray:
    """(T, F) float64 view of a (T,) or (T, F) series."""
    x = np.asarray(series, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"expected a non-empty series shaped (T,) or (T, F), got {x.shape}")
    return x


def check_window(**values) -> None:
    """Every value must be a positive integer (window, horizon, stride, ...)."""
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"expected {key} to be a positive integer, got {value!r}")
