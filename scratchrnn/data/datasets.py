"""The `Signal` record and the recordings shipped inside the package.

    sig = load_dataset('ecg')        # Signal: 5,588 samples of a human ECG at 250 Hz, in mV
    sig.values.shape, sig.fs         # (5588,), 250.0
    list_datasets()                  # ['ecg', 'mitdb']

The data files live in ``scratchrnn/data/datasets/`` next to LICENSE.txt and PROVENANCE.md;
``scripts/make_datasets.py`` rebuilds them from the PyPI wheels they come from.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np


@dataclass(frozen=True)
class Signal:
    """A regularly sampled recording.

    values: (T,) for one channel or (T, F) for F channels, float64; NaN marks a missing sample.
    fs: sampling rate in Hz (samples per unit of time; 1.0 when the time axis is "samples").
    labels: optional (T,) integer label per sample (e.g. 1 = anomalous beat).
    """

    values: np.ndarray
    fs: float
    units: str = ""
    name: str = ""
    description: str = ""
    labels: np.ndarray | None = None
    source: str = ""
    license: str = ""

    def __post_init__(self):
        values = np.asarray(self.values)
        real = np.issubdtype(values.dtype, np.number) and not np.iscomplexobj(values)
        if not (real or values.dtype == bool):
            raise ValueError(f"expected real numeric signal values, got dtype {values.dtype}")
        values = values.astype(np.float64)
        if values.ndim not in (1, 2):
            raise ValueError(f"expected values shaped (T,) or (T, F), got shape {values.shape}")
        if values.size == 0:
            raise ValueError(f"expected a non-empty signal, got shape {values.shape}")
        if not np.isfinite(values).any():
            raise ValueError(f"expected at least one finite sample, got all {values.size} "
                             f"NaN/inf")
        if not (np.isfinite(self.fs) and self.fs > 0):
            raise ValueError(f"expected a positive finite sampling rate fs, got {self.fs!r}")
        if self.labels is not None and len(self.labels) != len(values):
            raise ValueError(f"expected {len(values)} labels, got {len(self.labels)}")
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "fs", float(self.fs))

    def __len__(self) -> int:
        return len(self.values)

    @property
    def n_features(self) -> int:
        return 1 if self.values.ndim == 1 else self.values.shape[1]

    @property
    def times(self) -> np.ndarray:
        """(T,) time of each sample in seconds, starting at 0."""
        return np.arange(len(self.values)) / self.fs

    @property
    def duration(self) -> float:
        return len(self.values) / self.fs


_PYHRV = ("pyhrv 0.5.0 (PyPI wheel), file pyhrv/files/SampleECG.txt; "
          "https://github.com/PGomes92/pyhrv")
_SKTIME = ("sktime 1.2.0 (PyPI wheel), file sktime/datasets/data/mitdb/mitdb.csv; "
           "https://github.com/sktime/sktime")

_REGISTRY = {
    "ecg": dict(
        file="ecg.npz", units="mV",
        description=("Human single-lead ECG recorded with a BITalino board at 1000 Hz (pyhrv's "
                     "SampleECG), converted from 10-bit ADC counts to mV with the BITalino ECG "
                     "transfer function and resampled to 250 Hz (22.35 s)."),
        source=_PYHRV, license="BSD-3-Clause, Copyright (c) 2018 Pedro Gomes"),
    "mitdb": dict(
        file="mitdb.npz", units="mV",
        description=("Excerpt of an MIT-BIH Arrhythmia Database ECG at 360 Hz (7,500 samples) "
                     "with a per-sample label: 1 for the 352 samples of an anomalous stretch."),
        source=_SKTIME,
        license=("ODC-By 1.0 (MIT-BIH Arrhythmia Database, PhysioNet: Moody & Mark 2001; "
                 "Goldberger et al. 2000); redistributed in sktime under BSD-3-Clause")),
}


def list_datasets() -> list[str]:
    """Names accepted by `load_dataset`."""
    return sorted(_REGISTRY)


def load_dataset(name: str = "ecg") -> Signal:
    """The embedded recording `name` as a `Signal` (offline, no extra install).

    'ecg'   (5588,) mV at 250 Hz, the default real recording.
    'mitdb' (7500,) mV at 360 Hz, with `labels` (7500,) in {0, 1} for classification.
    """
    if name not in _REGISTRY:
        raise ValueError(f"unknown dataset {name!r}; expected one of {list_datasets()}")
    info = _REGISTRY[name]
    path = resources.files(__package__) / "datasets" / info["file"]
    with path.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
        values, fs = npz["values"], float(npz["fs"])
        labels = npz["labels"].astype(np.int64) if "labels" in npz.files else None
    return Signal(values=values, fs=fs, units=info["units"], name=name,
                  description=info["description"], labels=labels, source=info["source"],
                  license=info["license"])
