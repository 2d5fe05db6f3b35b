"""Key-frequency features: Welch power spectral density and its dominant peaks.

    f, p = power_spectrum(x, fs=250)                  # (K,), (K,) in units^2 / Hz
    peaks = dominant_frequencies(x, fs=250, n=3)      # Peaks(freqs=(3,), powers=(3,))
    band_power(f, p, 45, 55)                          # power in a band, e.g. 50 Hz mains
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import signal
from scipy.integrate import trapezoid


class Peaks(NamedTuple):
    """Dominant spectral peaks, strongest first: freqs (n,) in Hz, powers (n,) PSD values."""

    freqs: np.ndarray
    powers: np.ndarray


def power_spectrum(x, fs: float, nperseg: int | None = 256):
    """Welch's PSD estimate (scipy.signal.welch): average periodogram of Hann-windowed segments.

    x: (T,) or (T, F). nperseg is capped at T (scipy would otherwise warn and shrink it).
    Frequency resolution is fs / nperseg. Returns freqs (K,) and psd (K,) or (K, F).
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim not in (1, 2) or len(x) < 2:
        raise ValueError(f"expected a series shaped (T,) or (T, F) with T >= 2, got {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("expected finite values, got NaN or inf; clean the series first")
    if not fs > 0:
        raise ValueError(f"expected a positive sampling rate fs, got {fs!r}")
    nperseg = len(x) if nperseg is None else min(int(nperseg), len(x))
    return signal.welch(x, fs=fs, nperseg=nperseg, axis=0)


def dominant_frequencies(x, fs: float, n: int = 3, nperseg: int | None = 256,
                         min_freq: float = 0.0) -> Peaks:
    """The `n` highest local maxima of the Welch PSD (scipy.signal.find_peaks) above `min_freq` Hz.

    x: (T,) one channel. Fewer than `n` peaks come back if the spectrum has fewer.
    min_freq > 0 skips the DC / baseline-wander end of the spectrum.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"expected one channel shaped (T,), got {x.shape}")
    freqs, psd = power_spectrum(x, fs, nperseg)
    idx, _ = signal.find_peaks(psd)
    idx = idx[freqs[idx] >= min_freq]
    top = idx[np.argsort(psd[idx])[::-1][:n]]
    return Peaks(freqs[top], psd[top])


def band_power(freqs, psd, low: float, high: float) -> float | np.ndarray:
    """Integral of the PSD over [low, high] Hz (trapezoids): the signal power in that band."""
    freqs, psd = np.asarray(freqs), np.asarray(psd)
    inside = (freqs >= low) & (freqs <= high)
    if inside.sum() < 2:
        raise ValueError(f"expected at least 2 frequency bins in [{low}, {high}] Hz, "
                         f"got {int(inside.sum())}; widen the band or raise nperseg")
    return trapezoid(psd[inside], freqs[inside], axis=0)
