"""Synthetic signals: seeded, the right shape, and the property each one is there to teach."""
import numpy as np
import pytest
from scipy.signal import find_peaks

from scratchrnn.data import dominant_frequencies, mackey_glass, sine_mixture, synthetic_ecg

GENERATORS = [lambda s: sine_mixture(seed=s), lambda s: mackey_glass(n=300, seed=s),
              lambda s: synthetic_ecg(duration=3.0, seed=s)]


@pytest.mark.parametrize("make", GENERATORS)
def test_same_seed_same_signal_other_seed_other_signal(make):
    np.testing.assert_array_equal(make(1).values, make(1).values)
    assert not np.allclose(make(1).values, make(2).values)


def test_sine_mixture_peaks_at_its_frequencies():
    sig = sine_mixture(n=4000, fs=100.0, freqs=(5.0, 12.0), amplitudes=(1.0, 0.5), noise=0.1)
    assert sig.values.shape == (4000,) and sig.fs == 100.0
    peaks = dominant_frequencies(sig.values, sig.fs, n=2)
    np.testing.assert_allclose(peaks.freqs, [5.0, 12.0], atol=100 / 256)   # one Welch bin


def test_mackey_glass_stays_on_its_attractor():
    sig = mackey_glass(n=2000)
    assert sig.values.shape == (2000,) and sig.fs == 1.0
    assert 0.2 < sig.values.min() and sig.values.max() < 1.5   # the tau=17 attractor's range
    assert sig.values.std() > 0.1                                # not settled on a fixed point


def test_synthetic_ecg_beats_at_the_heart_rate():
    sig = synthetic_ecg(duration=20.0, fs=250.0, heart_rate=75.0)
    assert sig.values.shape == (5000,) and sig.units == "mV"
    peaks, _ = find_peaks(sig.values, height=0.5, distance=int(0.3 * sig.fs))
    assert len(peaks) == pytest.approx(20.0 * 75 / 60, abs=2)


@pytest.mark.parametrize("call, message", [
    (lambda: sine_mixture(n=0), "n > 0"),
    (lambda: synthetic_ecg(fs=-1.0), "fs > 0"),
    (lambda: mackey_glass(tau=17.05, dt=0.1), "multiples of dt"),
])
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()
