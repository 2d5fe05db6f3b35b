"""The point of the project: scratch layers agree with torch.nn on everything.

Outputs, final states, and the gradients of the input, the initial states and every
parameter, in float64 to 1e-9 relative, over the whole option space.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from twins import assert_pairs_close, layer_twin_run, randomize

import scratchrnn.nn as snn

pytestmark = pytest.mark.usefixtures("each_engine")  # plain and fast alike


@st.composite
def layer_configs(draw):
    mode = draw(st.sampled_from(["RNN", "LSTM", "GRU"]))
    H = draw(st.integers(1, 5))
    cfg = dict(mode=mode, input_size=draw(st.integers(1, 4)), hidden_size=H,
               num_layers=draw(st.integers(1, 3)), bias=draw(st.booleans()),
               batch_first=draw(st.booleans()), bidirectional=draw(st.booleans()))
    if mode == "RNN":
        cfg["nonlinearity"] = draw(st.sampled_from(["tanh", "relu"]))
    if mode == "LSTM" and H > 1:
        cfg["proj_size"] = draw(st.integers(0, H - 1))
    run = dict(T=draw(st.integers(1, 5)), B=draw(st.integers(1, 3)),
               unbatched=draw(st.booleans()), give_hx=draw(st.booleans()),
               seed=draw(st.integers(0, 2**16)))
    return cfg, run


def make_inputs(layer, run, rng):
    """x and hx (or None) in the layout the layer expects."""
    T, B, D = run["T"], run["B"], layer.num_directions
    if run["unbatched"]:
        x = rng.normal(size=(T, layer.input_size))
        state_shapes = [(D * layer.num_layers, layer.out_size),
                        (D * layer.num_layers, layer.hidden_size)]
    else:
        x = rng.normal(size=(B, T, layer.input_size) if layer.batch_first
                       else (T, B, layer.input_size))
        state_shapes = [(D * layer.num_layers, B, layer.out_size),
                        (D * layer.num_layers, B, layer.hidden_size)]
    if not run["give_hx"]:
        return x, None
    states = [rng.normal(size=s) for s in state_shapes]
    return x, (tuple(states) if layer.mode == "LSTM" else states[0])


def build(cfg, dtype, seed):
    cfg = dict(cfg)
    mode = cfg.pop("mode")
    return getattr(snn, mode)(**cfg, dtype=dtype, seed=seed)


def twin_pairs(config, dtype):
    """Scratch layer (random weights) and its torch twin on the same inputs in `dtype`."""
    cfg, run = config
    rng = np.random.default_rng(run["seed"])
    layer = build(cfg, dtype, run["seed"])
    randomize(layer, rng)
    x, hx = make_inputs(layer, run, rng)
    x = x.astype(dtype)
    if hx is not None:
        hx = tuple(h.astype(dtype) for h in hx) if isinstance(hx, tuple) else hx.astype(dtype)
    return layer_twin_run(layer, x, hx, rng)


@given(layer_configs())
def test_float64_agrees_with_torch_to_1e_9(config):
    assert_pairs_close(twin_pairs(config, "float64"), 1e-9, config)


@given(layer_configs())
def test_float32_agrees_with_torch_to_1e_4(config):
    pairs = twin_pairs(config, "float32")
    assert all(a.dtype == np.float32 for a, _ in pairs.values())
    assert_pairs_close(pairs, 1e-4, config)


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_long_sequence_medium_sizes(mode):
    """Beyond hypothesis' tiny sizes: T=60, B=7, H=16, two layers, bidirectional."""
    rng = np.random.default_rng(7)
    layer = getattr(snn, mode)(3, 16, num_layers=2, bidirectional=True, dtype="float64", seed=1)
    x = rng.normal(size=(60, 7, 3))
    assert_pairs_close(layer_twin_run(layer, x, None, rng), 1e-9, mode)


def test_default_init_matches_torch_bounds():
    """torch's default: every recurrent tensor ~ U(-1/sqrt(H), 1/sqrt(H))."""
    layer = snn.LSTM(2, 25, num_layers=2, proj_size=5, dtype="float64", seed=0)
    bound = 1 / np.sqrt(25)
    for name, p in layer.params.items():
        assert np.abs(p).max() <= bound, name
        assert np.abs(p).max() > 0.8 * bound, name  # really spread over the interval
