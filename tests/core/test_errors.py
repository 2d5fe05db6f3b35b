"""Bad input gets torch-like errors that say what was expected and what came."""
import numpy as np
import pytest

import scratchrnn.nn as snn
from scratchrnn.errors import ShapeError
from scratchrnn.losses import MSELoss
from scratchrnn.models import LSTMModel

pytestmark = pytest.mark.usefixtures("each_engine")  # plain and fast alike


@pytest.mark.parametrize("kwargs, match", [
    (dict(input_size=0, hidden_size=3), "input_size must be greater than zero"),
    (dict(input_size=2, hidden_size=0), "hidden_size must be greater than zero"),
    (dict(input_size=2, hidden_size=-1), "hidden_size must be greater than zero"),
    (dict(input_size=2, hidden_size=3, num_layers=0), "num_layers must be greater than zero"),
    (dict(input_size=2, hidden_size=3, dropout=1.5), r"dropout should be a number in range \[0, 1\]"),
    (dict(input_size=2, hidden_size=3, dropout=-0.1), r"dropout should be a number in range \[0, 1\]"),
])
@pytest.mark.parametrize("cls", [snn.RNN, snn.LSTM, snn.GRU])
def test_bad_constructor_arguments(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


def test_unknown_nonlinearity():
    with pytest.raises(ValueError, match="Unknown nonlinearity 'sigmoid'. Select from 'tanh' or 'relu'"):
        snn.RNN(2, 3, nonlinearity="sigmoid")


@pytest.mark.parametrize("proj", [3, 4])
def test_proj_size_not_smaller_than_hidden(proj):
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        snn.LSTM(2, 3, proj_size=proj)


def test_negative_proj_size():
    with pytest.raises(ValueError, match="proj_size should be a positive integer or zero"):
        snn.LSTM(2, 3, proj_size=-1)


def test_bad_dtype_and_backend():
    with pytest.raises(ValueError, match="dtype must be 'float32' or 'float64', got 'int8'"):
        snn.GRU(2, 3, dtype="int8")
    with pytest.raises(ValueError, match="unknown backend 'jax'"):
        snn.GRU(2, 3, backend="jax")


def test_dropout_with_one_layer_warns_like_torch():
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        snn.GRU(2, 3, dropout=0.5)


@pytest.mark.parametrize("cls", [snn.RNN, snn.LSTM, snn.GRU])
def test_wrong_input_size_says_expected_and_got(cls):
    layer = cls(3, 4)
    with pytest.raises(ShapeError, match="input.size\\(-1\\) must be equal to input_size. Expected 3, got 5"):
        layer.forward(np.zeros((6, 2, 5)))


@pytest.mark.parametrize("ndim", [1, 4])
def test_wrong_ndim(ndim):
    with pytest.raises(ShapeError, match=f"Expected input to be 2D or 3D, got {ndim}D"):
        snn.GRU(3, 4).forward(np.zeros((2,) * (ndim - 1) + (3,)))


def test_shape_error_is_both_value_and_runtime_error():
    with pytest.raises(RuntimeError):
        snn.GRU(3, 4).forward(np.zeros((2, 2, 5)))
    with pytest.raises(ValueError):
        snn.GRU(3, 4).forward(np.zeros((2, 2, 5)))


def test_wrong_hx_shape():
    layer = snn.GRU(3, 4, num_layers=2)
    with pytest.raises(ShapeError, match=r"Expected hidden size \(2, 5, 4\) for hx, got \(1, 5, 4\)"):
        layer.forward(np.zeros((7, 5, 3)), np.zeros((1, 5, 4)))


def test_unbatched_input_needs_2d_hx():
    with pytest.raises(ShapeError, match="For unbatched 2-D input, hx should also be 2-D"):
        snn.RNN(3, 4).forward(np.zeros((7, 3)), np.zeros((1, 1, 4)))


def test_lstm_needs_h0_and_c0():
    layer = snn.LSTM(3, 4)
    with pytest.raises(ShapeError, match=r"LSTM expects hx as a tuple \(h, c\)"):
        layer.forward(np.zeros((7, 5, 3)), np.zeros((1, 5, 4)))
    with pytest.raises(ShapeError, match=r"Expected hidden size \(1, 5, 4\) for c_0, got \(1, 5, 2\)"):
        layer.forward(np.zeros((7, 5, 3)), (np.zeros((1, 5, 4)), np.zeros((1, 5, 2))))


def test_backward_errors():
    layer = snn.LSTM(3, 4)
    with pytest.raises(RuntimeError, match="backward called before forward"):
        layer.backward(np.zeros((7, 5, 4)))
    layer.forward(np.zeros((7, 5, 3)))
    with pytest.raises(ShapeError, match=r"expected grad_output of shape \(7, 5, 4\), got \(7, 5, 3\)"):
        layer.backward(np.zeros((7, 5, 3)))
    with pytest.raises(ShapeError, match=r"expected grad_hx of shape \(1, 5, 4\)"):
        layer.backward(np.zeros((7, 5, 4)), (np.zeros((1, 5, 4)), np.zeros((2, 5, 4))))


def test_truncate_argument():
    layer = snn.GRU(3, 4)
    layer.forward(np.zeros((7, 5, 3)))
    for bad in (0, -2, 1.5, True):
        with pytest.raises(ValueError, match="truncate must be a positive int"):
            layer.backward(np.zeros((7, 5, 4)), truncate=bad)
    bi = snn.GRU(3, 4, bidirectional=True)
    bi.forward(np.zeros((7, 5, 3)))
    with pytest.raises(ValueError, match="only defined for unidirectional"):
        bi.backward(np.zeros((7, 5, 8)), truncate=2)


def test_load_state_dict_names_the_problem():
    layer = snn.GRU(3, 4)
    state = layer.state_dict()
    state.pop("bias_hh_l0")
    state["weight_ih_l0"] = np.zeros((12, 2))
    state["weight_xx"] = np.zeros(1)
    with pytest.raises(ValueError, match=r"missing keys \['bias_hh_l0'\].*unexpected keys "
                                         r"\['weight_xx'\].*weight_ih_l0: expected \(12, 3\), got \(12, 2\)"):
        layer.load_state_dict(state)


def test_model_and_loss_shapes():
    model = LSTMModel(1, 4, 1)
    with pytest.raises(ShapeError, match=r"expected input of shape \(batch, time, 1\), got \(50, 1\)"):
        model.forward(np.zeros((50, 1)))
    with pytest.raises(ShapeError, match=r"MSELoss: expected target of shape \(8, 1\).*got \(8,\)"):
        MSELoss().forward(np.zeros((8, 1)), np.zeros(8))
    with pytest.raises(ValueError, match="batch_first=False is not supported"):
        LSTMModel(1, 4, 1, batch_first=False)
