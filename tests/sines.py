"""Small, clean, deterministic forecasting data for the trainer and sweep tests
(fixtures `sine` and `tiny`, made available by tests/train and tests/app conftest.py)."""
import numpy as np
import pytest

from scratchrnn.data.windows import make_windows


def sine_windows(n=360, window=20, noise=0.0, seed=0):
    """Windows of a two-tone sine (clean unless `noise`), split 60/20/20 in time order."""
    t = np.arange(n) * 0.15
    s = np.sin(t) + 0.5 * np.sin(2.7 * t + 0.3)
    s = s + noise * np.random.default_rng(seed).normal(size=n)
    X, y = make_windows(s / s.std(), window)                          # N,window,1  N,1
    a, b = int(0.6 * len(X)), int(0.8 * len(X))
    return {"X_train": X[:a], "y_train": y[:a], "X_val": X[a:b], "y_val": y[a:b],
            "X_test": X[b:], "y_test": y[b:]}


@pytest.fixture
def sine():
    return sine_windows()


@pytest.fixture
def tiny():
    """A handful of short windows: enough for a few fast epochs."""
    return sine_windows(n=90, window=8)
