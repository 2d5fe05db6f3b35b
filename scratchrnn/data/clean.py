"""Cleaning steps. Each returns ``(cleaned, StepReport)`` and never drops a sample.

    x, rep = interpolate_missing(x)                  # NaN -> interpolated
    x, rep = hampel_filter(x, half_window=5)         # outliers -> local median
    x, rep = butter_filter(x, fs=250, cutoff=40)     # zero-phase low-pass
    print(rep)                                       # "butter_filter: 5588 of 5588 samples changed"

Arrays are (T,) or (T, F); every step works along time (axis 0), feature by feature.
Outliers are replaced, not removed, so the time axis stays regular.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from scipy import signal


@dataclass(frozen=True)
class StepReport:
    """What one step changed: `n_changed` of `n_samples` values (counted over all features)."""

    step: str
    n_samples: int
    n_changed: int
    detail: str = ""

    def __str__(self) -> str:
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.step}: {self.n_changed} of {self.n_samples} samples changed{extra}"


@dataclass
class CleaningReport:
    """The reports of a sequence of steps, in the order they ran."""

    steps: list[StepReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # what is odd about the data, in words

    def add(self, report: StepReport) -> None:
        self.steps.append(report)

    def note(self, sentence: str) -> None:
        self.notes.append(sentence)

    def __str__(self) -> str:
        return "\n".join([*(str(s) for s in self.steps), *self.notes]) or "no cleaning steps"


def interpolate_missing(x, method: str = "linear", order: int = 3):
    """Fill NaN by interpolation (pandas), 'linear' or 'spline' (of `order`) over the sample index.

    +-inf counts as missing too (a saturated or broken sample is no measurement). Missing
    samples before the first / after the last valid one take the nearest valid value.
    x: (T,) or (T, F). Returns (x filled, StepReport with the number of samples filled; its
    detail names the inf and the longest gap when it spans more than one sample).
    """
    x = _as_float(x)
    if method not in ("linear", "spline"):
        raise ValueError(f"expected method 'linear' or 'spline', got {method!r}")
    missing = ~np.isfinite(x)
    if not missing.any():
        return x.copy(), StepReport("interpolate_missing", x.size, 0, method)
    # s=0: an interpolating spline through the valid samples (scipy's default smooths them)
    kwargs = {"order": order, "s": 0} if method == "spline" else {}
    frame = pd.DataFrame(np.where(missing, np.nan, x).reshape(len(x), -1))
    # interpolate inside, then carry the nearest valid value out to the ends
    filled = frame.interpolate(method=method, limit_area="inside", **kwargs).ffill().bfill()
    out = filled.to_numpy().reshape(x.shape)
    detail = [method]
    if np.isinf(x).any():
        detail.append(f"{int(np.isinf(x).sum())} of them inf, treated as missing")
    length, start = _longest_gap(missing.reshape(len(x), -1))
    if length > 1:
        how = ("at the start, set to the first valid value" if start == 0 else
               "at the end, set to the last valid value" if start + length == len(x) else
               f"from sample {start}, interpolated")
        detail.append(f"the longest gap, {length} samples, {how}")
    return out, StepReport("interpolate_missing", x.size, int(missing.sum()), "; ".join(detail))


def _longest_gap(missing: np.ndarray) -> tuple[int, int]:
    """(length, first sample) of the longest run of True down the rows of (T, F) `missing`."""
    best = (0, 0)
    for column in missing.T:
        edges = np.diff(np.concatenate([[0], column.astype(np.int8), [0]]))      # T+1
        starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        if len(starts):
            i = int(np.argmax(stops - starts))
            best = max(best, (int(stops[i] - starts[i]), int(starts[i])))
    return best


def hampel_filter(x, half_window: int = 3, n_sigmas: float = 3.0):
    """Replace x_t by the median of its window when |x_t - median| > n_sigmas * 1.4826 * MAD.

    The window is x[t - half_window : t + half_window + 1], edges padded with the edge value;
    1.4826 * MAD estimates the standard deviation of Gaussian noise robustly.
    x: (T,) or (T, F) without NaN. Returns (x, StepReport with the number replaced).
    """
    x = _finite(x, "hampel_filter")
    _check_int(half_window=half_window)
    x2 = x.reshape(len(x), -1)                                                  # T, F
    padded = np.pad(x2, ((half_window, half_window), (0, 0)), mode="edge")
    windows = sliding_window_view(padded, 2 * half_window + 1, axis=0)        # T, F, 2k+1
    median = np.median(windows, axis=-1)                                       # T, F
    mad = np.median(np.abs(windows - median[..., None]), axis=-1)             # T, F
    outlier = np.abs(x2 - median) > n_sigmas * 1.4826 * mad
    out = np.where(outlier, median, x2).reshape(x.shape)
    return out, StepReport("hampel_filter", x.size, int(outlier.sum()),
                           f"half_window={half_window}, n_sigmas={n_sigmas}")


def zscore_outliers(x, threshold: float = 3.5):
    """Replace samples whose robust z-score exceeds `threshold` by linear interpolation.

    z = 0.6745 (x - median(x)) / MAD(x) over the whole series, feature by feature
    (Iglewicz & Hoaglin's modified z-score; 3.5 is their suggested cut-off).
    x: (T,) or (T, F) without NaN. Returns (x, StepReport with the number replaced).
    """
    x = _finite(x, "zscore_outliers")
    x2 = x.reshape(len(x), -1)                                                  # T, F
    median = np.median(x2, axis=0)                                              # F
    mad = np.median(np.abs(x2 - median), axis=0)                                # F
    with np.errstate(divide="ignore", invalid="ignore"):  # MAD 0: a constant feature
        z = np.where(mad > 0, 0.6745 * (x2 - median) / mad, 0.0)
    outlier = np.abs(z) > threshold
    out, _ = interpolate_missing(np.where(outlier, np.nan, x2))
    return out.reshape(x.shape), StepReport("zscore_outliers", x.size, int(outlier.sum()),
                                            f"threshold={threshold}")


def moving_average(x, window: int = 5):
    """Centred moving average over an odd `window`; the ends average the samples available."""
    return _rolling(x, window, "mean", "moving_average")


def median_smooth(x, window: int = 5):
    """Centred running median over an odd `window`; keeps edges sharp, removes spikes."""
    return _rolling(x, window, "median", "median_smooth")


def _rolling(x, window: int, how: str, step: str):
    x = _finite(x, step)
    _check_int(window=window)
    if window % 2 == 0:
        raise ValueError(f"expected an odd window so the smoother is centred, got {window}")
    rolling = pd.DataFrame(x.reshape(len(x), -1)).rolling(window, center=True, min_periods=1)
    out = getattr(rolling, how)().to_numpy().reshape(x.shape)
    return out, StepReport(step, x.size, _n_changed(x, out), f"window={window}")


def butter_filter(x, fs: float, cutoff, kind: str = "lowpass", order: int = 4):
    """Zero-phase Butterworth filter: scipy.signal.butter(..., output='sos') + sosfiltfilt.

    cutoff: Hz, one value for 'lowpass' / 'highpass', (low, high) for 'bandpass' / 'bandstop';
    every cutoff must lie in (0, fs / 2). Filtering forwards then backwards doubles the order
    of the magnitude response and cancels the phase, so peaks (R waves) do not shift in time.
    x: (T,) or (T, F) without NaN. Returns (x filtered, StepReport).
    """
    x = _finite(x, "butter_filter")
    sos = butter_sos(fs, cutoff, kind, order)
    try:
        out = signal.sosfiltfilt(sos, x, axis=0)
    except ValueError as err:  # scipy pads both ends; a short series cannot hold the padding
        raise ValueError(f"Butterworth filter: expected a longer series than {len(x)} "
                         f"samples for a {kind} filter of order {order} ({err})") from err
    return out, StepReport("butter_filter", x.size, _n_changed(x, out),
                           f"{kind} {cutoff} Hz, order {order}, fs {fs:g} Hz")


def butter_sos(fs: float, cutoff, kind: str = "lowpass", order: int = 4) -> np.ndarray:
    """Second-order sections of a Butterworth filter, after checking the cutoffs against fs."""
    kinds = {"lowpass": 1, "highpass": 1, "bandpass": 2, "bandstop": 2}
    if kind not in kinds:
        raise ValueError(f"expected kind in {list(kinds)}, got {kind!r}")
    cutoffs = np.atleast_1d(np.asarray(cutoff, dtype=np.float64))
    if len(cutoffs) != kinds[kind]:
        raise ValueError(f"expected {kinds[kind]} cutoff(s) for {kind}, got {cutoff!r}")
    if not (fs > 0):
        raise ValueError(f"expected a positive sampling rate fs, got {fs!r}")
    nyquist = fs / 2
    if not np.all((cutoffs > 0) & (cutoffs < nyquist)):   # NaN fails too
        raise ValueError(f"Butterworth filter: expected cutoffs in (0, {nyquist:g}) Hz, "
                         f"below the Nyquist frequency fs/2 for fs={fs:g} Hz, got {cutoff!r} Hz")
    if len(cutoffs) == 2 and not cutoffs[0] < cutoffs[1]:
        raise ValueError(f"Butterworth filter: expected low < high cutoff, got {cutoff!r}")
    _check_int(order=order)
    wn = cutoffs[0] if len(cutoffs) == 1 else cutoffs
    return signal.butter(order, wn, btype=kind, fs=fs, output="sos")


def resample(x, fs: float, new_fs: float):
    """Change the sampling rate with scipy.signal.resample_poly (anti-aliasing FIR included).

    new_fs / fs must be a ratio up/down with down <= 1000 (e.g. 1000 -> 250 Hz is 1/4).
    x: (T,) or (T, F) without NaN. Returns (x resampled, about T * new_fs / fs samples; report).
    """
    x = _finite(x, "resample")
    up, down = resample_ratio(fs, new_fs)
    out = signal.resample_poly(x, up, down, axis=0, padtype="line")
    return out, StepReport("resample", x.size, x.size,
                           f"{fs:g} Hz -> {new_fs:g} Hz (up {up}, down {down}): "
                           f"{len(x)} -> {len(out)} samples per feature")


def resample_ratio(fs: float, new_fs: float) -> tuple[int, int]:
    """(up, down) with new_fs / fs == up / down exactly (relative error below 1e-9)."""
    if not (fs > 0 and new_fs > 0):
        raise ValueError(f"expected positive sampling rates, got fs={fs!r}, new_fs={new_fs!r}")
    ratio = Fraction(new_fs / fs).limit_denominator(1000)
    if abs(float(ratio) - new_fs / fs) > 1e-9 * new_fs / fs:
        raise ValueError(f"expected new_fs / fs to be a ratio of small integers, "
                         f"got {new_fs:g} / {fs:g}")
    return ratio.numerator, ratio.denominator


def _as_float(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim not in (1, 2) or len(x) == 0:
        raise ValueError(f"expected a non-empty series shaped (T,) or (T, F), got {x.shape}")
    empty = ~np.isfinite(x.reshape(len(x), -1)).any(axis=0)                     # F
    if empty.any():
        which = f" in feature {int(np.argmax(empty))}" if x.ndim == 2 else ""
        raise ValueError(f"expected at least one finite sample, got all {len(x)} NaN/inf{which}")
    return x


def _finite(x, step: str) -> np.ndarray:
    x = _as_float(x)
    if not np.isfinite(x).all():
        raise ValueError(f"{step} expected finite values, got {int((~np.isfinite(x)).sum())} "
                         f"NaN/inf; run interpolate_missing first")
    return x


def _check_int(**values) -> None:
    for key, value in values.items():
        if not (isinstance(value, (int, np.integer)) and value > 0):
            raise ValueError(f"expected a positive integer {key}, got {value!r}")


def _n_changed(before: np.ndarray, after: np.ndarray) -> int:
    return int(np.sum(~np.isclose(before, after, rtol=1e-12, atol=1e-12)))
