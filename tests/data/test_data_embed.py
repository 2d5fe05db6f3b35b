"""Time-delay embedding obeys its definition; the delay and dimension helpers find known answers."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scratchrnn.data import (autocorrelation, delay_embed, delay_from_autocorrelation,
                             delay_from_mutual_information, dimension_from_fnn,
                             false_nearest_neighbours, mackey_glass, make_windows,
                             mutual_information)


@given(st.integers(1, 40), st.integers(1, 6), st.integers(1, 5), st.integers(1, 2))
def test_embedding_rows_obey_the_definition(extra, dimension, delay, features):
    n = (dimension - 1) * delay + extra
    x = np.random.default_rng(n).normal(size=(n, features))
    E = delay_embed(x if features > 1 else x[:, 0], dimension, delay)
    assert E.shape == (n - (dimension - 1) * delay, dimension * features)
    for i in range(len(E)):
        expected = [x[i + k * delay] for k in range(dimension)]   # [x_i, x_{i+d}, ...]
        np.testing.assert_array_equal(E[i], np.concatenate(expected))


def test_windows_of_embedded_vectors():
    x = np.sin(np.arange(200) / 5)
    E = delay_embed(x, dimension=3, delay=4)                        # (192, 3)
    X, y = make_windows(E, window=20)
    assert X.shape == (172, 20, 3) and y.shape == (172, 3)
    np.testing.assert_array_equal(X[0, :, 1], x[4:24])


@pytest.mark.parametrize("dimension, delay, message", [
    (0, 1, "dimension to be a positive integer, got 0"),
    (2, 0, "delay to be a positive integer, got 0"),
    (2, -3, "delay to be a positive integer"),
    (5, 5, r"more than \(dimension - 1\) \* delay = 20 samples, got 10"),
])
def test_bad_embedding_arguments(dimension, delay, message):
    with pytest.raises(ValueError, match=message):
        delay_embed(np.arange(10.0), dimension, delay)


def test_autocorrelation_matches_the_direct_sum():
    x = np.random.default_rng(0).normal(size=64)
    d = x - x.mean()
    direct = np.array([np.sum(d[: 64 - k] * d[k:]) for k in range(11)]) / np.sum(d * d)
    np.testing.assert_allclose(autocorrelation(x, 10), direct, atol=1e-12)


def test_delays_of_a_sine_are_a_quarter_period():
    period = 40
    x = np.sin(2 * np.pi * np.arange(2000) / period)
    assert delay_from_autocorrelation(x, "zero") == pytest.approx(period / 4, abs=1)
    assert delay_from_autocorrelation(x, "1/e") < period / 4
    # a sine's mutual information bottoms out around the quarter period too (flat there, so
    # the first local minimum of a histogram estimate can come a few lags early)
    noisy = x + 0.05 * np.random.default_rng(0).normal(size=len(x))
    mi = mutual_information(noisy, max_lag=period // 2 - 1)
    assert mi.argmin() == pytest.approx(period / 4, abs=2)
    tau = delay_from_mutual_information(noisy, max_lag=30)
    assert mi[tau] < mi[tau - 1] and mi[tau] <= mi[tau + 1]


def test_mutual_information_is_largest_at_lag_zero():
    x = mackey_glass(n=1000).values
    mi = mutual_information(x, max_lag=40)
    assert mi.shape == (41,) and mi.argmax() == 0 and (mi >= 0).all()


def test_fnn_finds_two_dimensions_for_a_circle_and_three_for_mackey_glass():
    circle = np.sin(2 * np.pi * np.arange(1000) / 40)
    assert dimension_from_fnn(circle, delay=10) == 2
    mg = mackey_glass(n=2000).values
    tau = delay_from_mutual_information(mg)
    assert 10 <= tau <= 20
    assert dimension_from_fnn(mg, tau) in (3, 4)
    fractions = false_nearest_neighbours(mg, tau, max_dimension=5)
    assert fractions[0] > 0.5 and fractions[-1] < 0.01


@pytest.mark.parametrize("call, message", [
    (lambda: delay_from_autocorrelation(np.arange(50.0), max_lag=10), "never reaches zero"),
    (lambda: delay_from_autocorrelation(np.ones(50)), "non-constant"),
    (lambda: delay_from_autocorrelation(np.arange(50.0), criterion="half"), "criterion"),
    (lambda: mutual_information(np.arange(50.0), max_lag=0), "max_lag to be a positive"),
    (lambda: delay_from_mutual_information(np.arange(50.0), max_lag=1), "no local minimum"),
    (lambda: dimension_from_fnn(np.random.default_rng(0).normal(size=300), 1, 3), "noise"),
    (lambda: autocorrelation(np.array([1.0, np.nan, 2.0]), 1), "finite"),
    (lambda: autocorrelation(np.ones((5, 2)), 1), r"one channel"),
])
def test_helper_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
