r"""Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_).

Long series mean long products of Jacobians in BPTT, and a few of them can make the
gradient explode. Clipping by norm rescales ALL gradients by one common factor, so the
update keeps its direction and only its length is bounded:

    N    = || (||g_1||_p, ||g_2||_p, ...) ||_p      one global norm over every gradient
    c    = min(max_norm / (N + 1e-6), 1)           torch's 1e-6 keeps N = 0 finite
    g_k  = c g_k                                    (c = 1 below the bound: nothing changes)

Clipping by value clamps every entry to [-clip_value, clip_value], which changes the
direction as well.
"""
from __future__ import annotations

import contextlib
import math

import numpy as np

from ..backend import namespace_of
from .base import check_number


class NonFiniteError(ValueError, RuntimeError):
    """The total gradient norm is nan or inf (torch raises RuntimeError, NumPy code expects
    ValueError: this is both)."""


def _grads_of(module, who: str) -> list:
    grads = getattr(module, "grads", None)
    if not isinstance(grads, dict):
        raise TypeError(f"{who}: expected a module with a .grads dict (name -> array), "
                        f"got {type(module).__name__}")
    return list(grads.values())


def _errstate(xp):
    """Squaring huge gradients overflows to inf, and inf * 0 is nan: both are the intended
    IEEE results (torch computes them silently), so NumPy must not warn."""
    if xp is not np:
        return contextlib.nullcontext()
    return np.errstate(over="ignore", invalid="ignore")


def _vector_norm(x, p: float):
    """||x||_p of the flattened array, a 0-d array of x's dtype (inf: max |x_i|)."""
    xp = namespace_of(x)
    a = xp.abs(x.reshape(-1))
    if a.size == 0:
        return xp.zeros((), dtype=x.dtype)
    if p == math.inf:
        return a.max()                                  # max_i |x_i|
    if p == 1:
        return a.sum()                                  # sum_i |x_i|
    if p == 2:
        return xp.sqrt(xp.sum(a * a))                   # sqrt(sum_i x_i^2)
    return xp.sum(a ** p) ** (1.0 / p)                  # (sum_i |x_i|^p)^(1/p)


def get_total_norm(module, norm_type: float = 2.0) -> float:
    """The global p-norm of all the module's gradients (what clip_grad_norm_ returns)."""
    return float(_total_norm(_grads_of(module, "get_total_norm"), _check_norm_type(norm_type)))


def _check_norm_type(norm_type) -> float:
    """p > 0 or inf ('inf' too, as float() reads it). torch also takes 0 and negative p,
    which are not norms."""
    if isinstance(norm_type, str):
        try:
            norm_type = float(norm_type)
        except ValueError:
            raise ValueError(f"norm_type must be a number or 'inf', got {norm_type!r}") from None
    return check_number("norm_type", norm_type, low=0.0, low_open=True)


def _total_norm(grads, p: float):
    xp = namespace_of(*grads)
    if not grads:
        return np.zeros(())
    with _errstate(xp):
        dtype = np.result_type(*[g.dtype for g in grads])
        norms = xp.stack([_vector_norm(g, p).astype(dtype) for g in grads])  # one per tensor
        return _vector_norm(norms, p)                   # norm of the per-tensor norms


def clip_grad_norm_(module, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> float:
    """Scale all gradients in place so their global `norm_type`-norm is at most `max_norm`.

    Returns the total norm BEFORE clipping, as a Python float. `norm_type` is any p > 0 or
    ``float('inf')`` (the largest |g_i|). With ``error_if_nonfinite=True`` a nan/inf total
    norm raises NonFiniteError; otherwise, like torch, the gradients are multiplied by the
    resulting nan (or 0) factor.

    Unlike torch, max_norm <= 0 is an error: torch would zero (0) or flip (< 0) every gradient.
    """
    max_norm = check_number("max_norm", max_norm, low=0.0, low_open=True)
    p = _check_norm_type(norm_type)
    grads = _grads_of(module, "clip_grad_norm_")
    if not grads:
        return 0.0
    xp = namespace_of(*grads)
    norm = _total_norm(grads, p)                                    # N
    if error_if_nonfinite and not bool(xp.isfinite(norm)):
        raise NonFiniteError(
            f"The total norm of order {p} for gradients is non-finite ({float(norm)}), so it "
            "cannot be clipped. To scale the gradients by the non-finite norm anyway, set "
            "error_if_nonfinite=False")
    with _errstate(xp):
        clip_coef = max_norm / (norm + 1e-6)                        # max_norm / (N + 1e-6)
        clip_coef = xp.minimum(clip_coef, 1.0)                      # c = min(., 1)
        # multiply even when c = 1, like torch: no `if c < 1`, so no GPU -> CPU sync
        for g in grads:
            g *= clip_coef.astype(g.dtype)                          # g_k = c g_k
    return float(norm)


def clip_grad_value_(module, clip_value: float) -> None:
    """Clamp every gradient entry in place to [-clip_value, clip_value].

    Unlike torch, clip_value <= 0 is an error: torch would set every gradient to clip_value.
    """
    c = check_number("clip_value", clip_value, low=0.0, low_open=True)
    for g in _grads_of(module, "clip_grad_value_"):
        namespace_of(g).clip(g, -c, c, out=g)                       # g = min(max(g, -c), c)
