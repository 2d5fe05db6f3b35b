"""Finite differences agree with backward at tiny sizes, and catch a broken backward."""
import numpy as np
import pytest

import scratchrnn.cells.gru as gru_cell
import scratchrnn.engine.kernels.gru as gru_kernel
import scratchrnn.nn as snn
from scratchrnn.gradcheck import gradcheck
from scratchrnn.models import LSTMModel

pytestmark = pytest.mark.usefixtures("each_engine")  # plain and fast alike

CASES = [
    (snn.RNN, dict(nonlinearity="tanh", num_layers=2)),
    (snn.RNN, dict(nonlinearity="relu", bidirectional=True)),
    (snn.LSTM, dict(num_layers=2, bidirectional=True)),
    (snn.LSTM, dict(proj_size=2)),
    (snn.GRU, dict(num_layers=2)),
    (snn.GRU, dict(bias=False, batch_first=True)),
]


@pytest.mark.parametrize("cls, kw", CASES)
def test_layers_pass_gradcheck(cls, kw):
    layer = cls(2, 3, dtype="float64", seed=0, **kw)
    x = np.random.default_rng(0).normal(size=(4, 2, 2))
    report = gradcheck(layer, x, max_entries=12)
    assert report.ok, str(report)


def test_model_passes_gradcheck():
    model = LSTMModel(1, 4, 1, dtype="float64", seed=0)
    x = np.random.default_rng(1).normal(size=(3, 6, 1))
    report = gradcheck(model, x)
    assert report.ok, str(report)
    assert set(report.errors) == set(model.params) | {"input"}


def test_gradcheck_catches_a_broken_backward(monkeypatch):
    """Drop the z*dh term of the lesson's GRU backward: gradcheck must fail."""
    original = gru_cell.backward

    def broken(dstate, cache, p):
        dx, (dh,), grads = original(dstate, cache, p)
        return dx, (dh - dstate[0] * cache.z,), grads      # drops h' = ... + z h's term

    monkeypatch.setattr(gru_cell, "backward", broken)
    layer = snn.GRU(2, 3, dtype="float64", seed=0, engine="plain")
    report = gradcheck(layer, np.random.default_rng(0).normal(size=(4, 2, 2)))
    assert not report.ok
    assert "FAILED" in str(report)


def test_gradcheck_catches_a_broken_fast_kernel(monkeypatch):
    """The same mistake in the fast engine's GRU kernel."""
    original = gru_kernel.bind_backward

    def broken(gates, s, da, dnew, dold, tmp, w):
        step, direct = original(gates, s, da, dnew, dold, tmp, w)

        def broken_step():
            step()
            direct[...] -= dnew[0] * gates[1]                 # gates[1]: z; now 0
        return broken_step, direct

    monkeypatch.setattr(gru_kernel, "bind_backward", broken)
    layer = snn.GRU(2, 3, dtype="float64", seed=0, engine="fast")
    assert not gradcheck(layer, np.random.default_rng(0).normal(size=(4, 2, 2))).ok


def test_gradcheck_needs_float64():
    with pytest.raises(ValueError, match="float64"):
        gradcheck(snn.GRU(2, 3), np.zeros((2, 1, 2)))


def test_gradcheck_restores_training_mode():
    layer = snn.GRU(2, 3, num_layers=2, dropout=0.3, dtype="float64", seed=0)
    gradcheck(layer, np.random.default_rng(0).normal(size=(3, 2, 2)), max_entries=3)
    assert layer.training
