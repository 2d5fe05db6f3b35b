"""Activations and their derivatives, written so they never overflow or warn, and the
affine map of a step.

Each activation takes an optional ``out=`` array (the fast engine works in place; the
lesson never passes one).
"""
from __future__ import annotations

from .backend import ignore_overflow, namespace_of


def sigmoid(x, out=None):
    """sigma(x) = 1 / (1 + exp(-x)), within ~2 ulp everywhere, exact limits 0 and 1.

    For x < -709 (float64) or x < -88 (float32), exp(-x) overflows to +inf and
    1 / (1 + inf) = 0 (the true value is below the smallest normal number): that overflow
    is expected, so only it is silenced. For x -> +inf, exp(-x) -> 0 and the result is
    exactly 1. No cancellation occurs (unlike 0.5 * (1 + tanh(x/2)) for very negative x).
    """
    xp = namespace_of(x)
    out = xp.empty_like(x) if out is None else out
    with ignore_overflow(xp):
        # not xp.negative(x, out=out): NumPy 2.4.6 computes that wrong in place on some
        # one-column strided views (found by the float32 hypothesis test; see tests)
        xp.multiply(x, -1, out=out)
        xp.exp(out, out=out)
    out += 1
    xp.reciprocal(out, out=out)
    return out


def tanh(x, out=None):
    """tanh(x); NumPy's tanh is already exact at both limits (+-1, no overflow)."""
    return namespace_of(x).tanh(x, out=out)


def relu(x, out=None):
    """max(x, 0)."""
    return namespace_of(x).maximum(x, 0, out=out)


def linear(x, weight, bias=None):
    """x W^T + b, torch.nn.functional.linear: x (B,in), W (out,in), b (out,) or None."""
    y = x @ weight.T                                        # B,out
    return y if bias is None else y + bias


ACTIVATIONS = {"tanh": tanh, "relu": relu}


def activation_slope(name: str, y, out=None):
    """act'(x) written with the output y = act(x) only: tanh: 1 - y^2;  relu: [y > 0]."""
    xp = namespace_of(y)
    if name == "tanh":
        out = xp.multiply(y, y, out=out)
        return xp.subtract(1, out, out=out)
    if name == "relu":
        out = xp.empty_like(y) if out is None else out
        out[...] = y > 0
        return out
    raise ValueError(f"unknown activation {name!r}")
