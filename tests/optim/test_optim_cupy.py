"""The same optimizers, clipping and initializers on CuPy arrays (skipped without CuPy/GPU).

Results must equal the NumPy ones to rounding: the code is the same, only `xp` differs.
"""
from types import SimpleNamespace

import numpy as np
import pytest

from scratchrnn import init, optim

cp = pytest.importorskip("cupy")
try:
    cp.zeros(1)
except Exception as err:  # noqa: BLE001 - CuPy installed, but no usable GPU
    pytest.skip(f"CuPy cannot use a GPU here: {err}", allow_module_level=True)


def pair(seed=0):
    rng = np.random.default_rng(seed)
    host = {"w": rng.normal(size=(5, 4)), "b": rng.normal(size=5)}
    cpu = SimpleNamespace(params={k: v.copy() for k, v in host.items()},
                          grads={k: np.zeros_like(v) for k, v in host.items()})
    gpu = SimpleNamespace(params={k: cp.asarray(v) for k, v in host.items()},
                          grads={k: cp.zeros(v.shape) for k, v in host.items()})
    return cpu, gpu


@pytest.mark.parametrize("name, kwargs", [
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01, betas=(0.3, 0.6))),
])
def test_optimizers_on_cupy_equal_numpy(name, kwargs):
    cpu, gpu = pair()
    ids = {k: id(v) for k, v in gpu.params.items()}
    opt_c, opt_g = getattr(optim, name)(cpu, **kwargs), getattr(optim, name)(gpu, **kwargs)
    rng = np.random.default_rng(1)
    for step in range(10):
        for k, g in cpu.grads.items():
            g[...] = rng.normal(size=g.shape) * 5
            gpu.grads[k][...] = cp.asarray(g)
        if step % 2:
            n_c = optim.clip_grad_norm_(cpu, 1.0, float("inf") if step % 4 == 1 else 2.0)
            n_g = optim.clip_grad_norm_(gpu, 1.0, float("inf") if step % 4 == 1 else 2.0)
            assert isinstance(n_g, float) and n_g == pytest.approx(n_c, rel=1e-12)
        else:
            optim.clip_grad_value_(cpu, 0.5)
            optim.clip_grad_value_(gpu, 0.5)
        opt_c.step()
        opt_g.step()
    assert {k: id(v) for k, v in gpu.params.items()} == ids
    for k in cpu.params:
        np.testing.assert_allclose(cp.asnumpy(gpu.params[k]), cpu.params[k], rtol=1e-12)
    sd = opt_g.state_dict()                        # host copies, loadable on the CPU
    cpu2, _ = pair()
    getattr(optim, name)(cpu2, **kwargs).load_state_dict(sd)


def test_nonfinite_on_cupy():
    _, gpu = pair()
    gpu.grads["w"][0, 0] = cp.nan
    with pytest.raises(optim.NonFiniteError):
        optim.clip_grad_norm_(gpu, 1.0, error_if_nonfinite=True)


@pytest.mark.parametrize("fn", [init.xavier_uniform_, init.xavier_normal_, init.orthogonal_,
                                init.kaiming_uniform_])
def test_initializers_on_cupy_equal_numpy(fn):
    host = fn(np.empty((6, 4)), rng=3)
    dev = cp.empty((6, 4))
    assert fn(dev, rng=3) is dev
    np.testing.assert_allclose(cp.asnumpy(dev), host, rtol=1e-15)
