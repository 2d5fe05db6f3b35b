"""A model's parameters in one buffer (engine/flat.py): the optimizers update them all in
one call per equation, and every number comes out as the one-parameter-at-a-time update's.

The reference is a twin of the model (same seed) seen through `Apart`, which shows the
optimizer its arrays but not their buffer, so that optimizer takes the per-parameter path.
Each test checks which path each side took, so it cannot pass with the flat path off.
"""
import pickle

import numpy as np
import pytest

from scratchrnn import optim
from scratchrnn.losses import MSELoss
from scratchrnn.models import MODELS

OPTIMIZERS = [("SGD", dict(lr=0.1)),
              ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
              ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.5)),
              ("Adam", dict(lr=0.01)),
              ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
              ("AdamW", dict(lr=0.01, weight_decay=0.1))]


class Apart:
    """`model`'s params and grads dicts without its flat storage (a per-parameter update)."""

    def __init__(self, model):
        self.model = model

    params = property(lambda self: self.model.params)
    grads = property(lambda self: self.model.grads)


def twins(model_name, **kwargs):
    """A model and its twin (same weights) whose optimizer sees no flat storage."""
    return MODELS[model_name](**kwargs), MODELS[model_name](**kwargs)


def batch(model, rng, B=5, T=4):
    return rng.standard_normal((B, T, model.input_size)), rng.standard_normal((B, 1))


def train(model, opt, rng, steps):
    loss = MSELoss()
    for _ in range(steps):
        x, y = batch(model, rng)
        opt.zero_grad()
        loss.forward(model.forward(x), y)
        model.backward(loss.backward())
        opt.step()


def assert_same_state(opt, other):
    a, b = opt.state_dict()["state"], other.state_dict()["state"]
    assert a.keys() == b.keys()
    for name in a:
        assert a[name].keys() == b[name].keys(), name
        for key, value in a[name].items():
            np.testing.assert_array_equal(value, b[name][key], err_msg=f"{name} {key}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("model_name", sorted(MODELS))
@pytest.mark.parametrize("name, kwargs", OPTIMIZERS,
                         ids=[f"{n}-{'-'.join(kw)}" for n, kw in OPTIMIZERS])
def test_the_flat_update_is_the_per_parameter_update_to_the_bit(name, kwargs, model_name,
                                                                dtype):
    model, other = twins(model_name, input_size=2, hidden_size=3, output_size=1,
                         num_layers=2, dtype=dtype, seed=0)
    opt = getattr(optim, name)(model, **kwargs)
    other_opt = getattr(optim, name)(Apart(other), **kwargs)
    train(model, opt, np.random.default_rng(1), 5)
    train(other, other_opt, np.random.default_rng(1), 5)
    assert opt._flat and other_opt._flat is False           # the paths the test compares
    for k, v in model.params.items():
        np.testing.assert_array_equal(v, other.params[k], err_msg=k)
    assert_same_state(opt, other_opt)


def test_the_arrays_are_views_of_one_buffer_and_keep_their_values():
    model = MODELS["lstm"](2, 3, 1, proj_size=2, dtype="float64", seed=0)
    storage, params = model.flat_storage, model.params
    assert [name for name, *_ in storage.layout] == list(params)
    for name, a, b, shape in storage.layout:
        assert params[name].shape == shape
        assert np.shares_memory(params[name], storage.params[a:b])
        assert np.shares_memory(model.grads[name], storage.grads[a:b])
    unflattened = MODELS["lstm"](2, 3, 1, proj_size=2, dtype="float64", seed=0,
                                 engine="plain")
    for name, value in unflattened.state_dict().items():
        np.testing.assert_array_equal(params[name], value)


def test_a_model_for_the_lessons_engine_keeps_one_array_per_parameter():
    """engine='plain' reads as the slides: its optimizer walks the parameters one by one."""
    import scratchrnn
    model = MODELS["lstm"](2, 3, 1, dtype="float64", seed=0, engine="plain")
    opt = optim.Adam(model)
    train(model, opt, np.random.default_rng(0), 1)
    assert model.flat_storage is None and opt._flat is False
    previous = scratchrnn.get_engine()
    scratchrnn.set_engine("plain")
    try:
        assert MODELS["gru"](2, 3, 1).flat_storage is None
    finally:
        scratchrnn.set_engine(previous)
    assert MODELS["gru"](2, 3, 1, engine="fast").flat_storage is not None


def test_zero_grad_zeroes_every_gradient_through_the_buffer():
    model = MODELS["gru"](2, 3, 1, dtype="float64", seed=0)
    opt = optim.Adam(model)
    train(model, opt, np.random.default_rng(0), 1)
    grads = model.grads
    assert all(g.any() for g in grads.values())
    opt.zero_grad()
    assert all(model.grads[k] is g and not g.any() for k, g in grads.items())
    train(model, opt, np.random.default_rng(0), 1)
    model.zero_grad()
    assert not model.flat_storage.grads.any()


def test_a_loaded_state_is_gathered_into_the_buffer_and_stays_one_per_name():
    model = MODELS["lstm"](2, 3, 1, dtype="float64", seed=0)
    opt = optim.Adam(model, lr=0.01, amsgrad=True)
    train(model, opt, np.random.default_rng(0), 3)
    checkpoint = pickle.loads(pickle.dumps((model.state_dict(), opt.state_dict())))
    other = MODELS["lstm"](2, 3, 1, dtype="float64", seed=5)
    other.load_state_dict(checkpoint[0])
    other_opt = optim.Adam(Apart(other), lr=0.01, amsgrad=True)
    other_opt.load_state_dict(checkpoint[1])
    opt.load_state_dict(checkpoint[1])                      # a new state: gathered anew
    train(model, opt, np.random.default_rng(1), 3)
    train(other, other_opt, np.random.default_rng(1), 3)
    assert opt._flat and other_opt._flat is False
    assert_same_state(opt, other_opt)
    m = opt.state["lstm.weight_hh_l0"]["exp_avg"]           # a view of the flat moment
    assert np.shares_memory(m, opt._flat.flat_state["exp_avg"])


def test_step_counts_that_differ_fall_back_to_one_parameter_at_a_time():
    model = MODELS["rnn"](2, 3, 1, dtype="float64", seed=0)
    opt = optim.Adam(model, lr=0.01)
    train(model, opt, np.random.default_rng(0), 2)
    sd = opt.state_dict()
    sd["state"]["fc.bias"]["step"] = 7
    other = MODELS["rnn"](2, 3, 1, dtype="float64", seed=5)
    other.load_state_dict(model.state_dict())
    opt.load_state_dict(sd)
    other_opt = optim.Adam(Apart(other), lr=0.01)
    other_opt.load_state_dict(sd)
    train(model, opt, np.random.default_rng(1), 2)
    train(other, other_opt, np.random.default_rng(1), 2)
    assert opt._flat is False
    assert opt.state["fc.bias"]["step"] == 9 and opt.state["fc.weight"]["step"] == 4
    for k, v in model.params.items():
        np.testing.assert_array_equal(v, other.params[k], err_msg=k)
