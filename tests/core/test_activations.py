"""Sigmoid and tanh: exact limits, no overflow warnings (warnings are errors here)."""
import numpy as np
import pytest
from scipy.special import expit

from scratchrnn.functional import activation_slope, relu, sigmoid, tanh


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_exact_limits_without_warnings(dtype):
    x = np.array([-1e4, -1000, -200, 0, 200, 1000, 1e4], dtype=dtype)
    s = sigmoid(x)
    assert s.dtype == dtype
    assert s[0] == 0 and s[1] == 0 and s[-1] == 1 and s[-2] == 1 and s[3] == 0.5
    t = tanh(x)
    assert t[0] == -1 and t[-1] == 1 and t[3] == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_matches_scipy_expit_to_a_few_ulp(dtype):
    x = np.linspace(-80, 80, 20001).astype(dtype)
    ours, ref = sigmoid(x), expit(x)
    ulp = np.spacing(np.abs(ref).astype(dtype))
    assert np.all(np.abs(ours - ref) <= 4 * ulp)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_in_place_on_one_column_views(dtype):
    """Regression: np.negative(v, out=v) is wrong on such views in NumPy 2.4.6."""
    rng = np.random.default_rng(0)
    for G in (4, 8):
        z = rng.normal(size=(5, G)).astype(dtype)
        expected = expit(z[:, -1:].copy())
        view = z[:, -1:]
        sigmoid(view, out=view)
        np.testing.assert_allclose(z[:, -1:], expected, rtol=1e-6)


def test_activation_grads():
    y = tanh(np.array([-2.0, 0.3, 1.5]))
    np.testing.assert_allclose(activation_slope("tanh", y), 1 - y**2)
    r = relu(np.array([-1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(activation_slope("relu", r), [0, 0, 1])
