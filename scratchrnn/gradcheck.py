"""Check any module's backward against central finite differences (float64).

    from scratchrnn.nn import GRU
    from scratchrnn.gradcheck import gradcheck
    report = gradcheck(GRU(3, 4, dtype='float64', seed=0), x)   # x (T,B,3)
    print(report)        # max relative error per parameter and for the input

The scalar checked is L = sum_k <out_k, R_k> with fixed random R_k, one per output
array (output, h_n, c_n), so every output's backward is exercised. For each entry w
of each parameter (or a random sample of `max_entries` of them):

    dL/dw  ~=  (L(w + eps) - L(w - eps)) / (2 eps)          error O(eps^2)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .backend import to_numpy


@dataclass
class GradcheckReport:
    errors: dict = field(default_factory=dict)  # name -> max relative error
    tol: float = 1e-6

    @property
    def ok(self) -> bool:
        return all(e <= self.tol for e in self.errors.values())

    def __str__(self) -> str:
        rows = [f"  {'OK ' if e <= self.tol else 'BAD'} {name:<28} {e:.2e}"
                for name, e in self.errors.items()]
        return f"gradcheck (tol {self.tol:.0e}): {'passed' if self.ok else 'FAILED'}\n" + \
            "\n".join(rows)


def _flatten(out):
    if isinstance(out, (tuple, list)):
        return [a for o in out for a in _flatten(o)]
    return [out]


def _unflatten(like, flat):
    if isinstance(like, (tuple, list)):
        items = []
        for o in like:
            n = len(_flatten(o))
            items.append(_unflatten(o, flat[:n]))
            flat = flat[n:]
        return type(like)(items)
    return flat[0]


def _loss(module, x, weights):
    outs = _flatten(module.forward(x))
    return sum(float((to_numpy(o) * w).sum()) for o, w in zip(outs, weights))


def gradcheck(module, x, eps=1e-6, tol=1e-6, max_entries=30, seed=0) -> GradcheckReport:
    """Compare module.backward with finite differences; module must be float64.

    Dropout is random, so the module runs in eval mode for the check (its mode is
    restored after); its ``grads`` are left holding the analytic gradients. Errors are
    max |numeric - analytic| over the largest gradient entry of each tensor.
    """
    if module.dtype != np.float64:
        raise ValueError(f"gradcheck needs a float64 module, got {module.dtype}")
    was_training = module.training
    try:
        return _gradcheck(module, x, eps, tol, max_entries, seed)
    finally:
        module.train(was_training)


def _gradcheck(module, x, eps, tol, max_entries, seed) -> GradcheckReport:
    rng = np.random.default_rng(seed)
    module.eval()
    x = np.array(to_numpy(x), dtype=np.float64)
    out = module.forward(x)
    weights = [rng.normal(size=o.shape) for o in _flatten(out)]
    module.zero_grad()
    upstream = _unflatten(out, [module.xp.asarray(w) for w in weights])
    grad_x = module.backward(*upstream) if isinstance(out, tuple) else module.backward(upstream)
    grad_x = to_numpy(grad_x[0] if isinstance(grad_x, tuple) else grad_x)
    report = GradcheckReport(tol=tol)
    targets = {name: (p, to_numpy(g)) for name, p in module.params.items()
               for g in [module.grads[name]]}
    for name, (p, g) in targets.items():
        report.errors[name] = _check_array(lambda: _loss(module, x, weights), p, g, eps,
                                           max_entries, rng)
    report.errors["input"] = _check_array(lambda: _loss(module, x, weights), x, grad_x, eps,
                                          max_entries, rng)
    return report


def _check_array(loss, array, grad, eps, max_entries, rng) -> float:
    """Max relative error between `grad` and finite differences over some entries of `array`."""
    flat = array.reshape(-1)  # a view: perturbing it perturbs the parameter in place
    idx = np.arange(flat.size)
    if flat.size > max_entries:
        idx = rng.choice(flat.size, max_entries, replace=False)
    numeric, analytic = [], to_numpy(grad).reshape(-1)[idx]
    for i in idx:
        orig = float(flat[i])
        flat[i] = orig + eps
        up = loss()
        flat[i] = orig - eps
        down = loss()
        flat[i] = orig
        numeric.append((up - down) / (2 * eps))
    numeric = np.array(numeric)
    scale = max(np.abs(numeric).max(initial=0), np.abs(analytic).max(initial=0), 1e-12)
    return float(np.abs(numeric - analytic).max(initial=0) / scale)
