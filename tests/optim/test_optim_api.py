"""Optimizer API: bad arguments, in-place updates, zero_grad, state_dict round trips, schedulers."""
import copy
import pickle
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from optim.optim_twins import MLP, random_batch

from scratchrnn import optim
from scratchrnn.losses import MSELoss
from scratchrnn.models import LSTMModel

# -- bad arguments ----------------------------------------------------------------------
# (optimizer, kwargs, words the message must contain, does torch refuse it too?)
BAD = [
    ("SGD", dict(lr=-0.1), "lr", True),
    ("SGD", dict(lr=float("nan")), "lr", False),
    ("SGD", dict(lr=0.1, momentum=-0.9), "momentum", True),
    ("SGD", dict(lr=0.1, weight_decay=-1e-4), "weight_decay", True),
    ("SGD", dict(lr=0.1, nesterov=True), "nesterov", True),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "dampening", True),
    ("SGD", dict(lr="0.1"), "lr", None),
    ("Adam", dict(lr=-1e-3), "lr", True),
    ("Adam", dict(betas=(1.0, 0.999)), "beta1", True),
    ("Adam", dict(betas=(-0.1, 0.999)), "beta1", True),
    ("Adam", dict(betas=(0.9, 1.0)), "beta2", True),
    ("Adam", dict(betas=(0.9, 1.5)), "beta2", True),
    ("Adam", dict(betas=(0.9,)), "betas", None),
    ("Adam", dict(eps=0.0), "eps", False),          # torch allows eps = 0; the issue does not
    ("Adam", dict(eps=-1e-8), "eps", True),
    ("Adam", dict(weight_decay=-0.1), "weight_decay", True),
    ("AdamW", dict(lr=-1.0), "lr", True),
    ("AdamW", dict(betas=(0.9, 1.0)), "beta2", True),
    ("AdamW", dict(eps=0.0), "eps", False),
    ("AdamW", dict(weight_decay=-0.01), "weight_decay", True),
]


@pytest.mark.parametrize("name, kwargs, word, torch_refuses", BAD,
                         ids=[f"{n}-{kw}" for n, kw, _, _ in BAD])
def test_bad_arguments_raise_value_error(name, kwargs, word, torch_refuses):
    with pytest.raises(ValueError, match=word):
        getattr(optim, name)(MLP(), **kwargs)
    if torch_refuses is not None:  # record what torch does with the same arguments
        params = [torch.zeros(2, requires_grad=True)]
        topt = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW}
        if torch_refuses:
            with pytest.raises(ValueError):
                topt[name](params, **kwargs)
        else:
            topt[name](params, **kwargs)


def test_error_message_says_expected_and_got():
    with pytest.raises(ValueError, match=r"expected 0.0 <= lr, got -0.5"):
        optim.SGD(MLP(), lr=-0.5)
    with pytest.raises(ValueError, match=r"expected 0.0 <= beta2 < 1.0, got 1.0"):
        optim.Adam(MLP(), betas=(0.9, 1.0))


def test_not_a_module_raises_type_error():
    with pytest.raises(TypeError, match="params"):
        optim.Adam([np.zeros(3)])


def test_mismatched_params_and_grads_raise():
    bad = SimpleNamespace(params={"a": np.zeros(3)}, grads={"a": np.zeros(4)})
    with pytest.raises(ValueError, match="expected shape"):
        optim.SGD(bad, lr=0.1)


def test_defaults_are_torchs():
    opt = optim.Adam(MLP())
    assert (opt.lr, opt.betas, opt.eps, opt.weight_decay, opt.amsgrad) == \
        (1e-3, (0.9, 0.999), 1e-8, 0.0, False)
    opt = optim.AdamW(MLP())
    assert (opt.lr, opt.betas, opt.eps, opt.weight_decay, opt.amsgrad) == \
        (1e-3, (0.9, 0.999), 1e-8, 1e-2, False)
    opt = optim.SGD(MLP(), lr=0.1)
    assert (opt.momentum, opt.dampening, opt.weight_decay, opt.nesterov) == (0, 0, 0, False)


# -- in place, zero_grad ----------------------------------------------------------------
def one_backward(model, rng):
    x, y = random_batch(model, rng)
    loss = MSELoss()
    loss(model.forward(x), y)
    model.backward(loss.backward())


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW"])
def test_step_updates_the_same_arrays_in_place(name):
    model = LSTMModel(2, 3, 1, dtype="float64", seed=0)
    ids = {k: id(v) for k, v in model.params.items()}
    before = model.state_dict()
    opt = getattr(optim, name)(model, lr=0.1)
    one_backward(model, np.random.default_rng(0))
    opt.step()
    assert {k: id(v) for k, v in model.params.items()} == ids
    assert all(not np.array_equal(before[k], v) for k, v in model.params.items())


def test_zero_grad_zeroes_in_place():
    model = MLP()
    one_backward(model, np.random.default_rng(0))
    grads = model.grads
    assert any(np.abs(g).max() > 0 for g in grads.values())
    optim.Adam(model).zero_grad()
    assert all(model.grads[k] is g and not g.any() for k, g in grads.items())


def test_step_does_not_touch_the_gradients():
    """Weight decay makes a new gradient array; the module's grads stay what backward left."""
    model = MLP()
    one_backward(model, np.random.default_rng(0))
    before = {k: g.copy() for k, g in model.grads.items()}
    opt = optim.SGD(model, lr=0.1, momentum=0.9, weight_decay=0.1)
    opt.step()
    opt.step()
    assert all(np.array_equal(before[k], g) for k, g in model.grads.items())


# -- state_dict: resume gives the same trajectory ---------------------------------------
RESUME = [("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
          ("Adam", dict(lr=0.01, amsgrad=True)),
          ("AdamW", dict(lr=0.01, weight_decay=0.1))]


def train(model, opt, rng, steps):
    for _ in range(steps):
        opt.zero_grad()
        one_backward(model, rng)
        opt.step()


@pytest.mark.parametrize("name, kwargs", RESUME, ids=[n for n, _ in RESUME])
def test_resume_from_state_dict_gives_the_same_trajectory(name, kwargs):
    cls = getattr(optim, name)
    model = LSTMModel(2, 4, 1, dtype="float64", seed=3)
    opt = cls(model, **kwargs)
    rng = np.random.default_rng(0)
    train(model, opt, rng, 6)
    checkpoint = pickle.loads(pickle.dumps((model.state_dict(), opt.state_dict(),
                                            rng.bit_generator.state)))
    train(model, opt, rng, 6)                          # uninterrupted: 12 steps

    resumed = LSTMModel(2, 4, 1, dtype="float64", seed=99)   # other weights, other optimizer
    resumed.load_state_dict(checkpoint[0])
    ropt = cls(resumed, lr=123.0)
    ropt.load_state_dict(checkpoint[1])
    assert ropt.lr == kwargs["lr"]                     # hyper-parameters come back too
    rrng = np.random.default_rng()
    rrng.bit_generator.state = checkpoint[2]
    train(resumed, ropt, rrng, 6)
    for k, v in model.params.items():
        np.testing.assert_array_equal(resumed.params[k], v, err_msg=k)


def test_fresh_optimizer_without_state_gives_a_different_trajectory():
    """Why the state must be saved: dropping it changes the result (the test above can fail)."""
    model = MLP(seed=1)
    opt = optim.Adam(model, lr=0.05)
    rng = np.random.default_rng(0)
    train(model, opt, rng, 4)
    saved_model, saved_rng = model.state_dict(), copy.deepcopy(rng)
    train(model, opt, rng, 3)
    other = MLP(seed=1)
    other.load_state_dict(saved_model)
    train(other, optim.Adam(other, lr=0.05), saved_rng, 3)
    assert not np.allclose(other.params["l1.weight"], model.params["l1.weight"], rtol=1e-6)


def test_state_dict_is_a_copy():
    model = MLP()
    opt = optim.Adam(model)
    train(model, opt, np.random.default_rng(0), 2)
    sd = opt.state_dict()
    saved = sd["state"]["l1.weight"]["exp_avg"].copy()
    train(model, opt, np.random.default_rng(1), 2)
    np.testing.assert_array_equal(sd["state"]["l1.weight"]["exp_avg"], saved)
    assert sd["state"]["l1.weight"]["step"] == 2


def test_load_state_dict_copies_the_arrays():
    """Two optimizers loaded from one state_dict must not share (and move) their moments."""
    opt = optim.Adam(MLP())
    train(opt.module, opt, np.random.default_rng(0), 1)
    sd = opt.state_dict()
    saved = sd["state"]["l1.weight"]["exp_avg"].copy()
    loaded = optim.Adam(MLP())
    loaded.load_state_dict(sd)
    train(loaded.module, loaded, np.random.default_rng(1), 1)
    np.testing.assert_array_equal(sd["state"]["l1.weight"]["exp_avg"], saved)


def test_load_state_dict_refuses_mismatches():
    opt = optim.Adam(MLP())
    train(opt.module, opt, np.random.default_rng(0), 1)
    with pytest.raises(ValueError, match="state_dict of SGD"):
        optim.SGD(MLP(), lr=0.1).load_state_dict(opt.state_dict())
    with pytest.raises(ValueError, match="parameter names"):
        optim.Adam(MLP((4, 6, 3))).load_state_dict({**opt.state_dict(), "state": {}})
    with pytest.raises(ValueError, match="expected shape"):
        optim.Adam(MLP((4, 5, 2))).load_state_dict(opt.state_dict())
    sd = opt.state_dict()
    sd["hyperparameters"]["lr"] = -1.0
    with pytest.raises(ValueError, match="lr"):
        optim.Adam(MLP()).load_state_dict(sd)


# -- hypothesis: a few steps on one tensor, any valid hyper-parameters ------------------
def step_both(module, opt, t, topt, rng, steps=4):
    """Same random gradients to both optimizers; parameters compared after every step."""
    for _ in range(steps):
        g = rng.normal(size=t.shape)
        module.grads["p"][...] = g
        t.grad = torch.from_numpy(g.copy())
        opt.step()
        topt.step()
        np.testing.assert_allclose(module.params["p"], t.detach().numpy(), rtol=1e-12,
                                   atol=1e-14)


@given(lr=st.floats(0.0, 1.0), b1=st.floats(0.0, 0.99), b2=st.floats(0.0, 0.999),
       eps=st.floats(1e-10, 1e-1), wd=st.floats(0.0, 0.5), amsgrad=st.booleans(),
       decoupled=st.booleans(), seed=st.integers(0, 2**31))
def test_adam_steps_match_torch_for_any_hyperparameters(lr, b1, b2, eps, wd, amsgrad,
                                                        decoupled, seed):
    rng = np.random.default_rng(seed)
    p0 = rng.normal(size=(3, 4))
    module = SimpleNamespace(params={"p": p0.copy()}, grads={"p": np.zeros_like(p0)})
    t = torch.tensor(p0, requires_grad=True)
    kw = dict(lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd, amsgrad=amsgrad)
    opt = (optim.AdamW if decoupled else optim.Adam)(module, **kw)
    topt = (torch.optim.AdamW if decoupled else torch.optim.Adam)([t], foreach=False, **kw)
    step_both(module, opt, t, topt, rng)


@given(lr=st.floats(0.0, 1.0), momentum=st.floats(0.0, 0.99), dampening=st.floats(0.0, 1.0),
       wd=st.floats(0.0, 0.5), nesterov=st.booleans(), seed=st.integers(0, 2**31))
def test_sgd_steps_match_torch_for_any_hyperparameters(lr, momentum, dampening, wd, nesterov,
                                                       seed):
    if nesterov:
        momentum, dampening = max(momentum, 0.1), 0.0
    rng = np.random.default_rng(seed)
    p0 = rng.normal(size=(5,))
    module = SimpleNamespace(params={"p": p0.copy()}, grads={"p": np.zeros_like(p0)})
    t = torch.tensor(p0, requires_grad=True)
    kw = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=wd, nesterov=nesterov)
    opt, topt = optim.SGD(module, **kw), torch.optim.SGD([t], foreach=False, **kw)
    step_both(module, opt, t, topt, rng)


# -- schedulers -------------------------------------------------------------------------
def torch_sgd(lr):
    return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)


@pytest.mark.parametrize("step_size, gamma", [(1, 0.5), (3, 0.1), (7, 0.9)])
def test_steplr_matches_torch(step_size, gamma):
    opt, topt = optim.SGD(MLP(), lr=0.3), torch_sgd(0.3)
    sched = optim.StepLR(opt, step_size, gamma)
    tsched = torch.optim.lr_scheduler.StepLR(topt, step_size, gamma)
    for _ in range(20):
        assert sched.get_last_lr() == tsched.get_last_lr()
        topt.step()  # torch warns unless the optimizer steps first
        sched.step()
        tsched.step()
    assert opt.lr == topt.param_groups[0]["lr"]


PLATEAU = [dict(), dict(mode="max", patience=2), dict(patience=1, cooldown=2, factor=0.5),
           dict(threshold_mode="abs", threshold=0.05, patience=0, min_lr=0.01),
           dict(mode="max", threshold_mode="abs", threshold=0.1, patience=1, eps=0.05)]


@pytest.mark.parametrize("kwargs", PLATEAU, ids=str)
def test_reduce_lr_on_plateau_matches_torch(kwargs):
    rng = np.random.default_rng(0)
    metrics = np.concatenate([np.linspace(1, 0.5, 5), 0.5 + 0.02 * rng.normal(size=40),
                              np.linspace(0.5, 0.9, 10)])
    opt, topt = optim.Adam(MLP(), lr=0.1), torch_sgd(0.1)
    sched = optim.ReduceLROnPlateau(opt, **kwargs)
    tsched = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **kwargs)
    lrs, tlrs = [], []
    for m in metrics:
        sched.step(m)
        tsched.step(float(m))
        lrs.append(opt.lr)
        tlrs.append(topt.param_groups[0]["lr"])
    assert lrs == tlrs
    assert len(set(lrs)) > 1, "the schedule never changed the lr: the test proves nothing"


def test_scheduler_state_dict_round_trip():
    opt = optim.SGD(MLP(), lr=1.0)
    sched = optim.ReduceLROnPlateau(opt, patience=1)
    for m in [1.0, 1.0, 1.0, 0.5]:
        sched.step(m)
    sd = pickle.loads(pickle.dumps(sched.state_dict()))
    other = optim.ReduceLROnPlateau(optim.SGD(MLP(), lr=1.0), patience=5)
    other.load_state_dict(sd)
    assert (other.best, other.num_bad_epochs, other.patience) == (0.5, 0, 1)


@pytest.mark.parametrize("cls, kwargs, word", [
    (optim.StepLR, dict(step_size=0), "step_size"),
    (optim.StepLR, dict(step_size=2.5), "step_size"),
    (optim.ReduceLROnPlateau, dict(factor=1.0), "factor"),
    (optim.ReduceLROnPlateau, dict(mode="best"), "mode"),
    (optim.ReduceLROnPlateau, dict(threshold_mode="pct"), "threshold_mode"),
    (optim.ReduceLROnPlateau, dict(patience=-1), "patience"),
])
def test_scheduler_bad_arguments(cls, kwargs, word):
    with pytest.raises(ValueError, match=word):
        cls(optim.SGD(MLP(), lr=0.1), **kwargs)
    with pytest.raises(TypeError, match="optimizer"):
        cls(torch_sgd(0.1), **{"step_size": 1} if cls is optim.StepLR else {})
