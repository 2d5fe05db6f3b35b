"""The pipeline's arrays as torch tensors, for the torch reference models (the slides' step
"Convert the signal with any formats to Pytorch tensors").

    ds = SignalPipeline(window=50).fit_transform(load_dataset('ecg'))
    t = to_tensors(ds)            # {'X_train': tensor (B, 50, 1), 'y_train': (B, 1), ...}
    loss = nn.MSELoss()(model(t['X_train']), t['y_train'])     # (B, 1) vs (B, 1): no broadcast

The slides use `torch.from_numpy(X).float()`; this is the same conversion, one call per part.
"""
from __future__ import annotations

import torch

from scratchrnn.backend import to_numpy


def to_tensor(array, dtype=torch.float32, device=None) -> torch.Tensor:
    """A new tensor of `dtype` on `device` holding a copy of a NumPy / CuPy array."""
    return torch.tensor(to_numpy(array), dtype=dtype, device=device)


def to_tensors(dataset, dtype=torch.float32, device=None) -> dict[str, torch.Tensor]:
    """{'X_train', 'y_train', 'X_val', 'y_val', 'X_test', 'y_test'} as tensors.

    dataset: a scratchrnn.data.Dataset, or any mapping of names to arrays.
    Shapes are kept: X (B, T, F), y (B, F) or (B, horizon, F).
    """
    parts = dataset.parts() if hasattr(dataset, "parts") else dict(dataset)
    return {name: to_tensor(a, dtype, device) for name, a in parts.items()}
