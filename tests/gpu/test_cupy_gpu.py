"""On a real GPU (skipped elsewhere): both engines on CuPy against torch on CUDA, and the
fast engine's fused kernels (engine/kernels/fused.py, compiled by cupy.fuse) against the
kernels' NumPy lines.

Run by scripts/gpu_check.sh where a GPU, CuPy and a CUDA build of torch are present. The
CPU stand-in (test_cupy_standin.py) checks the same code paths' namespace on every run.
"""
import sys

import numpy as np
import pytest
from benchmarks.cases import gpu_problem
from twins import assert_pairs_close, layer_twin_run, randomize, relative_error

import scratchrnn.engine.kernels.fused as fused
import scratchrnn.nn as snn
from scratchrnn.backend import to_numpy
from scratchrnn.engine.kernels import KERNELS, StepWeights


def _gpu_problem():
    if getattr(sys.modules.get("cupy"), "TRANSFERS", None) is not None:
        return "the CPU stand-in is installed"
    return gpu_problem()  # CuPy with a GPU, and torch with CUDA


pytestmark = pytest.mark.skipif(_gpu_problem() is not None, reason=str(_gpu_problem()))

@pytest.fixture(autouse=True)
def torch_in_full_float32(monkeypatch):
    """torch on CUDA lets cuDNN's RNNs and its matrix products use TF32 (a 10-bit mantissa)
    for float32 by default: 2e-4 to 2e-3 relative from true float32 on the H200
    (2026-12-04, this file's float32 cases, both engines alike). The comparison is with
    float32, so TF32 is off here; the benchmarks leave torch's default on."""
    import torch
    monkeypatch.setattr(torch.backends.cudnn, "allow_tf32", False)
    monkeypatch.setattr(torch.backends.cuda.matmul, "allow_tf32", False)


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
    if engine == "fast" and mode != "RNN":  # through cupy.fuse's kernels (kernels/fused.py)
        import cupy
        made = {fn.__name__ for fn, xp in fused._kernels if xp is cupy}
        assert {f"{mode.lower()}_forward", f"{mode.lower()}_backward"} <= made, made


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
@pytest.mark.parametrize("dtype, tol", [("float64", 1e-12), ("float32", 1e-5)])
def test_fused_steps_match_the_kernels_numpy_lines(mode, dtype, tol):
    """One step forward and backward, as the loop runs it: cupy.fuse's kernels on the GPU
    against the kernel's NumPy lines on the same numbers; every output, dtype kept."""
    import cupy
    cell, rng = KERNELS[mode], np.random.default_rng(3)
    R, E, H, b = len(cell.LAYOUT), cell.CARRIED, 7, 33      # E: LSTM's c sits in a[R:R+E]
    host = [rng.normal(size=(R + E + cell.KEPT, H, b)), rng.normal(size=(H, b)),
            rng.normal(size=(1 + E, H, b))]
    results = []
    for xp in (np, cupy):
        a, h, dnew = (xp.array(v, dtype=dtype) for v in host)       # copies: a is changed
        state, new, w = (h, *a[R:R + E]), xp.empty_like(dnew), StepWeights()
        tmp = xp.empty((cell.TEMP, H, b), dtype=dtype)
        fused.bind_forward_of(cell, xp)(a, state, tuple(new), tmp, w)()    # bound, run
        s = xp.empty((1, cell.SLOPES, H, b), dtype=dtype)
        cell.slopes(a[None], tuple(v[None] for v in state), tuple(new[:, None]), s, w)
        da, dold = xp.empty((R, H, b), dtype=dtype), xp.zeros_like(dnew)
        step, direct = fused.bind_backward_of(cell, xp)(a, s[0], da, tuple(dnew),
                                                        tuple(dold), tmp, w)
        step()
        out = {"gates": a, "new state": new, "slopes": s, "da": da, "dold": dold,
               **({} if direct is None else {"direct": direct})}
        results.append(out)
    assert {fn.__name__ for fn, xp in fused._kernels if xp is cupy} >= {
        f"{mode.lower()}_forward", f"{mode.lower()}_backward"}
    for name, ours in results[1].items():
        assert ours.dtype == dtype, f"{name}: {ours.dtype}, expected {dtype}"
        error = relative_error(to_numpy(ours), results[0][name])
        assert error <= tol, f"{mode} {dtype} {name}: {error:.2e} > {tol:g}"
