"""Cleaning steps: what they change, that they report it, and that filters are scipy's own."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import signal

from scratchrnn.data import (band_power, butter_filter, hampel_filter, interpolate_missing,
                             median_smooth, moving_average, power_spectrum, resample,
                             zscore_outliers)

finite = st.floats(-1e3, 1e3, allow_nan=False)


@st.composite
def series_with_holes(draw):
    """(x (T,), mask (T,) True where x is made NaN, at least one sample kept)."""
    x = draw(arrays(np.float64, st.integers(2, 60), elements=finite))
    mask = np.array(draw(st.lists(st.booleans(), min_size=len(x), max_size=len(x))))
    mask[draw(st.integers(0, len(x) - 1))] = False
    return x, mask


@given(series_with_holes())
def test_interpolation_fills_every_nan_and_reports_how_many(case):
    x, mask = case
    out, rep = interpolate_missing(np.where(mask, np.nan, x))
    assert np.isfinite(out).all()
    np.testing.assert_array_equal(out[~mask], x[~mask])          # valid samples untouched
    assert rep.n_changed == mask.sum() and rep.n_samples == len(x)


def test_linear_interpolation_inside_and_nearest_value_at_the_ends():
    out, rep = interpolate_missing(np.array([np.nan, 1.0, np.nan, 3.0, np.nan]))
    np.testing.assert_array_equal(out, [1.0, 1.0, 2.0, 3.0, 3.0])
    assert str(rep) == "interpolate_missing: 3 of 5 samples changed (linear)"


def test_spline_interpolation_recovers_a_smooth_curve():
    t = np.linspace(0, 1, 40)
    x = np.sin(2 * np.pi * t)
    holes = np.zeros(40, bool)
    holes[[10, 11, 25]] = True
    out, rep = interpolate_missing(np.where(holes, np.nan, x), method="spline", order=3)
    np.testing.assert_allclose(out[holes], x[holes], atol=1e-3)
    assert rep.n_changed == 3


def test_interpolation_works_per_feature():
    x = np.array([[1.0, np.nan], [np.nan, 2.0], [3.0, 4.0]])
    out, rep = interpolate_missing(x)
    np.testing.assert_array_equal(out, [[1.0, 2.0], [2.0, 2.0], [3.0, 4.0]])
    assert rep.n_changed == 2


def test_hampel_replaces_a_spike_by_the_local_median():
    x = np.sin(np.linspace(0, 3, 50))
    spiky = x.copy()
    spiky[20] = 10.0
    out, rep = hampel_filter(spiky, half_window=3)
    assert rep.n_changed == 1 and len(out) == 50                # replaced, not removed
    assert out[20] == pytest.approx(np.median(spiky[17:24]))
    np.testing.assert_array_equal(np.delete(out, 20), np.delete(spiky, 20))


@given(arrays(np.float64, st.integers(1, 40), elements=finite), st.integers(1, 5))
def test_hampel_reports_exactly_the_samples_it_changed(x, k):
    out, rep = hampel_filter(x, half_window=k)
    assert rep.n_changed == np.sum(out != x) and out.shape == x.shape


def test_robust_zscore_replaces_outliers_by_interpolation():
    x = np.random.default_rng(0).normal(size=200)
    x[[50, 120]] = [40.0, -40.0]
    out, rep = zscore_outliers(x, threshold=3.5)
    assert rep.n_changed >= 2 and np.abs(out).max() < 5
    assert out[50] == pytest.approx((x[49] + x[51]) / 2)


def test_smoothers_match_their_textbook_definitions_inside():
    x = np.random.default_rng(1).normal(size=100)
    mean, _ = moving_average(x, 5)
    np.testing.assert_allclose(mean[2:-2], np.convolve(x, np.ones(5) / 5, mode="valid"))
    med, rep = median_smooth(x, 5)
    np.testing.assert_allclose(med[2:-2], signal.medfilt(x, 5)[2:-2])
    assert rep.n_changed == np.sum(~np.isclose(med, x))


def test_median_removes_a_spike_and_shrinks_its_window_at_the_ends():
    out, rep = median_smooth(np.array([4.0, 2.0, 9.0, 2.0, 2.0]), 3)
    np.testing.assert_array_equal(out, [3.0, 4.0, 2.0, 2.0, 2.0])   # ends: median of 2 samples
    assert rep.n_changed == 3


@given(arrays(np.float64, st.integers(40, 200), elements=finite),
       st.floats(100, 1000), st.floats(0.02, 0.45),
       st.sampled_from(["lowpass", "highpass", "bandpass", "bandstop"]), st.integers(1, 6))
def test_butter_filter_is_scipys_own_call(x, fs, frac, kind, order):
    cutoff = frac * fs if kind in ("lowpass", "highpass") else (frac * fs / 2, frac * fs)
    out, rep = butter_filter(x, fs, cutoff, kind, order)
    sos = signal.butter(order, cutoff, btype=kind, fs=fs, output="sos")
    np.testing.assert_allclose(out, signal.sosfiltfilt(sos, x), rtol=1e-12, atol=1e-9)
    assert rep.n_samples == len(x)


def test_butter_filter_filters_each_feature_alone():
    x = np.random.default_rng(2).normal(size=(300, 2))
    out, _ = butter_filter(x, 100.0, 10.0)
    np.testing.assert_allclose(out[:, 1], butter_filter(x[:, 1], 100.0, 10.0)[0])


def test_lowpass_removes_50hz_mains_added_to_the_real_ecg(ecg):
    t = ecg.times
    noisy = ecg.values + 0.3 * np.sin(2 * np.pi * 50.0 * t)       # mains hum, 0.3 mV
    f, p = power_spectrum(noisy, ecg.fs, nperseg=1024)
    before = band_power(f, p, 48, 52)
    cleaned, _ = butter_filter(noisy, ecg.fs, 40.0, "lowpass", order=6)
    f, p = power_spectrum(cleaned, ecg.fs, nperseg=1024)
    after = band_power(f, p, 48, 52)
    assert after < 1e-2 * before, f"50 Hz power {before:.3g} -> {after:.3g} mV^2"
    # the filter is linear: what is left of the hum is `cleaned - (filtered ECG)`
    reference, _ = butter_filter(ecg.values, ecg.fs, 40.0, "lowpass", order=6)
    inside = slice(int(ecg.fs), -int(ecg.fs))      # 1 s from each end: filtfilt's edge transient
    residual_hum = np.abs(cleaned - reference)[inside].max()
    assert residual_hum < 0.015, f"{residual_hum:.3g} mV of the 0.3 mV hum left"


@pytest.mark.parametrize("fs, cutoff, kind, message", [
    (250.0, 125.0, "lowpass", r"below the Nyquist frequency fs/2 for fs=250 Hz, got 125.0"),
    (250.0, 300.0, "highpass", r"expected cutoffs in \(0, 125\) Hz"),
    (250.0, 0.0, "highpass", r"expected cutoffs in \(0, 125\) Hz"),
    (250.0, (40.0, 0.5), "bandpass", "expected low < high"),
    (250.0, 40.0, "bandpass", "expected 2 cutoff"),
    (250.0, 40.0, "notch", "expected kind in"),
    (0.0, 10.0, "lowpass", "positive sampling rate"),
])
def test_bad_cutoffs(fs, cutoff, kind, message):
    with pytest.raises(ValueError, match=message):
        butter_filter(np.zeros(100), fs, cutoff, kind)


def test_resample_changes_rate_and_keeps_the_frequency():
    fs = 1000.0
    x = np.sin(2 * np.pi * 7.0 * np.arange(4000) / fs)
    out, rep = resample(x, fs, 250.0)
    assert out.shape == (1000,) and "1000 Hz -> 250 Hz" in rep.detail
    np.testing.assert_allclose(out[50:-50], x[::4][50:-50], atol=1e-3)


@pytest.mark.parametrize("step", [hampel_filter, moving_average, median_smooth,
                                  lambda x: butter_filter(x, 100.0, 10.0),
                                  lambda x: resample(x, 100.0, 50.0)])
def test_steps_other_than_interpolation_refuse_nan(step):
    with pytest.raises(ValueError, match="run interpolate_missing first"):
        step(np.array([1.0, np.nan] * 30))


@pytest.mark.parametrize("x, message", [
    (np.array([]), "non-empty series"),
    (np.full(4, np.nan), "all 4 NaN"),
])
def test_empty_and_all_nan_series(x, message):
    with pytest.raises(ValueError, match=message):
        interpolate_missing(x)


def test_bad_smoothing_windows():
    with pytest.raises(ValueError, match="odd window"):
        moving_average(np.zeros(10), 4)
    with pytest.raises(ValueError, match="positive integer window"):
        median_smooth(np.zeros(10), 0)
    with pytest.raises(ValueError, match="ratio of small integers"):
        resample(np.zeros(10), 1000.0, 1000.0 / 1001.3)
