"""clip_grad_norm_ / clip_grad_value_ against torch.nn.utils, edge cases and bad arguments."""
import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from scratchrnn.optim import NonFiniteError, clip_grad_norm_, clip_grad_value_, get_total_norm


def make_pair(grads: dict):
    """A scratch 'module' (params/grads dicts) and torch tensors with the same .grad."""
    module = SimpleNamespace(params={k: np.zeros_like(g) for k, g in grads.items()},
                             grads={k: np.array(g, dtype=np.float64) for k, g in grads.items()})
    tensors = []
    for g in grads.values():
        t = torch.zeros(np.shape(g), dtype=torch.float64, requires_grad=True)
        t.grad = torch.tensor(g, dtype=torch.float64)
        tensors.append(t)
    return module, tensors


def assert_grads_equal(module, tensors, rtol=1e-14):
    for g, t in zip(module.grads.values(), tensors):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=rtol, atol=0)


NORM_TYPES = [1.0, 2.0, 3.0, 0.5, math.inf, "inf"]


@pytest.mark.parametrize("norm_type", NORM_TYPES, ids=str)
@pytest.mark.parametrize("max_norm", [1e-3, 0.5, 1e6])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    rng = np.random.default_rng(0)
    grads = {"w": rng.normal(size=(4, 3)), "b": rng.normal(size=4) * 10, "v": rng.normal(size=7)}
    module, tensors = make_pair(grads)
    norm = clip_grad_norm_(module, max_norm, norm_type)
    tnorm = torch.nn.utils.clip_grad_norm_(tensors, max_norm, norm_type)
    assert isinstance(norm, float)
    assert norm == pytest.approx(tnorm.item(), rel=1e-14)
    assert_grads_equal(module, tensors)


@pytest.mark.parametrize("norm_type", [2.0, math.inf])
def test_clip_grad_norm_float32_matches_torch(norm_type):
    """float32 gradients: the norm and the factor are float32, as in torch."""
    rng = np.random.default_rng(5)
    host = {"w": rng.normal(size=(30, 20)).astype(np.float32), "b": np.ones(3, np.float32)}
    module = SimpleNamespace(grads={k: v.copy() for k, v in host.items()})
    tensors = [torch.zeros(v.shape, requires_grad=True) for v in host.values()]
    for t, v in zip(tensors, host.values()):
        t.grad = torch.from_numpy(v.copy())
    norm = clip_grad_norm_(module, 0.1, norm_type)
    tnorm = torch.nn.utils.clip_grad_norm_(tensors, 0.1, norm_type)
    assert norm == pytest.approx(tnorm.item(), rel=1e-6)
    for g, t in zip(module.grads.values(), tensors):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-6)


def test_one_global_norm_not_one_per_tensor():
    """Every gradient is scaled by the same factor, so the direction is kept."""
    module, _ = make_pair({"a": [3.0, 0.0], "b": [0.0, 4.0]})   # global 2-norm 5
    norm = clip_grad_norm_(module, 1.0)
    assert norm == 5.0
    coef = 1.0 / (5.0 + 1e-6)                                   # torch's epsilon
    np.testing.assert_allclose(module.grads["a"], [3.0 * coef, 0.0], rtol=1e-15)
    np.testing.assert_allclose(module.grads["b"], [0.0, 4.0 * coef], rtol=1e-15)
    assert get_total_norm(module) == pytest.approx(1.0, abs=1e-6)


def test_under_the_bound_nothing_changes():
    rng = np.random.default_rng(1)
    module, _ = make_pair({"a": rng.normal(size=(3, 3))})
    before = module.grads["a"].copy()
    norm = clip_grad_norm_(module, 100.0)
    assert norm == pytest.approx(np.linalg.norm(before))
    np.testing.assert_array_equal(module.grads["a"], before)


def test_exactly_at_the_bound_scales_by_torchs_epsilon():
    """N = max_norm still gives c = max_norm / (max_norm + 1e-6) < 1, as in torch."""
    module, tensors = make_pair({"a": [3.0, 4.0]})
    clip_grad_norm_(module, 5.0)
    torch.nn.utils.clip_grad_norm_(tensors, 5.0)
    np.testing.assert_array_equal(module.grads["a"], tensors[0].grad.numpy())
    assert module.grads["a"][0] == 3.0 * (5.0 / (5.0 + 1e-6))


def test_zero_gradients_stay_zero():
    module, _ = make_pair({"a": np.zeros(3)})
    assert clip_grad_norm_(module, 1.0) == 0.0
    np.testing.assert_array_equal(module.grads["a"], 0.0)


def test_clips_in_place():
    module, _ = make_pair({"a": np.full(4, 10.0)})
    g = module.grads["a"]
    clip_grad_norm_(module, 1.0)
    clip_grad_value_(module, 0.1)
    assert module.grads["a"] is g


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, 1e200])
@pytest.mark.parametrize("norm_type", [2.0, math.inf, 1.0])
def test_non_finite_norm_behaves_like_torch(bad, norm_type):
    """Without error_if_nonfinite the gradients become what torch makes them (nan/0), silently."""
    module, tensors = make_pair({"a": [bad, 1.0], "b": [2.0]})
    norm = clip_grad_norm_(module, 1.0, norm_type)
    tnorm = torch.nn.utils.clip_grad_norm_(tensors, 1.0, norm_type)
    np.testing.assert_array_equal(norm, tnorm.item())
    for g, t in zip(module.grads.values(), tensors):
        np.testing.assert_array_equal(g, t.grad.numpy())  # nan == nan here


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_norm_raises_when_asked(bad):
    module, tensors = make_pair({"a": [bad, 1.0]})
    with pytest.raises(NonFiniteError, match="non-finite") as info:
        clip_grad_norm_(module, 1.0, error_if_nonfinite=True)
    assert isinstance(info.value, ValueError) and isinstance(info.value, RuntimeError)
    with pytest.raises(RuntimeError):  # torch's error, for the record
        torch.nn.utils.clip_grad_norm_(tensors, 1.0, error_if_nonfinite=True)


def test_finite_norm_does_not_raise_when_asked():
    module, _ = make_pair({"a": [1.0, 2.0]})
    clip_grad_norm_(module, 1.0, error_if_nonfinite=True)


@pytest.mark.parametrize("clip_value", [1e-3, 0.3, 5.0])
def test_clip_grad_value_matches_torch(clip_value):
    rng = np.random.default_rng(2)
    module, tensors = make_pair({"w": rng.normal(size=(5, 2)), "b": [np.nan, 2.0, -3.0]})
    assert clip_grad_value_(module, clip_value) is None
    torch.nn.utils.clip_grad_value_(tensors, clip_value)
    for g, t in zip(module.grads.values(), tensors):
        np.testing.assert_array_equal(g, t.grad.numpy())


# -- bad arguments ----------------------------------------------------------------------
@pytest.mark.parametrize("max_norm", [0.0, -1.0, np.nan, "1"])
def test_bad_max_norm_raises(max_norm):
    """torch accepts max_norm <= 0 (0 zeroes the gradients, < 0 flips them); we refuse."""
    module, _ = make_pair({"a": [1.0]})
    with pytest.raises(ValueError, match="max_norm"):
        clip_grad_norm_(module, max_norm)


@pytest.mark.parametrize("norm_type", [0.0, -2.0, -math.inf, "two", np.nan])
def test_bad_norm_type_raises(norm_type):
    module, _ = make_pair({"a": [1.0]})
    with pytest.raises(ValueError, match="norm_type"):
        clip_grad_norm_(module, 1.0, norm_type)


@pytest.mark.parametrize("clip_value", [0.0, -0.5, np.nan])
def test_bad_clip_value_raises(clip_value):
    """torch accepts clip_value <= 0 (every gradient becomes clip_value); we refuse."""
    module, _ = make_pair({"a": [1.0]})
    with pytest.raises(ValueError, match="clip_value"):
        clip_grad_value_(module, clip_value)


def test_torch_really_accepts_what_we_refuse():
    """The facts behind the three tests above (so a torch change shows up here)."""
    _, tensors = make_pair({"a": [1.0, -2.0]})
    torch.nn.utils.clip_grad_norm_(tensors, 0.0)
    assert tensors[0].grad.abs().max().item() == 0.0
    _, tensors = make_pair({"a": [1.0, -2.0]})
    torch.nn.utils.clip_grad_value_(tensors, -0.5)
    assert tensors[0].grad.tolist() == [-0.5, -0.5]


def test_not_a_module_raises():
    with pytest.raises(TypeError, match="grads"):
        clip_grad_norm_(object(), 1.0)


# -- hypothesis -------------------------------------------------------------------------
shapes = st.lists(st.lists(st.integers(1, 4), min_size=1, max_size=3), min_size=1, max_size=4)


@given(shapes=shapes, seed=st.integers(0, 2**31), log_scale=st.floats(-3, 3),
       max_norm=st.floats(1e-3, 1e3), norm_type=st.sampled_from([1.0, 2.0, 2.5, math.inf]))
def test_clip_grad_norm_matches_torch_on_random_shapes(shapes, seed, log_scale, max_norm,
                                                       norm_type):
    rng = np.random.default_rng(seed)
    grads = {f"p{i}": rng.normal(size=s) * 10.0 ** log_scale for i, s in enumerate(shapes)}
    module, tensors = make_pair(grads)
    norm = clip_grad_norm_(module, max_norm, norm_type)
    tnorm = torch.nn.utils.clip_grad_norm_(tensors, max_norm, norm_type)
    assert norm == pytest.approx(tnorm.item(), rel=1e-12)
    assert_grads_equal(module, tensors, rtol=1e-12)
    assert get_total_norm(module, norm_type) <= max_norm * (1 + 1e-12)
