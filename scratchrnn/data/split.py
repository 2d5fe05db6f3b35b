"""Train / validation / test splits of windows, and how much the random split leaks.

    parts = random_split(n_windows)                          # the slides' 70/15/15, seed 42
    parts = chronological_split(T, window=50)                # three segments, 50-sample gaps
    leakage(parts, window=50)                                # test targets seen in training

Both return a `Split` of window indices (rows of `make_windows(series, window, horizon,
stride)`), so one set of windows serves both, and `leakage` compares them on equal terms.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sklearn.model_selection import train_test_split

from .windows import check_window, window_starts


class Split(NamedTuple):
    """Window indices (N_part,) of each part; `segments` are the chronological sample ranges."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    segments: tuple | None = None   # ((start, stop) of train, val, test) in samples, or None


def check_fractions(fractions) -> tuple[float, float, float]:
    """Three positive fractions (train, val, test) that sum to 1."""
    fr = tuple(float(f) for f in fractions)
    if len(fr) != 3 or min(fr) <= 0 or abs(sum(fr) - 1) > 1e-6:
        raise ValueError(f"expected three positive fractions (train, val, test) summing to 1, "
                         f"got {tuple(fractions)!r} (sum {sum(fr):g})")
    return fr


def random_split(n_windows: int, fractions=(0.7, 0.15, 0.15), seed: int = 42) -> Split:
    """The slides' shuffled split, reproduced exactly:

        X_train, X_temp, ... = train_test_split(X, y, test_size=0.3, random_state=42)
        X_val, X_test, ...   = train_test_split(X_temp, y_temp, test_size=0.5, random_state=42)

    The shuffle depends only on the number of rows, so splitting the indices arange(n_windows)
    gives the same rows: X[split.train] is the slides' X_train. test_size is val + test, then
    test / (val + test) (0.3 and 0.5 for the default fractions, bit for bit).
    """
    _, val, test = check_fractions(fractions)
    idx = np.arange(n_windows)
    try:
        train, temp = train_test_split(idx, test_size=val + test, random_state=seed)
        val_idx, test_idx = train_test_split(temp, test_size=test / (val + test),
                                             random_state=seed)
    except ValueError as err:  # sklearn's message speaks of its own arguments
        raise ValueError(f"expected enough windows for three non-empty parts with fractions "
                         f"{tuple(fractions)}, got {n_windows} windows") from err
    return Split(train, val_idx, test_idx)


def chronological_split(n_samples: int, window: int, horizon: int = 1, stride: int = 1,
                        fractions=(0.7, 0.15, 0.15), gap: int | None = None) -> Split:
    """Contiguous train | gap | val | gap | test segments of the series, in time order.

    The series minus the two gaps is cut by `fractions`; a window belongs to a part when all
    of its window + horizon samples lie inside that part's segment, so no sample is shared
    between parts. Windows that would straddle a gap are not used. gap defaults to `window`.
    Returns window indices into `make_windows(series, window, horizon, stride)`.
    """
    fr = check_fractions(fractions)
    gap = window if gap is None else gap
    if isinstance(gap, bool) or not isinstance(gap, (int, np.integer)) or gap < 0:
        raise ValueError(f"expected a non-negative integer gap, got {gap!r}")
    starts = window_starts(n_samples, window, horizon, stride)                 # N
    segments = _segments(n_samples, fr, gap)
    span = window + horizon
    parts = []
    for name, (lo, hi) in zip(("train", "val", "test"), segments):
        inside = np.flatnonzero((starts >= lo) & (starts + span <= hi))
        if len(inside) == 0:
            raise ValueError(f"expected the {name} segment ({hi - lo} samples) to hold at least "
                             f"one window of window + horizon = {span} samples; the series "
                             f"({n_samples} samples) is too short for these fractions and gap")
        parts.append(inside)
    return Split(*parts, segments=segments)


def _segments(n_samples: int, fractions, gap: int) -> tuple:
    usable = n_samples - 2 * gap
    if usable < 3:
        raise ValueError(f"expected more than 2 * gap + 2 = {2 * gap + 2} samples for a "
                         f"chronological split with gap={gap}, got {n_samples}")
    n_train = int(round(fractions[0] * usable))
    n_val = int(round(fractions[1] * usable))
    val_start = n_train + gap
    test_start = val_start + n_val + gap
    return ((0, n_train), (val_start, val_start + n_val), (test_start, n_samples))


def covered_samples(window_idx, n_samples: int, window: int, horizon: int = 1,
                    stride: int = 1) -> np.ndarray:
    """(n_samples,) bool: True where a sample is an input or a target of one of the windows."""
    check_window(window=window, horizon=horizon, stride=stride)
    starts = np.asarray(window_idx, dtype=np.intp) * stride
    edges = np.zeros(n_samples + 1, dtype=np.int64)
    np.add.at(edges, starts, 1)                                   # a span opens at its start
    np.add.at(edges, np.minimum(starts + window + horizon, n_samples), -1)   # and closes
    return np.cumsum(edges[:-1]) > 0


def leakage(split: Split, window: int, horizon: int = 1, stride: int = 1,
            part: str = "test") -> float:
    """Fraction of the target samples of `part` that also appear in some training window.

    A training window shows the network window + horizon consecutive samples. With
    overlapping windows shuffled at random, almost every test target has been an input or a
    target of a neighbouring training window, so the test score measures recall, not
    forecasting. A chronological split with a gap gives 0.
    """
    if part not in ("val", "test"):
        raise ValueError(f"expected part 'val' or 'test', got {part!r}")
    idx = np.asarray(getattr(split, part), dtype=np.intp)
    if len(idx) == 0:
        return 0.0
    all_idx = np.concatenate([split.train, idx])
    n_samples = int(all_idx.max()) * stride + window + horizon
    seen = covered_samples(split.train, n_samples, window, horizon, stride)
    targets = idx[:, None] * stride + window + np.arange(horizon)             # N_part, horizon
    return float(seen[targets].mean())
