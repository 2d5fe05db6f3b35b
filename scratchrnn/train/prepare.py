"""From a recording to the arrays a sweep trains on (the slides' "Load, Clean and Preprocess").

    data = prepare_forecast(load_dataset('ecg'), window=50)            # next-sample prediction
    data['X_train'].shape, data['y_train'].shape                       # (N, 50, 1), (N, 1)
    data = prepare_classification(load_dataset('mitdb'), window=50)    # normal / anomalous

Forecasting uses `scratchrnn.data.SignalPipeline` (clean -> split -> z-score fitted on the
training part -> windows). Classification labels each window 1 when any of its samples is
labelled anomalous and splits the windows at random, stratified by label, because the labelled
MIT-BIH excerpt has a single anomalous stretch (a chronological split would put all of it in
one part).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from sklearn.model_selection import train_test_split

from ..data.pipeline import SignalPipeline
from ..data.scale import ZScoreScaler
from ..data.split import covered_samples
from ..data.windows import make_windows, window_starts


def truncate(signal, max_samples: int | None):
    """The first `max_samples` samples of a Signal (all of it for None)."""
    if max_samples is None or max_samples >= len(signal):
        return signal
    if max_samples < 1:
        raise ValueError(f"max_samples must be a positive integer, got {max_samples}")
    labels = None if signal.labels is None else signal.labels[:max_samples]
    return replace(signal, values=signal.values[:max_samples], labels=labels)


def prepare_forecast(signal, window: int = 50, split: str = "chronological", stride: int = 1,
                     clean=("interpolate",), filter=None, seed: int = 42, embed=None) -> dict:
    """Windows of a Signal for next-sample forecasting, as NumPy float64 arrays.

    Returns a dict: X_/y_ train/val/test (N,window,F)/(N,F), n_outputs, inverse (the scaler's
    inverse_transform), raw (T,F), cleaned (T,F), fs, units, test_times (N_test,) seconds of
    each test target, leakage, cleaning (text), split (name), segments (the chronological
    (start, stop) sample ranges of train, val, test, or None), embed ((m, tau) or None),
    span (the samples one window covers: window + (m-1) tau).
    embed: None, (m, tau) or 'auto' (see SignalPipeline): windows of delay vectors.
    """
    pipe = SignalPipeline(window=window, split=split, stride=stride, clean=clean,
                          filter=filter, seed=seed, dtype="float64", embed=embed)
    ds = pipe.fit_transform(signal)
    data = {k: np.asarray(v) for k, v in ds.parts().items()}
    data.update(n_outputs=data["y_train"].shape[1], inverse=ds.scaler.inverse_transform,
                raw=ds.raw, cleaned=ds.cleaned, fs=ds.fs, units=signal.units or "",
                test_times=(np.asarray(ds.split.test) * stride + pipe.span_) / ds.fs,
                leakage=ds.leakage, cleaning=str(ds.report), split=split, task="forecast",
                segments=ds.split.segments, embed=ds.embed, span=pipe.span_)
    return data


def window_labels(labels, window: int, stride: int = 1) -> np.ndarray:
    """(N,) int: 1 when any sample of the window (its `window` inputs) is labelled nonzero."""
    labels = np.asarray(labels).reshape(-1)
    starts = window_starts(len(labels), window, 1, stride)
    hits = np.concatenate([[0], np.cumsum(labels != 0)])            # prefix counts
    return ((hits[starts + window] - hits[starts]) > 0).astype(np.int64)


def prepare_classification(signal, window: int = 50, stride: int = 5, seed: int = 42,
                           fractions=(0.7, 0.15, 0.15)) -> dict:
    """Windows of a labelled Signal and a label per window, stratified random 70/15/15 split.

    Returns a dict like `prepare_forecast`, with y_* (N,) int class labels, n_outputs = number
    of classes, class_weight (balanced: N / (C * count_c), for the cross-entropy).
    """
    if signal.labels is None:
        raise ValueError("classification needs a label per sample (the 'mitdb' dataset, or "
                         "--label-column for a file)")
    x = signal.values.reshape(len(signal), -1)                      # T,F
    if not np.isfinite(x).all():
        raise ValueError("classification expects a signal without NaN/inf")
    labels = window_labels(signal.labels, window, stride)           # N
    classes = np.unique(labels)
    if len(classes) < 2 or np.bincount(labels).min() < 3:
        raise ValueError(f"expected at least 3 windows of each of 2 classes, got counts "
                         f"{np.bincount(labels).tolist()}")
    idx = np.arange(len(labels))
    _, val, test = fractions
    train, temp = train_test_split(idx, test_size=val + test, random_state=seed, stratify=labels)
    val_idx, test_idx = train_test_split(temp, test_size=test / (val + test),
                                         random_state=seed, stratify=labels[temp])
    scaler = ZScoreScaler().fit(x[covered_samples(train, len(x), window, 1, stride)])
    X, _ = make_windows(scaler.transform(x), window, 1, stride)     # N,window,F
    counts = np.bincount(labels, minlength=len(classes))
    data = {"n_outputs": len(classes), "task": "classify", "raw": x, "cleaned": x,
            "fs": signal.fs, "units": signal.units or "", "split": "random (stratified)",
            "class_counts": counts.tolist(), "cleaning": "none", "labels": signal.labels,
            "class_weight": (len(labels) / (len(classes) * counts)).tolist(),
            "test_times": (test_idx * stride + window) / signal.fs}
    for part, ids in (("train", train), ("val", val_idx), ("test", test_idx)):
        data[f"X_{part}"], data[f"y_{part}"] = X[ids], labels[ids]
    return data
