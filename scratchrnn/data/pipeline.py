"""One object for the slides' data steps: clean -> split -> scale (fit on train) -> window.

    ds = SignalPipeline(window=50).fit_transform(load_dataset('ecg'))
    ds.X_train.shape, ds.y_train.shape       # (B, 50, 1), (B, 1)
    ds.scaler.inverse_transform(pred)        # back to mV
    print(ds.report)                         # what cleaning changed

Order of the steps and why:
1. clean: the `clean` steps in the order given (default: interpolate NaN), then the Butterworth
   `filter`, then resampling to `resample_to` Hz. These steps learn nothing from the data, so
   they run on the whole recording. (A zero-phase filter does look a few cutoff periods ahead
   and behind; the gaps of the chronological split absorb most of that.)
2. split the windows: 'chronological' (default; three segments with gaps, no shared sample)
   or 'random' (the slides' shuffled 70/15/15, which leaks: see `Dataset.leakage`).
3. scale: the scaler is fitted on the training part only -- the samples covered by training
   windows. For the chronological split that is the training segment; for the random split
   the training windows cover nearly the whole series, one more face of its leak.
4. window every part with `make_windows` and move the arrays to the backend's namespace.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from ..backend import asarray, get_xp, resolve_dtype
from .clean import (CleaningReport, butter_filter, hampel_filter, interpolate_missing,
                    median_smooth, moving_average, resample, zscore_outliers)
from .datasets import Signal
from .embed import delay_from_mutual_information, dimension_from_fnn
from .io import load_signal
from .scale import make_scaler, scaler_from_state
from .split import Split, chronological_split, covered_samples, leakage, random_split
from .windows import as_series, check_window, make_windows, window_starts

CLEAN_STEPS = {"interpolate": interpolate_missing, "hampel": hampel_filter,
               "zscore": zscore_outliers, "moving_average": moving_average,
               "median": median_smooth}


@dataclass
class Dataset:
    """The output of `SignalPipeline.fit_transform`.

    X_*: (B, window, F) arrays of the pipeline's backend; y_*: (B, F) for horizon 1, else
    (B, horizon, F). Scaled units; `scaler.inverse_transform` maps back to `units`.
    raw: (T0, F) the loaded values; cleaned: (T, F) after cleaning, before scaling, at `fs`.
    split: window indices of each part into make_windows(cleaned, window, horizon, stride).
    leakage: fraction of test targets that were seen inside some training window.
    """

    X_train: object
    y_train: object
    X_val: object
    y_val: object
    X_test: object
    y_test: object
    split: Split
    scaler: object
    report: CleaningReport
    raw: np.ndarray
    cleaned: np.ndarray
    fs: float
    units: str
    window: int
    horizon: int
    stride: int
    leakage: float
    embed: tuple | None = None    # (m, tau) of the delay embedding, or None

    def parts(self) -> dict:
        """{'X_train': ..., 'y_train': ..., ..., 'y_test': ...} in that order."""
        names = ("X_train", "y_train", "X_val", "y_val", "X_test", "y_test")
        return {name: getattr(self, name) for name in names}


MAX_MISSING = 0.5    # a feature with more NaN/inf samples than this is refused: the network
                     # would mostly learn the interpolation
MAX_ABS = 1e100      # larger values overflow when squared (variance, MSE in original units)
MIN_SPREAD = 1e-100  # a training part varying less is flat: its variance underflows to 0
AUTO_FNN = 0.05  # embed='auto': the smallest m with under 5% false nearest neighbours (a
                 # recording's noise keeps the fraction above the textbook 1%)


class SignalPipeline:
    """Clean, split, scale and window a signal; parameters are stored, `fit_transform` runs them.

    window, horizon, stride: see `make_windows`. split: 'chronological' or 'random'.
    fractions: (train, val, test) summing to 1. gap: samples between chronological parts
    (default `window`). seed: the random split's random_state (42 as in the slides).
    clean: steps run in order, each a name or (name, kwargs): 'interpolate', 'hampel',
    'zscore', 'moving_average', 'median' (see `clean.py`). filter: None or
    (kind, cutoff[, order]) for `butter_filter`, e.g. ('bandpass', (0.5, 40.0)).
    resample_to: None or a rate in Hz. scaler: 'zscore', 'minmax' or None.
    embed: None, (m, tau) or 'auto': each of a window's `window` steps is the delay vector
    [x_t, x_{t+tau}, ..., x_{t+(m-1)tau}] (the slides' time-delay embedding) instead of x_t,
    so a window spans window + (m-1) tau samples and its input has m*F features; the target
    is still the sample `horizon` after the window's last one. 'auto' takes tau from the
    first minimum of the mutual information and m from false nearest neighbours (the
    smallest m with under AUTO_FNN of them), both computed on the first `fractions[0]` of
    the cleaned series (one feature only). The slides' plain 50-sample window is itself an
    embedding: m = 50, tau = 1, window = 1.
    backend, dtype: the namespace ('numpy' / 'cupy') and dtype of the returned arrays.
    Refused with a ValueError, as training on them would be meaningless: a feature with more
    than MAX_MISSING of its samples NaN/inf, values beyond MAX_ABS, a training part that does
    not vary in any feature. `report_` states the rest: NaN/inf filled, flat features.
    Fitted attributes: scaler_, report_, fs_, n_features_in_, embed_, span_.
    """

    def __init__(self, window: int = 50, horizon: int = 1, stride: int = 1,
                 split: str = "chronological", fractions=(0.7, 0.15, 0.15),
                 gap: int | None = None, clean=("interpolate",), filter=None,
                 resample_to: float | None = None, scaler: str | None = "zscore",
                 seed: int = 42, backend: str | None = None, dtype="float64", embed=None):
        self.window, self.horizon, self.stride = window, horizon, stride
        self.split, self.fractions, self.gap, self.seed = split, fractions, gap, seed
        self.clean, self.filter, self.resample_to = clean, filter, resample_to
        self.scaler, self.backend, self.dtype = scaler, backend, dtype
        self.embed = embed

    def fit_transform(self, signal, fs: float | None = None) -> Dataset:
        """Run every step on `signal` (a Signal, or anything `load_signal` takes, with `fs`)."""
        sig = signal if isinstance(signal, Signal) else load_signal(signal, fs=fs)
        x, self.fs_, self.report_ = self.clean_series(sig.values, sig.fs)     # T, F
        self.embed_ = self._embedding(x)
        m, tau = self.embed_ or (1, 1)
        self.span_ = self.window + (m - 1) * tau                 # samples one window covers
        split = self._split(len(x))
        seen = covered_samples(split.train, len(x), self.span_, self.horizon, self.stride)
        _check_varies(x, seen, self.report_)
        self.scaler_ = make_scaler(self.scaler)
        if self.scaler_ is not None:
            self.scaler_.fit(x[seen])                                         # train only
        X, y = self._windows(x)
        xp, dtype = get_xp(self.backend), resolve_dtype(self.dtype)
        arrays = {}
        for part in ("train", "val", "test"):
            idx = getattr(split, part)
            arrays[f"X_{part}"] = asarray(X[idx], xp, dtype)                  # B, window, F
            arrays[f"y_{part}"] = asarray(y[idx], xp, dtype)                  # B, F
        self.n_features_in_ = x.shape[1]
        return Dataset(**arrays, split=split, scaler=self.scaler_, report=self.report_,
                       raw=as_series(sig.values), cleaned=x, fs=self.fs_, units=sig.units,
                       window=self.window, horizon=self.horizon, stride=self.stride,
                       leakage=leakage(split, self.span_, self.horizon, self.stride),
                       embed=self.embed_)

    def transform(self, signal, fs: float | None = None, with_times: bool = False):
        """(X, y) of every window of new data, cleaned and scaled as fitted (no split);
        with_times: also the time in seconds of each target (its sample / fs)."""
        if not hasattr(self, "scaler_"):
            raise ValueError("this SignalPipeline is not fitted; call fit_transform first")
        sig = signal if isinstance(signal, Signal) else load_signal(signal, fs=fs)
        if self.resample_to is None and abs(sig.fs - self.fs_) > 0.01 * self.fs_:
            raise ValueError(f"expected a recording sampled at {self.fs_:g} Hz, as the one "
                             f"fitted, got {sig.fs:g} Hz (give --fs or --time-column)")
        x, fs, _ = self.clean_series(sig.values, sig.fs)
        if x.shape[1] != self.n_features_in_:
            raise ValueError(f"expected {self.n_features_in_} features, got {x.shape[1]}")
        X, y = self._windows(x)
        xp, dtype = get_xp(self.backend), resolve_dtype(self.dtype)
        out = asarray(X, xp, dtype), asarray(y, xp, dtype)
        if not with_times:
            return out
        starts = window_starts(len(x), self.span_, self.horizon, self.stride)
        return *out, (starts + self.span_ + self.horizon - 1) / fs

    def state(self) -> dict:
        """The fitted pipeline as plain JSON values: its options and what it learnt from the
        training part (scaler statistics, embedding); `from_state` rebuilds it."""
        if not hasattr(self, "scaler_"):
            raise ValueError("this SignalPipeline is not fitted; call fit_transform first")
        options = {k: getattr(self, k) for k in ("window", "horizon", "stride", "clean",
                                                   "filter", "resample_to", "scaler", "dtype")}
        return json.loads(json.dumps({
            "options": options, "fs_": self.fs_, "embed_": self.embed_, "span_": self.span_,
            "n_features_in_": self.n_features_in_,
            "scaler_": None if self.scaler_ is None else self.scaler_.state()}))

    @classmethod
    def from_state(cls, state: dict, **overrides) -> SignalPipeline:
        """A fitted pipeline from `state()`; overrides are options (e.g. stride=1)."""
        options = state["options"] | overrides
        if isinstance(options["filter"], list):                  # JSON has no tuples
            options["filter"] = tuple(options["filter"])
        pipe = cls(**options, embed=state["embed_"])
        pipe.fs_, pipe.span_ = state["fs_"], state["span_"]
        pipe.embed_ = None if state["embed_"] is None else tuple(state["embed_"])
        pipe.n_features_in_ = state["n_features_in_"]
        pipe.scaler_ = None if state["scaler_"] is None else scaler_from_state(state["scaler_"])
        return pipe

    def clean_series(self, values, fs: float):
        """(cleaned (T, F), fs after resampling, CleaningReport) -- steps 1 of the class doc."""
        x, report = as_series(values), CleaningReport()
        _check_missing(x)
        for name, kwargs in _steps(self.clean):
            x, rep = CLEAN_STEPS[name](x, **kwargs)
            report.add(rep)
        if not np.isfinite(x).all():
            raise ValueError(f"expected a finite series after cleaning, got "
                             f"{int((~np.isfinite(x)).sum())} NaN/inf; add 'interpolate' to clean")
        if np.abs(x).max() > MAX_ABS:
            raise ValueError(f"expected values below {MAX_ABS:g} in magnitude, got "
                             f"{np.abs(x).max():.3g}: their squares overflow float64; "
                             f"rescale the recording (other units)")
        if self.filter is not None:
            if not isinstance(self.filter, (tuple, list)) or len(self.filter) not in (2, 3):
                raise ValueError(f"expected filter=(kind, cutoff[, order]), got {self.filter!r}")
            kind, cutoff, *order = self.filter
            x, rep = butter_filter(x, fs, cutoff, kind, *order)
            report.add(rep)
        if self.resample_to is not None and self.resample_to != fs:
            x, rep = resample(x, fs, self.resample_to)
            report.add(rep)
            fs = float(self.resample_to)
        return x, fs, report

    def _embedding(self, x: np.ndarray):
        """(m, tau) from `embed`: as given, or from the helpers ('auto'), or None."""
        if self.embed is None:
            return None
        if isinstance(self.embed, str):
            if self.embed != "auto":
                raise ValueError(f"expected embed=None, (m, tau) or 'auto', got {self.embed!r}")
            if x.shape[1] != 1:
                raise ValueError(f"embed='auto' needs a single feature, got {x.shape[1]}")
            head = x[:max(int(len(x) * self.fractions[0]), 2), 0]   # the training part
            tau = delay_from_mutual_information(head)
            return dimension_from_fnn(head, tau, threshold=AUTO_FNN), tau
        if not isinstance(self.embed, (tuple, list)) or len(self.embed) != 2:
            raise ValueError(f"expected embed=(m, tau), got {self.embed!r}")
        m, tau = self.embed
        check_window(embedding_dimension=m, embedding_delay=tau)
        return int(m), int(tau)

    def _split(self, n_samples: int) -> Split:
        if self.split == "chronological":
            return chronological_split(n_samples, self.span_, self.horizon, self.stride,
                                       self.fractions, self.gap)
        if self.split == "random":
            n_windows = len(window_starts(n_samples, self.span_, self.horizon, self.stride))
            return random_split(n_windows, self.fractions, self.seed)
        raise ValueError(f"expected split 'chronological' or 'random', got {self.split!r}")

    def _windows(self, x: np.ndarray):
        z = x if self.scaler_ is None else self.scaler_.transform(x)
        X, y = make_windows(z, self.span_, self.horizon, self.stride)     # N, span, F
        if self.embed_ is None:
            return X, y
        m, tau = self.embed_
        rows = np.arange(self.window)[:, None] + tau * np.arange(m)[None, :]  # window, m
        X = X[:, rows]                                                      # N, window, m, F
        return X.reshape(len(X), self.window, -1), y                      # N, window, m*F


def _check_missing(x: np.ndarray) -> None:
    """Refuse a feature with more than MAX_MISSING of its samples NaN or inf."""
    missing = (~np.isfinite(x)).sum(axis=0)                                     # F
    j = int(np.argmax(missing))
    if missing[j] > MAX_MISSING * len(x):
        which = f" in feature {j}" if x.shape[1] > 1 else ""
        raise ValueError(f"expected at most {MAX_MISSING:.0%} missing samples, got "
                         f"{missing[j]} of {len(x)} NaN/inf{which} "
                         f"({missing[j] / len(x):.0%}): training would mostly learn the "
                         f"interpolation")


def _check_varies(x: np.ndarray, seen: np.ndarray, report: CleaningReport) -> None:
    """Refuse a series flat on its training part in every feature; note the flat features.

    Flat: max - min below MIN_SPREAD or below 1e-12 of the magnitude (float64 rounding).
    """
    train = x[seen]                                                             # n, F
    spread = np.ptp(train, axis=0)                                              # F
    flat = spread <= np.maximum(MIN_SPREAD, 1e-12 * np.abs(train).max(axis=0))
    if not flat.all():
        if flat.any():
            report.note(f"features {np.flatnonzero(flat).tolist()} are constant on the "
                        f"training part")
        return
    if (np.ptp(x, axis=0) == 0).all():
        value = f" {x[0, 0]:g}" if x.shape[1] == 1 else ""
        raise ValueError(f"expected a signal that varies, got the same value{value} in all "
                         f"{len(x)} samples: nothing to forecast")
    lo, hi = np.flatnonzero(seen)[[0, -1]]
    raise ValueError(f"expected the signal to vary on the training part (samples {lo} to "
                     f"{hi}), got max - min = {spread.max():.3g}: nothing to learn there")


def _steps(clean) -> list[tuple[str, dict]]:
    """Normalise the `clean` spec to [(name, kwargs), ...] and check the names."""
    steps = []
    for item in clean or ():
        name, kwargs = (item, {}) if isinstance(item, str) else (item[0], dict(item[1]))
        if name not in CLEAN_STEPS:
            raise ValueError(f"unknown cleaning step {name!r}; expected one of "
                             f"{list(CLEAN_STEPS)}")
        steps.append((name, kwargs))
    return steps
