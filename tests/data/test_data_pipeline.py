"""SignalPipeline: (B, T, F) arrays, the scaler fitted on the training part only, reports."""
import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from scratchrnn.data import (SignalPipeline, ZScoreScaler, covered_samples, make_windows,
                             sine_mixture)


def test_default_pipeline_on_the_ecg(ecg):
    ds = SignalPipeline(window=50).fit_transform(ecg)
    for part in ("train", "val", "test"):
        X, y = getattr(ds, f"X_{part}"), getattr(ds, f"y_{part}")
        assert isinstance(X, np.ndarray) and X.dtype == np.float64
        assert X.ndim == 3 and X.shape[1:] == (50, 1) and y.shape == (len(X), 1)
    assert len(ds.X_train) > 4 * len(ds.X_test) and ds.leakage == 0.0
    assert ds.fs == 250.0 and ds.units == "mV" and ds.cleaned.shape == (5588, 1)
    assert "interpolate_missing: 0 of 5588" in str(ds.report)


def test_scaler_is_fitted_on_the_training_segment_only(ecg):
    ds = SignalPipeline(window=50).fit_transform(ecg)
    lo, hi = ds.split.segments[0]
    train_part = ds.cleaned[lo:hi]
    np.testing.assert_allclose(ds.scaler.mean_, train_part.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(ds.scaler.scale_, train_part.std(axis=0), rtol=1e-12)
    # changing the val and test parts changes neither the scaler nor the training windows
    altered = ecg.values.copy()
    altered[hi:] = altered[hi:] * 100 + 5
    ds2 = SignalPipeline(window=50).fit_transform(altered, fs=ecg.fs)
    np.testing.assert_array_equal(ds2.scaler.mean_, ds.scaler.mean_)
    np.testing.assert_array_equal(ds2.X_train, ds.X_train)


def test_random_split_reproduces_the_slides_rows(ecg):
    ds = SignalPipeline(window=50, split="random", scaler=None).fit_transform(ecg)
    X, y = make_windows(ecg.values, 50)
    X_train, X_temp, y_train, y_temp = train_test_split(X, y, test_size=0.3, random_state=42)
    X_val, X_test, y_val, y_test = train_test_split(X_temp, y_temp, test_size=0.5,
                                                    random_state=42)
    np.testing.assert_array_equal(ds.X_train, X_train)
    np.testing.assert_array_equal(ds.y_test, y_test)
    assert ds.leakage > 0.99


def test_random_split_fits_the_scaler_on_samples_of_training_windows(ecg):
    ds = SignalPipeline(window=50, split="random").fit_transform(ecg)
    seen = covered_samples(ds.split.train, len(ecg), 50)
    np.testing.assert_allclose(ds.scaler.mean_, ecg.values[seen].mean(), rtol=1e-12)


def test_inverse_transform_gives_targets_in_original_units(ecg):
    ds = SignalPipeline(window=50, scaler="minmax").fit_transform(ecg)
    starts = ds.split.test                                    # stride 1: window i starts at i
    np.testing.assert_allclose(ds.scaler.inverse_transform(ds.y_test)[:, 0],
                               ecg.values[starts + 50], rtol=1e-12, atol=1e-12)


def test_cleaning_filter_and_resampling_are_reported(ecg):
    values = ecg.values.copy()
    values[[100, 2000, 2001]] = np.nan
    values[3000] = 25.0                                                      # a spike
    pipe = SignalPipeline(window=20, clean=("interpolate", ("hampel", {"half_window": 3})),
                          filter=("bandpass", (0.5, 40.0)), resample_to=125.0)
    ds = pipe.fit_transform(values, fs=ecg.fs)
    steps = {r.step: r for r in ds.report.steps}
    assert steps["interpolate_missing"].n_changed == 3
    assert steps["hampel_filter"].n_changed >= 1 and ds.cleaned.max() < 2.0
    assert list(steps) == ["interpolate_missing", "hampel_filter", "butter_filter", "resample"]
    assert ds.fs == pipe.fs_ == 125.0 and len(ds.cleaned) == 2794 and len(ds.raw) == 5588


def test_multi_feature_and_multi_step_horizon():
    x = np.column_stack([sine_mixture(n=600, seed=s).values for s in range(3)])
    ds = SignalPipeline(window=16, horizon=4, stride=2).fit_transform(x, fs=100.0)
    assert ds.X_train.shape[1:] == (16, 3) and ds.y_train.shape[1:] == (4, 3)
    assert ds.scaler.mean_.shape == (3,)


def test_float32_output_and_transform_of_new_data(ecg):
    pipe = SignalPipeline(window=30, dtype="float32")
    ds = pipe.fit_transform(ecg)
    assert ds.X_train.dtype == np.float32
    X, y = pipe.transform(ecg.values[:500], fs=ecg.fs)
    assert X.shape == (470, 30, 1) and y.shape == (470, 1) and X.dtype == np.float32
    expected = ZScoreScaler().fit(ds.cleaned[: ds.split.segments[0][1]]).transform(ecg.values[:30])
    np.testing.assert_allclose(X[0, :, 0], expected, rtol=1e-5)


@pytest.mark.parametrize("kwargs, message", [
    (dict(split="kfold"), "split 'chronological' or 'random'"),
    (dict(filter=("lowpass",)), r"filter=\(kind, cutoff\[, order\]\)"),
    (dict(filter=("lowpass", 200.0)), "Nyquist"),
    (dict(clean=("smooth",)), "unknown cleaning step 'smooth'"),
    (dict(clean=()), "finite series after cleaning"),
    (dict(scaler="robust"), "unknown scaler"),
    (dict(window=0), "window to be a positive integer"),
    (dict(window=3000), r"more than 2 \* gap \+ 2 = 6002 samples .* gap=3000, got 5588"),
    (dict(window=6000, split="random"), r"at least window \+ horizon = 6001 samples"),
    (dict(fractions=(0.8, 0.2, 0.2)), "summing to 1"),
    (dict(dtype="int8"), "dtype must be"),
])
def test_pipeline_errors(ecg, kwargs, message):
    values = ecg.values.copy()
    values[10] = np.nan
    with pytest.raises(ValueError, match=message):
        SignalPipeline(**kwargs).fit_transform(values, fs=ecg.fs)


def test_transform_before_fit():
    with pytest.raises(ValueError, match="not fitted"):
        SignalPipeline().transform(np.zeros(100))


def test_the_random_split_leaks_every_test_target_at_the_runs_stride():
    """running.md: with windows every 5 samples (the default run's stride) as with every
    sample (data.md), every test target of the embedded ECG was seen in training."""
    from scratchrnn.data import load_dataset
    for stride in (1, 5):
        ds = SignalPipeline(window=50, split="random", stride=stride).fit_transform(
            load_dataset("ecg"))
        assert ds.leakage == 1.0, stride


def test_a_delay_embedded_window_is_delay_vectors_and_the_next_sample():
    """embed=(m, tau): step t of a window is [x_t, x_(t+tau), ..., x_(t+(m-1)tau)] and the
    target is the sample after the window's last one; the split counts the whole span."""
    from scratchrnn.data import delay_embed, load_dataset
    m, tau, window = 4, 3, 10
    ds = SignalPipeline(window=window, embed=(m, tau), scaler=None).fit_transform(
        load_dataset("ecg"))
    E, z, span = delay_embed(ds.cleaned, m, tau), ds.cleaned, window + (m - 1) * tau
    for part in ("train", "test"):
        X, y, starts = getattr(ds, f"X_{part}"), getattr(ds, f"y_{part}"), getattr(ds.split, part)
        assert X.shape[1:] == (window, m)
        for n in (0, len(starts) - 1):
            np.testing.assert_array_equal(X[n], E[starts[n]:starts[n] + window])
            np.testing.assert_array_equal(y[n], z[starts[n] + span])
    assert ds.embed == (m, tau) and ds.leakage == 0.0
    plain = SignalPipeline(window=window).fit_transform(load_dataset("ecg"))
    one = SignalPipeline(window=window, embed=(1, 1)).fit_transform(load_dataset("ecg"))
    np.testing.assert_array_equal(one.X_train, plain.X_train)      # m = 1: the plain window


def test_embed_auto_and_bad_embeddings():
    from scratchrnn.data import load_dataset
    m, tau = SignalPipeline(window=10, embed="auto").fit_transform(load_dataset("ecg")).embed
    assert m >= 1 and tau >= 1
    for bad in ((0, 2), (3,), "best", (2, 1.5)):
        with pytest.raises(ValueError, match="embed|embedding"):
            SignalPipeline(window=10, embed=bad).fit_transform(load_dataset("ecg"))


def test_the_slides_window_is_an_embedding_with_m_50_and_tau_1():
    """data.md: window=50 equals embed=(50, 1) with window=1, as one step of 50 features."""
    from scratchrnn.data import load_dataset
    plain = SignalPipeline(window=50).fit_transform(load_dataset("ecg"))
    embedded = SignalPipeline(window=1, embed=(50, 1)).fit_transform(load_dataset("ecg"))
    np.testing.assert_array_equal(embedded.X_train[:, 0, :], plain.X_train[:, :, 0])
    np.testing.assert_array_equal(embedded.y_test, plain.y_test)
