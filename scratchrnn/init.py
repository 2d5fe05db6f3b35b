"""Parameter initialization, in place, as torch.nn.init does it.

PLACEHOLDER (core-layers issue): only torch's default schemes. The optimizer/init
issue extends this file with calculate_gain, xavier_*, orthogonal_.
"""
from __future__ import annotations

import math

import numpy as np


def _rng(rng) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def uniform_(array: np.ndarray, a: float, b: float, rng=None) -> np.ndarray:
    """Fill `array` in place with U(a, b)."""
    array[...] = _rng(rng).uniform(a, b, size=array.shape)
    return array


def init_recurrent_(params: dict, hidden_size: int, scheme: str = "default", rng=None) -> dict:
    """Initialize a recurrent layer's host (NumPy) parameters in place.

    'default' is torch's: every tensor ~ U(-1/sqrt(H), 1/sqrt(H)), H = hidden_size.
    """
    if scheme != "default":
        raise ValueError(f"unknown init scheme {scheme!r}; expected 'default'")
    rng = _rng(rng)
    k = 1.0 / math.sqrt(hidden_size)
    for p in params.values():
        uniform_(p, -k, k, rng)
    return params


def init_linear_(params: dict, scheme: str = "default", rng=None) -> dict:
    """Initialize a Linear layer's host parameters in place.

    'default' is torch's: kaiming_uniform_(a=sqrt(5)) on the weight, which is
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for the bias.
    """
    if scheme != "default":
        raise ValueError(f"unknown init scheme {scheme!r}; expected 'default'")
    rng = _rng(rng)
    fan_in = params["weight"].shape[1]
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    for p in params.values():
        uniform_(p, -bound, bound, rng)
    return params
