"""On a real GPU (skipped elsewhere): both engines on CuPy against torch on CUDA.

Run by scripts/gpu_check.sh where a GPU, CuPy and a CUDA build of torch are present. The
CPU stand-in (test_cupy_standin.py) checks the same code paths' namespace on every run.
"""
import sys

import numpy as np
import pytest
import torch
from twins import assert_pairs_close, layer_twin_run, randomize

import scratchrnn.nn as snn


def _gpu_problem():
    if "cupy" in sys.modules and getattr(sys.modules["cupy"], "TRANSFERS", None) is not None:
        return "the CPU stand-in is installed"
    try:
        import cupy  # noqa: PLC0415
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return "CuPy sees no GPU"
    except Exception as exc:  # noqa: BLE001 - ImportError, or CUDA missing at runtime
        return f"no usable CuPy ({type(exc).__name__})"
    if not torch.cuda.is_available():
        return "torch has no CUDA"
    return None


pytestmark = pytest.mark.skipif(_gpu_problem() is not None, reason=str(_gpu_problem()))

CASES = [("RNN", dict(nonlinearity="relu", num_layers=2)),
         ("LSTM", dict(num_layers=2, bidirectional=True, proj_size=3)),
         ("LSTM", dict(batch_first=True)),
         ("GRU", dict(num_layers=2, bidirectional=True, dropout=0.0))]


@pytest.mark.parametrize("engine", ["plain", "fast"])
@pytest.mark.parametrize("mode, kw", CASES)
@pytest.mark.parametrize("dtype, tol", [("float64", 1e-9), ("float32", 1e-4)])
def test_cupy_layers_match_torch_cuda(engine, mode, kw, dtype, tol):
    rng = np.random.default_rng(0)
    layer = getattr(snn, mode)(3, 5, dtype=dtype, seed=0, engine=engine, backend="cupy", **kw)
    randomize(layer, rng)
    shape = (6, 20, 3) if not kw.get("batch_first") else (20, 6, 3)
    x = rng.normal(size=shape).astype(dtype)
    pairs = layer_twin_run(layer, x, None, rng, device="cuda")
    assert_pairs_close(pairs, tol, (engine, mode, kw, dtype))
