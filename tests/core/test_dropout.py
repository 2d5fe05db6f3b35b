"""Dropout between layers: torch's semantics (inverted dropout, training only)."""
import numpy as np
import pytest
import torch
from twins import assert_pairs_close, layer_twin_run, randomize, relative_error

import scratchrnn.nn as snn

pytestmark = pytest.mark.usefixtures("each_engine")  # plain and fast alike


def torch_stack_with_masks(layer, x, masks, grads_out):
    """torch, one single-layer module per layer, with OUR masks applied between layers."""
    D = layer.num_directions
    inp = torch.tensor(x, requires_grad=True)
    h, params = inp, []
    for l in range(layer.num_layers):
        in_size = layer.input_size if l == 0 else D * layer.out_size
        single = getattr(torch.nn, layer.mode)(in_size, layer.hidden_size, bidirectional=D == 2,
                                               dtype=torch.float64)
        single.load_state_dict({k.replace(f"_l{l}", "_l0"): torch.from_numpy(v.copy())
                                for k, v in layer.params.items() if f"_l{l}" in k})
        params.append((l, single))
        h, _ = single(h)
        if masks[l] is not None:
            h = h * torch.from_numpy(masks[l])
    (h * torch.from_numpy(grads_out)).sum().backward()
    grads = {n.replace("_l0", f"_l{l}"): p.grad.numpy() for l, s in params
             for n, p in s.named_parameters()}
    return h.detach().numpy(), inp.grad.numpy(), grads


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_training_dropout_applies_masks_between_layers_like_torch(mode, bidirectional):
    rng = np.random.default_rng(0)
    layer = getattr(snn, mode)(2, 5, num_layers=3, dropout=0.4, bidirectional=bidirectional,
                               dtype="float64", seed=1)
    randomize(layer, rng)
    x = rng.normal(size=(6, 4, 2))
    out, _ = layer.forward(x)
    masks = layer._cache.masks
    assert masks[-1] is None and all(m is not None for m in masks[:-1])
    grads_out = rng.normal(size=out.shape)
    dx, _ = layer.backward(grads_out)
    t_out, t_dx, t_grads = torch_stack_with_masks(layer, x, masks, grads_out)
    assert relative_error(out, t_out) < 1e-9
    assert relative_error(dx, t_dx) < 1e-9
    for name, g in t_grads.items():
        assert relative_error(layer.grads[name], g) < 1e-9, name


@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_mask_statistics(p):
    layer = snn.GRU(1, 50, num_layers=2, dropout=p, seed=0)
    layer.forward(np.zeros((40, 30, 1)))
    mask = layer._cache.masks[0]
    n = mask.size
    dropped = np.mean(mask == 0)
    assert abs(dropped - p) < 5 * np.sqrt(p * (1 - p) / n)          # 5 sigma
    np.testing.assert_allclose(np.unique(mask[mask != 0]), 1 / (1 - p), rtol=1e-6)


def test_dropout_one_zeroes_everything_and_eval_turns_it_off():
    rng = np.random.default_rng(1)
    layer = snn.LSTM(2, 4, num_layers=2, dropout=1.0, dtype="float64", seed=0)
    randomize(layer, rng)
    out, _ = layer.forward(rng.normal(size=(5, 3, 2)))
    assert np.all(layer._cache.masks[0] == 0)
    layer.eval()
    x = rng.normal(size=(5, 3, 2))
    assert_pairs_close(layer_twin_run(layer, x, None, rng), 1e-9, "eval with dropout=1")


def test_train_and_eval_switch_recursively():
    from scratchrnn.models import GRUModel
    m = GRUModel(1, 4, 1, num_layers=2, dropout=0.5)
    m.eval()
    assert not m.training and not m.layer.training and not m.fc.training
    m.train()
    assert m.layer.training
