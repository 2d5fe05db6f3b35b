"""The embedded recordings load offline, with the expected length, rate, units and licence."""
import builtins
import socket
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import find_peaks

import scratchrnn.data as sd
from scratchrnn.data import Signal, list_datasets, load_dataset

FOLDER = Path(sd.__file__).parent / "datasets"


def test_list_datasets():
    assert list_datasets() == ["ecg", "mitdb"]


def test_ecg_loads_with_expected_length_rate_and_units(ecg):
    assert ecg.name == "ecg" and ecg.fs == 250.0 and ecg.units == "mV"
    assert ecg.values.shape == (5588,) and ecg.values.dtype == np.float64   # 22,350 / 4
    assert np.isfinite(ecg.values).all()
    assert ecg.duration == pytest.approx(22.352)
    assert -1.0 < ecg.values.min() < -0.3 and 0.3 < ecg.values.max() < 1.0  # a mV-scale ECG
    assert "BSD-3-Clause" in ecg.license and "pyhrv" in ecg.source


def test_ecg_heart_rate_is_physiological(ecg):
    # R peaks are the tallest, sharpest deflections; 0.3 s refractory period
    peaks, _ = find_peaks(ecg.values, height=0.25, distance=int(0.3 * ecg.fs))
    bpm = 60 * ecg.fs / np.median(np.diff(peaks))
    assert 40 < bpm < 120, f"{len(peaks)} beats, {bpm:.1f} bpm"


def test_mitdb_has_labels_and_attribution():
    sig = load_dataset("mitdb")
    assert sig.values.shape == (7500,) and sig.fs == 360.0 and sig.units == "mV"
    assert sig.labels.shape == (7500,) and int(sig.labels.sum()) == 352
    assert np.array_equal(np.flatnonzero(sig.labels), np.arange(6936, 7288))
    assert "ODC-By" in sig.license and "Moody" in sig.license


def test_loads_without_network_and_without_pyhrv_or_sktime(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network disabled in this test")

    real_import = builtins.__import__

    def no_sources(name, *args, **kwargs):
        if name.split(".")[0] in ("pyhrv", "sktime"):
            raise ImportError(f"{name} must not be needed at run time")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(builtins, "__import__", no_sources)
    for name in list_datasets():
        assert len(load_dataset(name)) > 0


def test_data_files_are_small_and_licensed():
    for name in ("ecg.npz", "mitdb.npz"):
        assert (FOLDER / name).stat().st_size < 300_000
    licence = (FOLDER / "LICENSE.txt").read_text()
    assert "Pedro Gomes" in licence and "ODC-By" in licence and "sktime developers" in licence
    assert "make_datasets.py" in (FOLDER / "PROVENANCE.md").read_text()


def test_unknown_dataset_is_a_clear_error():
    with pytest.raises(ValueError, match=r"unknown dataset 'eeg'; expected one of \['ecg'"):
        load_dataset("eeg")


@pytest.mark.parametrize("values, fs, message", [
    (np.array([]), 1.0, "non-empty"),
    (np.full(5, np.nan), 1.0, "all 5 NaN"),
    (np.array(["a", "b"]), 1.0, "numeric"),
    (np.zeros((2, 2, 2)), 1.0, r"shape \(2, 2, 2\)"),
    (np.zeros(4), 0.0, "positive finite sampling rate"),
])
def test_signal_rejects_bad_values(values, fs, message):
    with pytest.raises(ValueError, match=message):
        Signal(values, fs)


def test_signal_times_and_features():
    sig = Signal(np.zeros((10, 3)), fs=5.0)
    assert sig.n_features == 3 and len(sig) == 10
    np.testing.assert_allclose(sig.times, np.arange(10) / 5.0)
