"""On a real GPU (skipped elsewhere): both engines on CuPy against torch on CUDA.

Run by scripts/gpu_check.sh where a GPU, CuPy and a CUDA build of torch are present. The
CPU stand-in (test_cupy_standin.py) checks the same code paths' namespace on every run.
"""
import sys

import numpy as np
import pytest
from benchmarks.cases import gpu_problem
from twins import assert_pairs_close, layer_twin_run, randomize

import scratchrnn.nn as snn


def _gpu_problem():
    if getattr(sys.modules.get("cupy"), "TRANSFERS", None) is not None:
        return "the CPU stand-in is installed"
    return gpu_problem()  # CuPy with a GPU, and torch with CUDA


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
