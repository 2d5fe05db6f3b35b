"""The module contract: names, accumulation, purity, copies, identity."""
import numpy as np
import pytest
import torch
from twins import randomize

import scratchrnn.nn as snn
from scratchrnn.models import GRUModel, LSTMModel, VanillaRNN
from reference import GRUModel as TorchGRU, LSTMModel as TorchLSTM, VanillaRNN as TorchRNN

pytestmark = pytest.mark.usefixtures("each_engine")  # plain and fast alike


@pytest.mark.parametrize("ours, theirs, kw", [
    (snn.LSTM, torch.nn.LSTM, dict(num_layers=2, bidirectional=True, proj_size=2)),
    (snn.GRU, torch.nn.GRU, dict(num_layers=3, bias=False)),
    (snn.RNN, torch.nn.RNN, dict(bidirectional=True)),
])
def test_param_names_and_shapes_are_torchs(ours, theirs, kw):
    a, b = ours(3, 5, **kw), theirs(3, 5, **kw)
    assert [(k, tuple(v.shape)) for k, v in a.params.items()] == \
        [(k, tuple(v.shape)) for k, v in b.state_dict().items()]
    assert list(a.grads) == list(a.params)


@pytest.mark.parametrize("ours, theirs", [(VanillaRNN, TorchRNN), (LSTMModel, TorchLSTM),
                                         (GRUModel, TorchGRU)])
def test_model_param_names_are_the_slides_models(ours, theirs):
    a, b = ours(1, 16, 1), theirs(1, 16, 1)
    assert [(k, tuple(v.shape)) for k, v in a.params.items()] == \
        [(k, tuple(v.shape)) for k, v in b.state_dict().items()]


def _run(layer, x, dout, dh):
    layer.forward(x)
    return layer.backward(dout, dh)


def test_backward_accumulates_and_zero_grad_resets():
    rng = np.random.default_rng(0)
    layer = snn.LSTM(2, 3, num_layers=2, dtype="float64", seed=0)
    x = rng.normal(size=(4, 2, 2))
    dout, dh = rng.normal(size=(4, 2, 3)), (rng.normal(size=(2, 2, 3)), rng.normal(size=(2, 2, 3)))
    _run(layer, x, dout, dh)
    once = {k: v.copy() for k, v in layer.grads.items()}
    assert all(np.abs(g).max() > 0 for g in once.values())
    layer.backward(dout, dh)  # second backward on the same forward: like retain_graph
    for k, g in layer.grads.items():
        np.testing.assert_allclose(g, 2 * once[k], rtol=1e-12)
    layer.zero_grad()
    assert all(np.abs(g).max() == 0 for g in layer.grads.values())


def test_backward_does_not_mutate_its_arguments():
    rng = np.random.default_rng(1)
    for layer in (snn.GRU(2, 3, num_layers=2, bidirectional=True, dtype="float64"),
                  snn.LSTM(2, 3, proj_size=2, dtype="float64"), snn.RNN(2, 3, dtype="float64")):
        x = rng.normal(size=(5, 2, 2))
        out, hn = layer.forward(x)
        hn = hn if isinstance(hn, tuple) else (hn,)
        dout = rng.normal(size=out.shape)
        dh = tuple(rng.normal(size=h.shape) for h in hn)
        copies = [a.copy() for a in (x, dout, *dh)]
        layer.backward(dout, dh if layer.mode == "LSTM" else dh[0])
        for before, after in zip(copies, (x, dout, *dh)):
            np.testing.assert_array_equal(before, after)


def test_state_dict_returns_copies_and_load_keeps_identity():
    rng = np.random.default_rng(2)
    model = GRUModel(1, 4, 1, num_layers=2, dtype="float64")
    arrays = {k: id(v) for k, v in model.params.items()}
    state = model.state_dict()
    state["gru.weight_hh_l0"][...] = 123.0
    assert not np.any(model.params["gru.weight_hh_l0"] == 123.0)
    new = {k: rng.normal(size=v.shape) for k, v in state.items()}
    model.load_state_dict(new)
    assert {k: id(v) for k, v in model.params.items()} == arrays
    for k, v in model.params.items():
        np.testing.assert_array_equal(v, new[k])


def test_load_state_dict_accepts_torch_tensors():
    tm = TorchLSTM(1, 8, 1, dtype=torch.float64)
    model = LSTMModel(1, 8, 1, dtype="float64")
    model.load_state_dict(tm.state_dict())
    for k, v in tm.state_dict().items():
        np.testing.assert_array_equal(model.params[k], v.numpy())


def test_seed_makes_construction_reproducible():
    a, b = LSTMModel(1, 8, 1, seed=3), LSTMModel(1, 8, 1, seed=3)
    c = LSTMModel(1, 8, 1, seed=4)
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])
    assert any(not np.array_equal(a.params[k], c.params[k]) for k in a.params)


def test_float32_is_the_default_dtype():
    rng = np.random.default_rng(3)
    layer = snn.GRU(2, 3)
    randomize(layer, rng)
    out, hn = layer.forward(rng.normal(size=(4, 2, 2)))
    assert out.dtype == hn.dtype == np.float32
    assert all(v.dtype == np.float32 for v in layer.params.values())


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_editing_input_or_output_after_forward_does_not_change_gradients(mode):
    """torch refuses in-place edits of saved tensors; here the layer keeps its own copies."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(5, 3, 2))
    g = rng.normal(size=(5, 3, 4))
    results = []
    for edit in (False, True):
        layer = getattr(snn, mode)(2, 4, dtype="float64", seed=0)
        xin = x.copy()
        out, _ = layer.forward(xin)
        if edit:
            out[...] = 0.0
            xin[...] = 0.0
        dx, _ = layer.backward(g)
        results.append((dx, {k: v.copy() for k, v in layer.grads.items()}))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    for k in results[0][1]:
        np.testing.assert_array_equal(results[0][1][k], results[1][1][k])


@pytest.mark.parametrize("cls, option", [(snn.LSTM, "nonlinearity"), (snn.GRU, "nonlinearity"),
                                         (snn.GRU, "proj_size"), (snn.RNN, "proj_size")])
def test_options_other_layers_do_not_have(cls, option):
    with pytest.raises(TypeError, match=f"takes no '{option}' argument"):
        cls(2, 4, **{option: 1})


def test_repr_shows_non_default_options():
    r = repr(snn.LSTM(2, 4, num_layers=2, dropout=0.5, proj_size=2, dtype="float64"))
    assert "proj_size=2" in r and "dropout=0.5" in r and "float64" in r


def test_model_backward_truncates_like_its_layer():
    rng = np.random.default_rng(5)
    model = GRUModel(1, 4, 1, dtype="float64", seed=0)
    x, g = rng.normal(size=(3, 12, 1)), rng.normal(size=(3, 1))
    model.forward(x)
    dx = model.backward(g, truncate=4)
    assert np.all(dx[:, :8] == 0) and np.any(dx[:, 8:] != 0)
