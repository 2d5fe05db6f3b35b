"""25-step trajectories, scratch vs torch, for every optimizer option, with clipping mixed in.

Each step: same random batch -> MSE -> backward -> clip (by 2-norm, inf-norm, value, or not
at all, in turn) -> step. Parameters must agree with torch's to relative 1e-8 (float64)
after every step.
"""
import numpy as np
import pytest
from optim.optim_twins import MLP, train_twins

from scratchrnn.models import GRUModel, LSTMModel, VanillaRNN

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.5)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True)),
    ("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.05)),
    ("SGD", dict(lr=0.1, weight_decay=0.1)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.95))),
    ("Adam", dict(lr=0.01, betas=(0.3, 0.6))),        # 1 - beta1 >= 0.5: torch's other lerp branch
    ("Adam", dict(lr=0.01, eps=1e-3)),
    ("Adam", dict(lr=0.01, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.2, amsgrad=True)),
    ("AdamW", dict(lr=0.02, betas=(0.5, 0.9), eps=1e-6, weight_decay=0.0)),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for name, kw in CONFIGS]
MODELS = [VanillaRNN, LSTMModel, GRUModel]


@pytest.mark.parametrize("opt_name, kwargs", CONFIGS, ids=IDS)
def test_mlp_trajectory_matches_torch(opt_name, kwargs):
    result = train_twins(MLP(seed=3), opt_name, kwargs)
    assert result["clipped"] >= 5, "the clipping plan never bit: the test would prove nothing"


@pytest.mark.parametrize("model_cls", MODELS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("opt_name, kwargs", CONFIGS, ids=IDS)
def test_recurrent_model_trajectory_matches_torch(model_cls, opt_name, kwargs):
    model = model_cls(3, 6, 2, dtype="float64", seed=11)
    result = train_twins(model, opt_name, kwargs, steps=25)
    assert result["clipped"] >= 5, "the clipping plan never bit: the test would prove nothing"


@pytest.mark.parametrize("model_cls, layer_kwargs", [
    (LSTMModel, dict(num_layers=2, proj_size=3)),
    (GRUModel, dict(bidirectional=True)),
    (VanillaRNN, dict(nonlinearity="relu", num_layers=2)),
], ids=["lstm-2layers-proj", "gru-bidirectional", "rnn-relu-2layers"])
@pytest.mark.parametrize("opt_name, kwargs", [
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
], ids=["adam", "sgd"])
def test_larger_models_trajectory_matches_torch(model_cls, layer_kwargs, opt_name, kwargs):
    model = model_cls(3, 5, 2, dtype="float64", seed=5, **layer_kwargs)
    train_twins(model, opt_name, kwargs, steps=20)


@pytest.mark.parametrize("init", ["xavier_uniform", "orthogonal"])
def test_trajectory_from_non_default_init(init):
    train_twins(LSTMModel(3, 6, 2, dtype="float64", seed=2, init=init), "Adam", dict(lr=0.01))


@pytest.mark.parametrize("opt_name, kwargs", [("Adam", dict(lr=0.01)),
                                              ("SGD", dict(lr=0.1, momentum=0.9))])
def test_trajectory_matches_torch_with_its_default_code_path(opt_name, kwargs):
    """What users (and the acceptance suite) run: torch's optimizer with default arguments."""
    train_twins(GRUModel(3, 6, 2, dtype="float64", seed=8), opt_name, kwargs, foreach=None)


def test_no_clipping_trajectory_matches_torch():
    train_twins(GRUModel(3, 6, 2, dtype="float64", seed=4), "AdamW", dict(lr=0.01),
                clip_plan=None)


def test_steplr_trajectory_matches_torch():
    """StepLR changes lr mid-trajectory; Adam's bias correction must not be disturbed."""
    train_twins(MLP(seed=1), "Adam", dict(lr=0.05), scheduler=dict(step_size=4, gamma=0.5))
    train_twins(MLP(seed=1), "SGD", dict(lr=0.1, momentum=0.9),
                scheduler=dict(step_size=3, gamma=0.3))


def test_float32_trajectory_matches_torch_loosely():
    """float32 follows the same arithmetic; agreement is limited by float32 rounding."""
    result = train_twins(VanillaRNN(3, 6, 2, dtype="float32", seed=7), "Adam",
                         dict(lr=0.01), steps=10, rtol=1e-4)
    assert result["model"].params["rnn.weight_ih_l0"].dtype == np.float32


def test_trajectory_test_can_fail(monkeypatch):
    """A slightly wrong update (Adam that forgets eps) is caught by the comparison."""
    import scratchrnn.optim as optim

    class AdamWithoutEps(optim.Adam):
        def _update(self, param, grad, state):
            eps, self.eps = self.eps, 0.0
            try:
                super()._update(param, grad, state)
            finally:
                self.eps = eps

    monkeypatch.setattr(optim, "Adam", AdamWithoutEps)  # train_twins looks it up by name
    with pytest.raises(AssertionError, match="differs from torch"):
        train_twins(MLP(seed=3), "Adam", dict(lr=0.01, eps=1e-3))
