"""scratchrnn.init: gains and fans equal torch's; the samples follow the formulas.

The statistical tests use fixed seeds and bounds of 5 standard errors, so they are
deterministic, and a wrong formula (a different scale, a different distribution) fails:
`test_the_statistical_checks_can_fail` shows it.
"""
import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from scratchrnn import init
from scratchrnn.models import GRUModel, LSTMModel, VanillaRNN
from scratchrnn.nn import GRU, LSTM, RNN, Linear

Z = 5.0  # standard errors allowed


# -- gains ------------------------------------------------------------------------------
NONLINEARITIES = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                  "conv_transpose2d", "conv_transpose3d", "sigmoid", "tanh", "relu",
                  "leaky_relu", "selu"]


@pytest.mark.parametrize("nonlinearity", NONLINEARITIES)
def test_gain_equals_torchs(nonlinearity):
    assert init.calculate_gain(nonlinearity) == torch.nn.init.calculate_gain(nonlinearity)


@pytest.mark.parametrize("slope", [None, 0.0, 0.01, 0.2, 1, 3, 5.5])
def test_leaky_relu_gain_with_param_equals_torchs(slope):
    ours = init.calculate_gain("leaky_relu", slope)
    assert ours == torch.nn.init.calculate_gain("leaky_relu", slope)
    s = 0.01 if slope is None else slope
    assert ours == pytest.approx(math.sqrt(2 / (1 + s * s)), rel=1e-15)


def test_named_gains():
    assert init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("selu") == 0.75


@pytest.mark.parametrize("nonlinearity, param", [("swish", None), ("Tanh", None),
                                                 ("leaky_relu", True), ("leaky_relu", "0.1")])
def test_bad_gain_arguments_raise(nonlinearity, param):
    with pytest.raises(ValueError):
        init.calculate_gain(nonlinearity, param)
    with pytest.raises(ValueError):
        torch.nn.init.calculate_gain(nonlinearity, param)


# -- fans -------------------------------------------------------------------------------
@given(shape=st.lists(st.integers(1, 6), min_size=2, max_size=5))
def test_fans_equal_torchs(shape):
    ours = init.calculate_fan_in_and_fan_out(np.empty(shape))
    assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


def test_fans_of_a_stacked_recurrent_weight():
    """weight_ih of an LSTM (4H, I): fan_in = I, fan_out = 4H (the gates count as outputs)."""
    assert init.calculate_fan_in_and_fan_out(np.empty((4 * 16, 3))) == (3, 64)


@pytest.mark.parametrize("shape", [(), (5,)])
def test_fans_need_two_dimensions(shape):
    for fn in (init.calculate_fan_in_and_fan_out, init.xavier_uniform_, init.xavier_normal_,
               init.orthogonal_, init.kaiming_uniform_):
        with pytest.raises(ValueError, match="2"):
            fn(np.empty(shape))


# -- statistical checks -----------------------------------------------------------------
def check_uniform(x, a):
    """x ~ U(-a, a): inside the bounds, near them, mean 0, variance a^2/3, and KS test."""
    x = np.asarray(x, dtype=np.float64).ravel()
    n = x.size
    assert np.abs(x).max() <= a
    assert np.abs(x).max() >= a * (1 - 20 / n), "samples never come near the bound"
    var = a * a / 3
    assert abs(x.mean()) <= Z * math.sqrt(var / n), f"mean {x.mean()} (bound a={a})"
    # Var(sample variance) = (mu4 - sigma^4) / n, mu4 = a^4 / 5 for U(-a, a)
    se_var = math.sqrt((a ** 4 / 5 - var ** 2) / n)
    assert abs(x.var() - var) <= Z * se_var, f"variance {x.var()} != {var}"
    assert stats.kstest(x, stats.uniform(-a, 2 * a).cdf).pvalue > 1e-6


def check_normal(x, std):
    """x ~ N(0, std^2): mean, variance (SE sqrt(2/n) std^2), KS test."""
    x = np.asarray(x, dtype=np.float64).ravel()
    n = x.size
    assert abs(x.mean()) <= Z * std / math.sqrt(n), f"mean {x.mean()} (std {std})"
    assert abs(x.var() - std ** 2) <= Z * math.sqrt(2 / n) * std ** 2, \
        f"variance {x.var()} != {std ** 2}"
    assert stats.kstest(x, stats.norm(0, std).cdf).pvalue > 1e-6


SHAPES = [(300, 500), (64 * 4, 700), (40, 30, 50)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("gain", [1.0, 5 / 3])
def test_xavier_uniform_statistics(shape, gain):
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    w = np.empty(shape)
    out = init.xavier_uniform_(w, gain=gain, rng=0)
    assert out is w
    check_uniform(w, gain * math.sqrt(6 / (fan_in + fan_out)))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("gain", [1.0, math.sqrt(2)])
def test_xavier_normal_statistics(shape, gain):
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    w = np.empty(shape)
    assert init.xavier_normal_(w, gain=gain, rng=1) is w
    check_normal(w, gain * math.sqrt(2 / (fan_in + fan_out)))


def test_xavier_bound_is_torchs_to_the_last_bit():
    """torch computes a = sqrt(3) * gain * sqrt(2 / (fan_in + fan_out)); so do we."""
    w = init.xavier_uniform_(np.empty((7, 3)), gain=1.3, rng=0)
    a = math.sqrt(3.0) * (1.3 * math.sqrt(2.0 / 10.0))
    expected = np.random.default_rng(0).uniform(-a, a, size=(7, 3))
    np.testing.assert_array_equal(w, expected)


def test_kaiming_uniform_statistics():
    w = init.kaiming_uniform_(np.empty((400, 300)), nonlinearity="relu", rng=2)
    check_uniform(w, math.sqrt(2) * math.sqrt(3 / 300))
    w = init.kaiming_uniform_(np.empty((400, 300)), a=math.sqrt(5), rng=3)   # nn.Linear's
    check_uniform(w, 1 / math.sqrt(300))
    w = init.kaiming_uniform_(np.empty((400, 300)), mode="fan_out", nonlinearity="tanh", rng=4)
    check_uniform(w, 5 / 3 * math.sqrt(3 / 400))


@pytest.mark.parametrize("wrong", [
    lambda w: init.uniform_(w, -1.02, 1.02, rng=0),                    # scale 2% off
    lambda w: init.uniform_(w, -0.995, 0.995, rng=0),                  # scale 0.5% off
    lambda w: np.clip(init.normal_(w, 0.0, 0.6, rng=0), -1, 1),        # another law
    lambda w: init.uniform_(w, -0.98, 1.0, rng=0),                     # shifted mean
], ids=["scale", "scale-slightly", "distribution", "mean"])
def test_the_statistical_checks_can_fail(wrong):
    """check_uniform(w, 1) must reject samples that are not U(-1, 1)."""
    with pytest.raises(AssertionError):
        check_uniform(wrong(np.empty((300, 500))), 1.0)


def test_normal_check_can_fail():
    with pytest.raises(AssertionError):
        check_normal(init.normal_(np.empty((300, 500)), 0.0, 1.03, rng=0), 1.0)
    with pytest.raises(AssertionError):
        check_normal(init.uniform_(np.empty((300, 500)), -math.sqrt(3), math.sqrt(3), rng=0),
                     1.0)


# -- orthogonal -------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(50, 50), (120, 30), (30, 120), (12, 4, 5), (1, 7), (7, 1)],
                         ids=str)
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal_is_orthogonal(shape, gain):
    w = np.empty(shape)
    assert init.orthogonal_(w, gain=gain, rng=0) is w
    m = w.reshape(shape[0], -1)
    rows, cols = m.shape
    gram = m @ m.T if rows <= cols else m.T @ m
    np.testing.assert_allclose(gram, gain ** 2 * np.eye(min(rows, cols)), rtol=0, atol=1e-10)


def test_orthogonal_float32():
    w = init.orthogonal_(np.empty((40, 40), dtype=np.float32), rng=0)
    assert w.dtype == np.float32
    np.testing.assert_allclose(w.T @ w, np.eye(40), atol=1e-5)


def test_orthogonal_is_haar_distributed():
    """Entries of a Haar-random n x n orthogonal matrix have mean 0 and are nearly N(0, 1/n);
    without the sign(diag(R)) fix, numpy's Householder QR gives a biased first column."""
    n, firsts = 8, []
    rng = np.random.default_rng(0)
    for _ in range(4000):
        firsts.append(init.orthogonal_(np.empty((n, n)), rng=rng)[0, 0])
    firsts = np.array(firsts)
    assert abs(firsts.mean()) <= Z * math.sqrt(1 / n / firsts.size)


def test_orthogonal_check_can_fail():
    w = init.orthogonal_(np.empty((20, 20)), rng=0)
    w[0, 0] += 1e-8
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(w.T @ w, np.eye(20), rtol=0, atol=1e-10)


# -- rng, in place ----------------------------------------------------------------------
@pytest.mark.parametrize("fn", [init.xavier_uniform_, init.xavier_normal_, init.orthogonal_,
                                init.kaiming_uniform_])
def test_seeds_and_generators(fn):
    a, b, c = (fn(np.empty((6, 4)), rng=r) for r in (7, 7, 8))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    gen = np.random.default_rng(7)
    d, e = fn(np.empty((6, 4)), rng=gen), fn(np.empty((6, 4)), rng=gen)
    np.testing.assert_array_equal(d, a)   # an int seed is default_rng(seed)
    assert not np.array_equal(d, e)       # a Generator advances


def test_in_place_keeps_dtype_and_identity():
    w = np.zeros((5, 3), dtype=np.float32)
    view = w[:]
    assert init.xavier_uniform_(w, rng=0) is w
    assert w.dtype == np.float32 and view.any()


# -- schemes for layers and models -------------------------------------------------------
def bound_of(name, shape, scheme, hidden):
    if name.startswith("bias") or scheme == "default":
        return 1 / math.sqrt(hidden)
    fan_in, fan_out = shape[1], shape[0]
    return math.sqrt(6 / (fan_in + fan_out))


LAYERS = [(RNN, {}), (LSTM, {}), (GRU, {}), (LSTM, dict(proj_size=3, num_layers=2)),
          (GRU, dict(bidirectional=True, num_layers=2))]


@pytest.mark.parametrize("layer_cls, kwargs", LAYERS,
                         ids=lambda v: v.__name__ if isinstance(v, type) else str(v))
@pytest.mark.parametrize("scheme", ["default", "xavier_uniform"])
def test_uniform_schemes_respect_their_bounds(layer_cls, kwargs, scheme):
    H = 40
    layer = layer_cls(20, H, dtype="float64", seed=0, init=scheme, **kwargs)
    for name, p in layer.params.items():
        a = bound_of(name, p.shape, scheme, H)
        assert np.abs(p).max() <= a, name
        assert np.abs(p).max() >= 0.9 * a, f"{name}: max |w| {np.abs(p).max()} far below {a}"


@pytest.mark.parametrize("layer_cls, kwargs", LAYERS,
                         ids=lambda v: v.__name__ if isinstance(v, type) else str(v))
def test_orthogonal_scheme(layer_cls, kwargs):
    H = 6
    layer = layer_cls(4, H, dtype="float64", seed=0, init="orthogonal", **kwargs)
    for name, p in layer.params.items():
        if name.startswith("weight"):
            rows, cols = p.shape
            gram = p @ p.T if rows <= cols else p.T @ p
            np.testing.assert_allclose(gram, np.eye(min(rows, cols)), atol=1e-10,
                                       err_msg=name)
        else:
            assert np.abs(p).max() <= 1 / math.sqrt(H), name


def test_xavier_normal_scheme_statistics():
    """weight_ih of a big LSTM: N(0, 2 / (I + 4H)) as a whole stacked matrix."""
    layer = LSTM(300, 100, dtype="float64", seed=0, init="xavier_normal")
    check_normal(layer.params["weight_ih_l0"], math.sqrt(2 / (300 + 400)))
    check_normal(layer.params["weight_hh_l0"], math.sqrt(2 / (100 + 400)))
    biases = np.concatenate([layer.params["bias_ih_l0"], layer.params["bias_hh_l0"]])
    assert np.abs(biases).max() <= 1 / math.sqrt(100)              # torch's default, unchanged


@pytest.mark.parametrize("model_cls", [VanillaRNN, LSTMModel, GRUModel])
@pytest.mark.parametrize("scheme", init.SCHEMES)
def test_models_accept_every_scheme(model_cls, scheme):
    m = model_cls(3, 8, 2, dtype="float64", seed=0, init=scheme)
    fc = m.params["fc.weight"]
    if scheme == "orthogonal":
        np.testing.assert_allclose(fc @ fc.T, np.eye(2), atol=1e-10)
    elif scheme == "xavier_uniform":
        assert np.abs(fc).max() <= math.sqrt(6 / (8 + 2))
    assert np.abs(m.params["fc.bias"]).max() <= 1 / math.sqrt(8)
    again = model_cls(3, 8, 2, dtype="float64", seed=0, init=scheme)
    assert all(np.array_equal(v, again.params[k]) for k, v in m.params.items())


def test_linear_schemes():
    lin = Linear(50, 30, dtype="float64", seed=0, init="xavier_uniform")
    assert np.abs(lin.params["weight"]).max() <= math.sqrt(6 / 80)
    assert np.abs(lin.params["bias"]).max() <= 1 / math.sqrt(50)
    lin = Linear(50, 30, dtype="float64", seed=0, init="orthogonal")
    np.testing.assert_allclose(lin.params["weight"] @ lin.params["weight"].T, np.eye(30),
                               atol=1e-10)


def test_default_scheme_matches_torchs_bounds():
    """torch: every RNN tensor ~ U(-1/sqrt(H), 1/sqrt(H)); Linear U(-1/sqrt(in), 1/sqrt(in))."""
    layer = LSTM(5, 25, dtype="float64", seed=0)
    check_uniform(np.concatenate([p.ravel() for p in layer.params.values()]), 1 / math.sqrt(25))
    lin = Linear(400, 300, dtype="float64", seed=0)
    check_uniform(lin.params["weight"], 1 / math.sqrt(400))


@pytest.mark.parametrize("maker", [
    lambda: init.init_recurrent_({"weight_ih_l0": np.empty((3, 2))}, 3, "he"),
    lambda: init.init_linear_({"weight": np.empty((3, 2))}, "Xavier"),
    lambda: LSTM(2, 3, init="kaiming"),
    lambda: GRUModel(2, 3, 1, init="glorot"),
], ids=["init_recurrent_", "init_linear_", "LSTM", "GRUModel"])
def test_unknown_scheme_raises_and_lists_the_valid_ones(maker):
    with pytest.raises(ValueError, match="xavier_uniform.*xavier_normal.*orthogonal"):
        maker()
