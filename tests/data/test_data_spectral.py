"""Welch PSD is scipy's; dominant peaks sit at the frequencies that were put in."""
import numpy as np
import pytest
from scipy import signal

from scratchrnn.data import band_power, dominant_frequencies, power_spectrum, sine_mixture


def test_power_spectrum_is_scipy_welch():
    x = np.random.default_rng(0).normal(size=1000)
    f, p = power_spectrum(x, fs=100.0, nperseg=128)
    f_ref, p_ref = signal.welch(x, fs=100.0, nperseg=128)
    np.testing.assert_array_equal(f, f_ref)
    np.testing.assert_allclose(p, p_ref)


def test_short_series_do_not_warn():
    f, p = power_spectrum(np.random.default_rng(0).normal(size=50), fs=10.0)   # < 256
    assert len(f) == 26


def test_dominant_peaks_are_the_input_frequencies_strongest_first():
    sig = sine_mixture(n=8000, fs=200.0, freqs=(7.0, 23.0, 50.0), amplitudes=(0.5, 1.0, 0.2))
    peaks = dominant_frequencies(sig.values, sig.fs, n=3, nperseg=512)
    np.testing.assert_allclose(peaks.freqs, [23.0, 7.0, 50.0], atol=200 / 512)
    assert np.all(np.diff(peaks.powers) < 0)


def test_band_power_of_a_sine_is_half_its_squared_amplitude():
    fs = 500.0
    x = 2.0 * np.sin(2 * np.pi * 50.0 * np.arange(20000) / fs)
    f, p = power_spectrum(x, fs, nperseg=1000)
    assert band_power(f, p, 45, 55) == pytest.approx(2.0, rel=0.02)   # A^2 / 2


def test_ecg_heart_rate_is_the_lowest_strong_peak(ecg):
    peaks = dominant_frequencies(ecg.values, ecg.fs, n=5, nperseg=2048, min_freq=0.5)
    assert all(peaks.freqs >= 0.5) and 0.6 < peaks.freqs.min() < 2.0   # 36..120 bpm


@pytest.mark.parametrize("call, message", [
    (lambda: power_spectrum(np.array([1.0, np.nan, 3.0]), 10.0), "finite"),
    (lambda: power_spectrum(np.ones(10), 0.0), "positive sampling rate"),
    (lambda: dominant_frequencies(np.ones((10, 2)), 10.0), "one channel"),
    (lambda: band_power(np.arange(10.0), np.ones(10), 3.2, 3.8), "at least 2 frequency bins"),
])
def test_spectral_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
