"""The slides' models: scratch vs the torch reference twins, and weight conversion."""
import numpy as np
import pytest
import torch
from twins import randomize, relative_error

import reference
from scratchrnn.losses import MSELoss
from scratchrnn.models import GRUModel, LSTMModel, VanillaRNN

pytestmark = pytest.mark.usefixtures("each_engine")  # plain and fast alike

MODELS = [VanillaRNN, LSTMModel, GRUModel]
OPTIONS = [dict(), dict(num_layers=2), dict(bidirectional=True), dict(bias=False)]


def compare(model, rng, B=5, T=9):
    tmodel = reference.to_torch(model)
    x = rng.normal(size=(B, T, model.input_size))
    y = model.forward(x)
    g = rng.normal(size=y.shape)
    dx = model.backward(g)
    xt = torch.tensor(x, requires_grad=True)
    yt = tmodel(xt)
    (yt * torch.from_numpy(g)).sum().backward()
    errors = {"output": relative_error(y, yt.detach().numpy()),
              "input.grad": relative_error(dx, xt.grad.numpy())}
    errors.update({n: relative_error(model.grads[n], p.grad.numpy())
                   for n, p in tmodel.named_parameters()})
    return errors


@pytest.mark.parametrize("cls", MODELS)
@pytest.mark.parametrize("options", OPTIONS)
def test_model_matches_reference_twin(cls, options):
    rng = np.random.default_rng(0)
    model = cls(2, 6, 3, dtype="float64", seed=0, **options)
    randomize(model, rng)
    errors = compare(model, rng)
    assert max(errors.values()) < 1e-9, errors


def test_lstm_model_with_projection():
    rng = np.random.default_rng(1)
    model = LSTMModel(1, 8, 1, proj_size=3, num_layers=2, dtype="float64", seed=0)
    errors = compare(model, rng)
    assert max(errors.values()) < 1e-9, errors


@pytest.mark.parametrize("cls", MODELS)
def test_conversion_round_trip_is_exact(cls):
    model = cls(1, 16, 1, num_layers=2, dtype="float64", seed=5)
    tmodel = reference.to_torch(model)
    back = reference.from_torch(tmodel)
    assert type(back) is cls and back.dtype == np.float64
    for k, v in model.params.items():
        np.testing.assert_array_equal(tmodel.state_dict()[k].numpy(), v)
        np.testing.assert_array_equal(back.params[k], v)


def test_from_torch_keeps_float32_and_layers_convert_too():
    t = torch.nn.GRU(3, 4, num_layers=2, batch_first=True)
    ours = reference.from_torch(t)
    assert ours.dtype == np.float32 and ours.batch_first and ours.num_layers == 2
    x = np.random.default_rng(0).normal(size=(2, 5, 3)).astype(np.float32)
    np.testing.assert_allclose(ours.forward(x)[0], t(torch.from_numpy(x))[0].detach().numpy(),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", MODELS)
def test_sgd_iterations_stay_identical(cls):
    """Several forward/backward/update rounds (SGD by hand), compared after each."""
    rng = np.random.default_rng(2)
    model = cls(1, 8, 1, dtype="float64", seed=1)
    tmodel = reference.to_torch(model)
    loss_fn, tloss_fn = MSELoss(), torch.nn.MSELoss()
    lr = 0.05
    for step in range(8):
        x, y = rng.normal(size=(16, 12, 1)), rng.normal(size=(16, 1))
        model.zero_grad()
        loss = loss_fn.forward(model.forward(x), y)
        model.backward(loss_fn.backward())
        for k, p in model.params.items():
            p -= lr * model.grads[k]
        tmodel.zero_grad()
        tloss = tloss_fn(tmodel(torch.from_numpy(x)), torch.from_numpy(y))
        tloss.backward()
        with torch.no_grad():
            for p in tmodel.parameters():
                p -= lr * p.grad
        assert abs(loss - tloss.item()) <= 1e-12 * abs(tloss.item()), step
        for k, v in tmodel.state_dict().items():
            assert relative_error(model.params[k], v.numpy()) < 1e-10, (step, k)
