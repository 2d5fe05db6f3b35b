"""reference/data.py: the pipeline's arrays as torch tensors, shapes kept."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from reference.data import to_tensor, to_tensors  # noqa: E402

from scratchrnn.data import SignalPipeline  # noqa: E402


def test_to_tensors_keeps_names_shapes_and_values(ecg):
    ds = SignalPipeline(window=50).fit_transform(ecg)
    tensors = to_tensors(ds)
    assert list(tensors) == ["X_train", "y_train", "X_val", "y_val", "X_test", "y_test"]
    for name, t in tensors.items():
        array = getattr(ds, name)
        assert t.dtype == torch.float32 and tuple(t.shape) == array.shape
        np.testing.assert_allclose(t.numpy(), array, rtol=1e-6, atol=1e-6)
    loss = torch.nn.MSELoss()(tensors["y_train"] * 0, tensors["y_train"])   # (B,1) vs (B,1)
    assert loss.ndim == 0


def test_to_tensor_copies_and_takes_a_dtype():
    a = np.arange(6.0).reshape(2, 3)
    t = to_tensor(a, dtype=torch.float64)
    a[0, 0] = 99.0
    assert t.dtype == torch.float64 and t[0, 0].item() == 0.0
    assert to_tensors({"x": a})["x"].shape == (2, 3)
