"""CrossEntropyLoss against torch.nn.CrossEntropyLoss (float64), and its errors."""
import numpy as np
import pytest
import torch

from scratchrnn.errors import ShapeError
from scratchrnn.train import CrossEntropyLoss, make_loss


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("B,C", [(1, 2), (7, 2), (16, 5)])
def test_cross_entropy_matches_torch(B, C, weighted):
    rng = np.random.default_rng(B * 10 + C)
    logits = rng.normal(scale=3.0, size=(B, C))
    target = rng.integers(0, C, size=B)
    weight = rng.uniform(0.2, 3.0, size=C) if weighted else None
    ours = CrossEntropyLoss(weight=weight)
    loss = ours.forward(logits, target)
    grad = ours.backward()
    t_logits = torch.tensor(logits, requires_grad=True)
    t_loss = torch.nn.CrossEntropyLoss(
        weight=None if weight is None else torch.tensor(weight))(t_logits, torch.tensor(target))
    t_loss.backward()
    assert loss == pytest.approx(t_loss.item(), rel=1e-12)
    np.testing.assert_allclose(grad, t_logits.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_cross_entropy_is_stable_for_huge_logits():
    loss = CrossEntropyLoss()
    value = loss.forward(np.array([[1e4, -1e4], [-1e4, 1e4]]), np.array([0, 0]))
    assert np.isfinite(value) and value == pytest.approx(1e4)
    assert np.all(np.isfinite(loss.backward()))


def test_cross_entropy_errors():
    loss = CrossEntropyLoss()
    with pytest.raises(ShapeError, match="expected logits of shape"):
        loss.forward(np.zeros(3), np.zeros(3))
    with pytest.raises(ShapeError, match="expected 2 targets"):
        loss.forward(np.zeros((2, 3)), np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match=r"class indices in \[0, 3\)"):
        loss.forward(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(RuntimeError, match="before forward"):
        CrossEntropyLoss().backward()
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        make_loss("hinge")
