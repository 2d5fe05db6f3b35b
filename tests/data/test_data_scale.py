"""Scalers: sklearn's numbers, learn only from the data given to fit, invert exactly."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn import preprocessing

from scratchrnn.data import MinMaxScaler, ZScoreScaler, make_scaler

# centi-units in +-1e4: sklearn calls a range below 10 * eps "constant" in absolute terms, so
# spans like 1e-214 would compare scale conventions, not the scalers
values = st.integers(-10**6, 10**6).map(lambda v: v / 100)
tables = st.integers(1, 3).flatmap(
    lambda f: arrays(np.float64, st.tuples(st.integers(2, 30), st.just(f)), elements=values))


@given(tables)
def test_zscore_matches_sklearn_standard_scaler(x):
    ours, theirs = ZScoreScaler().fit(x), preprocessing.StandardScaler().fit(x)
    np.testing.assert_allclose(ours.mean_, theirs.mean_, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(ours.scale_, theirs.scale_, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ours.transform(x), theirs.transform(x), rtol=1e-9, atol=1e-6)


@given(tables)
def test_minmax_matches_sklearn(x):
    ours = MinMaxScaler((-1.0, 1.0)).fit(x)
    theirs = preprocessing.MinMaxScaler((-1.0, 1.0)).fit(x)
    np.testing.assert_allclose(ours.transform(x), theirs.transform(x), rtol=1e-9, atol=1e-9)


@given(tables, st.sampled_from(["zscore", "minmax"]))
def test_inverse_transform_undoes_transform(x, name):
    scaler = make_scaler(name).fit(x)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(x)), x,
                               rtol=1e-9, atol=1e-6)


@given(tables, tables, st.sampled_from(["zscore", "minmax"]))
def test_scalers_learn_only_from_the_training_data(train, test, name):
    if train.shape[1] != test.shape[1]:
        test = np.resize(test, (len(test), train.shape[1]))
    alone = make_scaler(name).fit(train)
    state = {k: v.copy() for k, v in vars(alone).items() if k.endswith("_")
             and isinstance(v, np.ndarray)}
    alone.transform(test * 1e3 + 7)                     # transforming other data learns nothing
    for key, value in state.items():
        np.testing.assert_array_equal(getattr(alone, key), value)
    assert alone.n_samples_seen_ == len(train)


def test_zscore_on_training_part_gives_zero_mean_unit_std():
    x = np.random.default_rng(0).normal(5.0, 3.0, size=(200, 2))
    z = ZScoreScaler().fit(x[:100]).transform(x)
    np.testing.assert_allclose(z[:100].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z[:100].std(axis=0), 1, atol=1e-12)
    assert not np.allclose(z[100:].mean(axis=0), 0, atol=1e-3)   # the rest is not re-centred


def test_one_dimensional_series_and_windowed_arrays():
    scaler = ZScoreScaler().fit(np.array([1.0, 2.0, 3.0, 4.0]))
    assert scaler.mean_.shape == (1,) and scaler.transform(np.ones(4)).shape == (4,)
    windows = np.ones((5, 7, 1))                                   # (N, window, F)
    assert scaler.transform(windows).shape == (5, 7, 1)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(windows)), windows)


def test_constant_feature_maps_to_zero_not_nan():
    z = ZScoreScaler().fit_transform(np.full((4, 1), 3.0))
    np.testing.assert_array_equal(z, 0.0)
    m = MinMaxScaler().fit_transform(np.full((4, 1), 3.0))
    np.testing.assert_array_equal(m, 0.0)


@pytest.mark.parametrize("call, message", [
    (lambda: ZScoreScaler().transform(np.ones(3)), "not fitted"),
    (lambda: ZScoreScaler().fit(np.ones((3, 2))).transform(np.ones((3, 3))),
     r"expected 2 features on the last axis, got shape \(3, 3\)"),
    (lambda: ZScoreScaler().fit(np.array([1.0, np.nan])), "finite training values"),
    (lambda: MinMaxScaler((1, 0)).fit(np.ones(3)), "low < high"),
    (lambda: ZScoreScaler().fit(np.array([])), "non-empty"),
    (lambda: make_scaler("robust"), "unknown scaler 'robust'"),
])
def test_scaler_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
