"""From a recording to the arrays a sweep trains on (the slides' "Load, Clean and Preprocess").

    signal, data = load_and_prepare(spec)                              # what `scratchrnn run` does
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

from ..data.datasets import load_dataset
from ..data.io import load_signal
from ..data.pipeline import SignalPipeline
from ..data.scale import ZScoreScaler
from ..data.split import covered_samples
from ..data.windows import make_windows, window_starts
from .spec import RunSpec, auto_stride


def load_and_prepare(spec: RunSpec):
    """(the full Signal, the arrays of the sweep); bad input raises ValueError / OSError."""
    signal = load_input(spec)
    return signal, prepare(spec, signal)


def load_input(spec: RunSpec):
    """The Signal to work on: a user file (with labels for classification) or a dataset."""
    if spec.data is None:
        return load_dataset(spec.dataset)
    sig = load_signal(spec.data, column=column_ref(spec.column),
                      time_column=column_ref(spec.time_column), time_unit=spec.time_unit,
                      fs=spec.fs, **read_options(spec))
    if spec.label_column is not None:
        lab = load_signal(spec.data, column=column_ref(spec.label_column), fs=sig.fs,
                          **read_options(spec)).values
        sig = replace(sig, labels=(lab != 0).astype("int64"))
    return sig


def read_options(spec) -> dict:
    """How to read a text file: no header row, a given separator (pandas.read_csv's names);
    spec: a RunSpec, or the parsed options of `scratchrnn predict`."""
    options = {"header": None} if spec.no_header else {}
    return options | ({"sep": spec.sep} if spec.sep else {})


def column_ref(name):
    """A column given as text: its name, or its position when it is an integer."""
    return int(name) if isinstance(name, str) and name.lstrip("-").isdigit() else name


def prepare(spec: RunSpec, signal) -> dict:
    """Truncate, choose the stride (spec.stride 'auto': see `auto_stride`), make the windows."""
    signal = truncate(signal, spec.max_samples)
    stride, notes = spec.stride, []
    if stride == "auto":
        stride = auto_stride(len(signal), spec.window, spec.max_windows)
        if stride > 1:
            notes.append(
                f"windows start every {stride} samples (not every sample) so that there are at "
                f"most {spec.max_windows} of them and the sweep takes minutes on 2 cores; "
                "--stride 1 uses every window (slower), --max-windows N changes the bound")
    if spec.task == "classify":
        if spec.embed is not None:
            raise ValueError("--embed is for --task forecast (classification windows are "
                             "the samples themselves)")
        data = prepare_classification(signal, spec.window, stride, seed=42)
    else:
        data = prepare_forecast(signal, spec.window, spec.split, stride, spec.clean,
                                spec.filter, seed=42, embed=spec.embed)
        if data["embed"] is not None:
            m, tau = data["embed"]
            notes.append(f"time-delay embedding m = {m}, tau = {tau}: each of a window's "
                         f"{spec.window} steps is [x_t, x_(t+{tau}), ..., x_(t+{(m - 1) * tau})]"
                         f", so a window spans {data['span']} samples")
    data["stride"], data["notes"] = stride, notes
    reading = {"column": column_ref(spec.column), "time_column": column_ref(spec.time_column),
               "time_unit": spec.time_unit, "options": read_options(spec)}
    data["preprocessing"] = {"task": spec.task, "units": data["units"],
                             "pipeline": data.get("pipeline"), "reading": reading}
    return data


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
                segments=ds.split.segments, embed=ds.embed, span=pipe.span_,
                pipeline=pipe.state())
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
