r"""Parameter initialization, in place, as torch.nn.init does it.

Every initializer fills the given array IN PLACE and returns it. The random numbers are
drawn on the host with NumPy (``rng``: None, an int seed or a ``numpy.random.Generator``)
and copied in, so the same call works on a CuPy array.

Fan-in / fan-out follow torch: for a weight of shape (out, in, *k), fan_in = in * prod(k)
and fan_out = out * prod(k). A recurrent layer's stacked weight_ih (G*H, I) therefore has
fan_in = I and fan_out = G*H (G gates): the gates count as outputs.

    xavier_uniform_   U(-a, a),  a = gain * sqrt(6 / (fan_in + fan_out))     (Glorot & Bengio)
    xavier_normal_    N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out))
    kaiming_uniform_  U(-b, b),  b = gain * sqrt(3 / fan)                   (He et al.)
    orthogonal_       a (semi-)orthogonal matrix times gain                  (Saxe et al.)

Why Xavier: with Var(W_ij) = 2 / (fan_in + fan_out), a linear layer keeps the variance of
its activations (forward, needs 1/fan_in) and of its gradients (backward, needs 1/fan_out)
roughly constant, a compromise between the two; tanh is linear near 0.

Schemes for whole layers (``init=`` of the layers and models):

    'default'         torch's: every tensor ~ U(-1/sqrt(H), 1/sqrt(H)) (recurrent layers);
                      Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias
    'xavier_uniform'  xavier_uniform_ on every weight tensor (weight_ih_*, weight_hh_*,
    'xavier_normal'   weight_hr_*, Linear's weight), each stacked matrix as a whole, as
    'orthogonal'      ``for n, p in m.named_parameters(): if 'weight' in n: init(p)`` does;
                      biases keep torch's default U(-k, k) in every scheme.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from .backend import namespace_of

SCHEMES = ("default", "xavier_uniform", "xavier_normal", "orthogonal")


def _rng(rng) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _fill(array, values: np.ndarray):
    """Copy host `values` into `array` (NumPy or CuPy) in place; return `array`."""
    xp = namespace_of(array)
    array[...] = values if xp is np else xp.asarray(values)
    return array


# -- gains and fans ---------------------------------------------------------------------
_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity: str, param=None) -> float:
    """The recommended gain for a nonlinearity (torch.nn.init.calculate_gain).

    linear/conv/sigmoid 1,  tanh 5/3,  relu sqrt(2),  leaky_relu sqrt(2 / (1 + slope^2))
    (slope = param, default 0.01),  selu 3/4.
    """
    if nonlinearity in _LINEAR:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, numbers.Real) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"negative_slope {param!r} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}; expected one of "
                     f"{_LINEAR + ('tanh', 'relu', 'leaky_relu', 'selu')}")


def calculate_fan_in_and_fan_out(array) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (out, in, *receptive_field), as torch computes."""
    if array.ndim < 2:
        raise ValueError("fan in and fan out can not be computed for an array with fewer than "
                         f"2 dimensions, got shape {tuple(array.shape)}")
    receptive_field = math.prod(array.shape[2:])
    return array.shape[1] * receptive_field, array.shape[0] * receptive_field


# -- initializers -----------------------------------------------------------------------
def uniform_(array, a: float = 0.0, b: float = 1.0, rng=None):
    """Fill `array` in place with U(a, b)."""
    return _fill(array, _rng(rng).uniform(a, b, size=array.shape))


def normal_(array, mean: float = 0.0, std: float = 1.0, rng=None):
    """Fill `array` in place with N(mean, std^2)."""
    return _fill(array, _rng(rng).normal(mean, std, size=array.shape))


def xavier_uniform_(array, gain: float = 1.0, rng=None):
    """U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))  (Glorot uniform)."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(array)
    if array.size == 0:
        return array
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))   # std of the target distribution
    a = math.sqrt(3.0) * std                                # U(-a, a) has std a / sqrt(3)
    return uniform_(array, -a, a, rng)


def xavier_normal_(array, gain: float = 1.0, rng=None):
    """N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))  (Glorot normal)."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(array)
    if array.size == 0:
        return array
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(array, 0.0, std, rng)


def kaiming_uniform_(array, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", rng=None):
    """U(-b, b) with b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).

    torch's nn.Linear default is kaiming_uniform_(a=sqrt(5)): b = 1 / sqrt(fan_in).
    """
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = calculate_fan_in_and_fan_out(array)
    if array.size == 0:
        return array
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan_in if mode == "fan_in" else fan_out)
    bound = math.sqrt(3.0) * std
    return uniform_(array, -bound, bound, rng)


def orthogonal_(array, gain: float = 1.0, rng=None):
    """A (semi-)orthogonal matrix times `gain` (Saxe et al. 2013), as torch builds it.

    The array is viewed as (rows, cols) = (shape[0], size // shape[0]). A standard normal
    matrix (transposed if rows < cols) is QR-factorised and Q's columns are multiplied by
    sign(diag(R)), which makes Q uniformly (Haar) distributed. Result: W W^T = gain^2 I if
    rows <= cols, W^T W = gain^2 I if rows >= cols.
    """
    if array.ndim < 2:
        raise ValueError(f"orthogonal_ needs an array with 2 or more dimensions, got shape "
                         f"{tuple(array.shape)}")
    if array.size == 0:
        return array
    rows = array.shape[0]
    cols = array.size // rows
    flat = _rng(rng).normal(0.0, 1.0, size=(rows, cols))     # rows,cols
    if rows < cols:
        flat = flat.T                                        # tall: cols,rows
    q, r = np.linalg.qr(flat)                                # q: orthonormal columns
    q *= np.sign(np.diag(r))                                 # make the factorisation unique
    if rows < cols:
        q = q.T                                              # rows,cols
    return _fill(array, gain * q.reshape(array.shape))


_WEIGHT_INITS = {"xavier_uniform": xavier_uniform_, "xavier_normal": xavier_normal_,
                 "orthogonal": orthogonal_}


def _check_scheme(scheme) -> None:
    if scheme not in SCHEMES:
        raise ValueError(f"unknown init scheme {scheme!r}; expected one of {SCHEMES}")


# -- whole layers -----------------------------------------------------------------------
def init_recurrent_(params: dict, hidden_size: int, scheme: str = "default", rng=None) -> dict:
    """Initialize a recurrent layer's parameters in place (dict keyed by torch names).

    'default' is torch's: every tensor ~ U(-1/sqrt(H), 1/sqrt(H)), H = hidden_size.
    Other schemes apply their initializer to every ``weight_*`` tensor (the whole stacked
    (G*H, in) matrix) and leave the biases at the default U(-1/sqrt(H), 1/sqrt(H)).
    Tensors are drawn in the dict's order from one generator.
    """
    _check_scheme(scheme)
    rng = _rng(rng)
    k = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
    for name, p in params.items():
        if scheme != "default" and name.startswith("weight"):
            _WEIGHT_INITS[scheme](p, rng=rng)
        else:
            uniform_(p, -k, k, rng)
    return params


def init_linear_(params: dict, scheme: str = "default", rng=None) -> dict:
    """Initialize a Linear layer's parameters ('weight' (out, in), optional 'bias') in place.

    'default' is torch's: kaiming_uniform_(a=sqrt(5)) on the weight, which is
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for the bias. Other schemes
    apply their initializer to the weight; the bias keeps the default.
    """
    _check_scheme(scheme)
    rng = _rng(rng)
    fan_in = params["weight"].shape[1]
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    for name, p in params.items():
        if scheme != "default" and name == "weight":
            _WEIGHT_INITS[scheme](p, rng=rng)
        else:
            uniform_(p, -bound, bound, rng)
    return params
