"""The array backend seam: every numeric function gets its array namespace `xp` here.

NumPy is the default. CuPy mirrors NumPy's API, so the same cell code runs on a GPU
when a module is built with ``backend='cupy'``. Nothing else in ``scratchrnn`` imports
``cupy`` or decides which namespace to use.

    xp = get_xp('numpy')          # the module `numpy`
    xp = namespace_of(array)      # numpy or cupy, whichever owns `array`
"""
from __future__ import annotations

import contextlib
import importlib

import numpy as np

_BACKENDS = ("numpy", "cupy")
_default = "numpy"
ENGINES = ("plain", "fast")
_engine = "fast"
DTYPES = {"float32": np.float32, "float64": np.float64}


def get_xp(name: str | None = None):
    """Return the array module for `name` ('numpy' or 'cupy'); None means the default."""
    name = _default if name is None else name
    if name not in _BACKENDS:
        raise ValueError(f"unknown backend {name!r}; expected one of {_BACKENDS}")
    if name == "numpy":
        return np
    try:
        cupy = importlib.import_module("cupy")
    except ImportError as err:  # pragma: no cover - depends on the machine
        raise ValueError("backend 'cupy' needs CuPy: pip install 'scratchrnn[gpu]'") from err
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            raise RuntimeError("no GPU found")
    except Exception as err:
        raise ValueError(f"backend 'cupy': CuPy cannot use a GPU here "
                         f"({type(err).__name__}: {err})") from err
    return cupy


def set_default_backend(name: str) -> None:
    """Make `name` the backend used when a module is built without `backend=`."""
    global _default
    get_xp(name)  # validates and fails early if CuPy is missing
    _default = name


def default_backend() -> str:
    return _default


def set_engine(name: str) -> None:
    """Make `name` the engine of every layer built without `engine=` (or with None).

    'plain': the lesson (scratchrnn/cells, scratchrnn/bptt.py): the whole batch in the
    calling thread, so breakpoints and prints there see everything. 'fast' (the default):
    scratchrnn/engine, proven equal to 'plain' and faster (docs/performance.md).
    """
    global _engine
    if name is None:
        raise ValueError(f"engine must be one of {ENGINES}, got None")
    _engine = check_engine(name)


def get_engine() -> str:
    """The default engine: 'fast' unless set_engine said otherwise."""
    return _engine


def check_engine(name):
    """`name` if it is an engine ('plain' / 'fast'), None if it is None, else an error."""
    if name is not None and name not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {name!r}")
    return name


def backend_name(xp) -> str:
    """'numpy' or 'cupy' for an array module."""
    return "numpy" if xp is np else "cupy"


def namespace_of(*arrays):
    """The array module owning `arrays` (NumPy unless one of them is a CuPy array)."""
    for a in arrays:
        if type(a) is not np.ndarray and type(a).__module__.split(".")[0] == "cupy":
            return importlib.import_module("cupy")
    return np


def resolve_dtype(dtype) -> np.dtype:
    """'float32' / 'float64' / np.float32 / np.dtype -> np.dtype, anything else is an error."""
    key = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if key not in DTYPES:
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    return np.dtype(DTYPES[key])


def to_numpy(a) -> np.ndarray:
    """Copy of `a` on the host as a NumPy array (works for NumPy, CuPy, lists)."""
    if hasattr(a, "get"):  # cupy.ndarray
        return a.get()
    return np.asarray(a)


def asarray(a, xp, dtype):
    """`a` as an array of `xp` with `dtype`; accepts NumPy, CuPy, lists, torch CPU tensors."""
    if type(a).__module__.split(".")[0] == "torch":  # without importing torch
        a = a.detach().cpu().numpy()
    if xp is not np and type(a).__module__.split(".")[0] == "cupy":
        return a.astype(dtype, copy=False)
    return xp.asarray(to_numpy(a) if xp is not np else a, dtype=dtype)


def ignore_overflow(xp):
    """Context that silences overflow in exp (NumPy warns; CuPy never does)."""
    return np.errstate(over="ignore") if xp is np else contextlib.nullcontext()
