"""Time-delay embedding (Takens) and the usual helpers to choose its delay and dimension.

    tau = delay_from_mutual_information(x)              # or delay_from_autocorrelation(x)
    m = dimension_from_fnn(x, tau)                       # false nearest neighbours
    E = delay_embed(x, m, tau)                           # (T - (m-1) tau, m)
    X, y = make_windows(E, window=20)                    # windows of embedded vectors (N, 20, m)

Row i of the embedding is [x_i, x_{i+tau}, ..., x_{i+(m-1)tau}]: a point in m dimensions whose
trajectory reconstructs the attractor of the system that produced the scalar series x.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.spatial import cKDTree

from .windows import as_series, check_window


def delay_embed(series, dimension: int, delay: int) -> np.ndarray:
    """Delay vectors: row i = [x_i, x_{i+delay}, ..., x_{i+(dimension-1) delay}].

    series (T,) -> (N, dimension); series (T, F) -> (N, dimension * F) ordered
    [x_i (F values), x_{i+delay} (F values), ...]. N = T - (dimension - 1) * delay.
    """
    check_window(dimension=dimension, delay=delay)
    x = as_series(series)                                                   # T, F
    reach = (dimension - 1) * delay
    if len(x) <= reach:
        raise ValueError(f"expected more than (dimension - 1) * delay = {reach} samples, "
                         f"got {len(x)}")
    rows = sliding_window_view(x, reach + 1, axis=0)[:, :, ::delay]         # N, F, m
    return rows.transpose(0, 2, 1).reshape(len(rows), -1)                   # N, m*F


def autocorrelation(x, max_lag: int) -> np.ndarray:
    """(max_lag + 1,) autocorrelation r(k) = sum (x_t - m)(x_{t+k} - m) / sum (x_t - m)^2.

    Computed with the FFT (zero-padded, so no wrap-around); r(0) = 1.
    """
    x = _scalar(x)
    check_window(max_lag=max_lag)
    if max_lag >= len(x):
        raise ValueError(f"expected max_lag < {len(x)} (the series length), got {max_lag}")
    d = x - x.mean()
    spectrum = np.fft.rfft(d, n=2 * len(d))
    acov = np.fft.irfft(spectrum * np.conj(spectrum))[: max_lag + 1]       # max_lag+1
    if acov[0] <= 0:
        raise ValueError("expected a non-constant series, got zero variance")
    return acov / acov[0]


def delay_from_autocorrelation(x, criterion: str = "zero", max_lag: int | None = None) -> int:
    """The first lag where the autocorrelation falls to 0 ('zero') or to 1/e ('1/e')."""
    levels = {"zero": 0.0, "1/e": np.exp(-1.0)}
    if criterion not in levels:
        raise ValueError(f"expected criterion 'zero' or '1/e', got {criterion!r}")
    x = _scalar(x)
    r = autocorrelation(x, max_lag or len(x) // 2)
    below = np.flatnonzero(r <= levels[criterion])
    if len(below) == 0:
        raise ValueError(f"the autocorrelation never reaches {criterion} within "
                         f"{len(r) - 1} lags; expected a larger max_lag or a detrended series")
    return int(below[0])


def mutual_information(x, max_lag: int, bins: int = 16) -> np.ndarray:
    """(max_lag + 1,) mutual information I(x_t; x_{t+k}) in nats, from a bins x bins histogram."""
    x = _scalar(x)
    check_window(max_lag=max_lag, bins=bins)
    if max_lag >= len(x) - 1:
        raise ValueError(f"expected max_lag < {len(x) - 1}, got {max_lag}")
    edges = np.histogram_bin_edges(x, bins=bins)
    codes = np.clip(np.digitize(x, edges[1:-1]), 0, bins - 1)              # T, bin of each x_t
    return np.array([_mi(codes[:len(codes) - k], codes[k:], bins) for k in range(max_lag + 1)])


def _mi(a: np.ndarray, b: np.ndarray, bins: int) -> float:
    joint = np.bincount(a * bins + b, minlength=bins * bins).reshape(bins, bins) / len(a)
    pa, pb = joint.sum(axis=1), joint.sum(axis=0)
    nz = joint > 0
    return float(np.sum(joint[nz] * np.log(joint[nz] / np.outer(pa, pb)[nz])))


def delay_from_mutual_information(x, max_lag: int | None = None, bins: int = 16) -> int:
    """The first local minimum of the lagged mutual information (Fraser & Swinney 1986)."""
    x = _scalar(x)
    mi = mutual_information(x, max_lag or len(x) // 4, bins)
    dips = np.flatnonzero((mi[1:-1] < mi[:-2]) & (mi[1:-1] <= mi[2:])) + 1
    if len(dips) == 0:
        raise ValueError(f"the mutual information has no local minimum within {len(mi) - 1} "
                         f"lags; expected a larger max_lag")
    return int(dips[0])


def false_nearest_neighbours(x, delay: int, max_dimension: int = 10, rtol: float = 15.0,
                             atol: float = 2.0) -> np.ndarray:
    """(max_dimension,) fraction of false nearest neighbours for m = 1 .. max_dimension.

    Kennel, Brown & Abarbanel (1992): the nearest neighbour j of point i in m dimensions is
    false if adding coordinate m + 1 moves them apart, |x_{i+m tau} - x_{j+m tau}| > rtol * R_m,
    or if their distance in m + 1 dimensions exceeds atol * std(x).
    """
    x = _scalar(x)
    check_window(delay=delay, max_dimension=max_dimension)
    return np.array([_fnn(x, m, delay, rtol, atol) for m in range(1, max_dimension + 1)])


def _fnn(x: np.ndarray, m: int, delay: int, rtol: float, atol: float) -> float:
    n = len(x) - m * delay                       # points that have an (m+1)-th coordinate
    if n < 2:
        raise ValueError(f"expected more than {m * delay + 1} samples for dimension {m + 1} "
                         f"at delay {delay}, got {len(x)}")
    points = delay_embed(x[: n + (m - 1) * delay], m, delay)               # n, m
    dist, idx = cKDTree(points).query(points, k=2)                         # n, 2 (self first)
    r_m, j = dist[:, 1], idx[:, 1]
    extra = np.abs(x[np.arange(n) + m * delay] - x[j + m * delay])         # n
    r_next = np.sqrt(r_m**2 + extra**2)
    # distances below rounding level count as 0 (an exactly periodic signal repeats points)
    floor = 1e-9 * x.std()
    false = (extra > rtol * r_m + floor) | (r_next > atol * x.std())
    return float(false.mean())


def dimension_from_fnn(x, delay: int, max_dimension: int = 10, threshold: float = 0.01) -> int:
    """The smallest dimension whose false-nearest-neighbour fraction is below `threshold`."""
    fractions = false_nearest_neighbours(x, delay, max_dimension)
    ok = np.flatnonzero(fractions < threshold)
    if len(ok) == 0:
        raise ValueError(f"no dimension up to {max_dimension} has fewer than {threshold:.0%} "
                         f"false neighbours (lowest {fractions.min():.1%}); expected a larger "
                         f"max_dimension or threshold (noise keeps FNN high)")
    return int(ok[0] + 1)


def _scalar(x) -> np.ndarray:
    """A (T,) float64 series: the delay helpers study one channel at a time."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim != 1 or len(x) < 3:
        raise ValueError(f"expected one channel shaped (T,) with T >= 3, got {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("expected finite values, got NaN or inf; clean the series first")
    return x
