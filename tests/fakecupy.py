"""A stand-in for CuPy on the CPU: NumPy underneath, strict where CuPy is strict.

`install(monkeypatch)` puts this module's namespace in `sys.modules["cupy"]`, so
`backend='cupy'` and `namespace_of` find it as they would find CuPy. Its arrays are a
type of their own (not NumPy arrays, as CuPy's are not), and every mistake that would
fail or silently copy on a GPU fails here at once, with the place in the traceback:

- a NumPy function or ufunc applied to a device array (`np.tanh(a)`, `np.concatenate`):
  TypeError, as CuPy raises;
- a host NumPy array mixed into device arithmetic (`a * np.ones(3)`, `xp.add(a, host)`):
  TypeError, as CuPy raises; or written into a device array (`a[...] = host`), which
  CuPy would copy silently: TypeError here;
- an implicit copy to the host (`np.asarray(a)`, `bool(a)` of a non-scalar): TypeError.

Explicit transfers work and are counted: `xp.asarray(host)` / `xp.array(host)` (host ->
device, `TRANSFERS["to_device"]`), `a.get()` / `xp.asnumpy(a)` (device -> host,
`TRANSFERS["to_host"]`) and host index arrays (`TRANSFERS["index"]`, a few bytes), so a
test can check that data moves once per run, not per step.
Floating-point warnings are off, as on a GPU (CuPy never warns on overflow).
"""
from __future__ import annotations

import operator
import sys
import types
from collections import Counter

import numpy as np

TRANSFERS: Counter = Counter()


class ndarray:  # noqa: N801 - CuPy's name
    """A device array: a NumPy array kept out of NumPy's reach."""

    __array_ufunc__ = None        # np.<ufunc>(device) -> TypeError (and a * b runs here)
    __array_priority__ = 1000

    def __init__(self, host: np.ndarray):
        self._a = host

    # -- what CuPy's arrays have ------------------------------------------------------
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    nbytes = property(lambda self: self._a.nbytes)
    itemsize = property(lambda self: self._a.itemsize)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)
    T = property(lambda self: ndarray(self._a.T))

    def get(self):
        """Device -> host, explicitly (CuPy's `.get()`)."""
        TRANSFERS["to_host"] += 1
        return self._a.copy()

    def item(self):
        TRANSFERS["to_host"] += 1
        return self._a.item()

    def tolist(self):
        TRANSFERS["to_host"] += 1
        return self._a.tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self._a.size != 1:
            raise TypeError("implicit host conversion: truth value of a device array")
        return bool(self.item())

    def __array__(self, *args, **kwargs):
        raise TypeError("implicit conversion of a (stand-in) CuPy array to a NumPy array "
                        "is not allowed; use .get() or xp.asnumpy()")

    def __array_function__(self, func, types_, args, kwargs):
        raise TypeError(f"a NumPy function ({func.__module__}.{func.__name__}) was called "
                        "on a (stand-in) CuPy array: use the array's namespace `xp`")

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (ndarray(a) if isinstance(a, np.ndarray) else a for a in self._a)

    def __repr__(self):
        return f"fakecupy.ndarray({self._a!r})"

    def __getitem__(self, key):
        return _wrap(self._a[_index(key)])

    def __setitem__(self, key, value):
        self._a[_index(key)] = _unwrap(value, "value")

    def __getattr__(self, name):  # methods: reshape, transpose, sum, copy, astype, fill, ...
        if name.startswith("__"):  # no __array_interface__ & co: NumPy must not see inside
            raise AttributeError(name)
        method = getattr(self._a, name)
        if not callable(method):
            return _wrap(method)
        return lambda *args, **kw: _call(method, args, kw)


def _unwrap(obj, what="argument"):
    """Device arrays -> their NumPy array; a host NumPy array here is a mistake."""
    if isinstance(obj, ndarray):
        return obj._a
    if isinstance(obj, np.ndarray):
        raise TypeError(f"a host NumPy array {obj.shape} was given as a device {what}: "
                        "move it with xp.asarray first (CuPy rejects it)")
    if isinstance(obj, (list, tuple)):
        return type(obj)(_unwrap(o, what) for o in obj)
    if isinstance(obj, slice):
        return slice(_unwrap(obj.start), _unwrap(obj.stop), _unwrap(obj.step))
    return obj


def _index(key):
    """CuPy takes host index arrays (and copies them to the device): allowed, counted apart."""
    if isinstance(key, np.ndarray):
        TRANSFERS["index"] += 1
        return key
    if isinstance(key, tuple):
        return tuple(_index(k) for k in key)
    return _unwrap(key, "index")


def _wrap(obj):
    if isinstance(obj, np.ndarray):
        return ndarray(obj)
    if isinstance(obj, (list, tuple)):
        return type(obj)(_wrap(o) for o in obj)
    return obj


def _call(fn, args, kwargs):
    out = kwargs.get("out")
    with np.errstate(all="ignore"):
        result = fn(*_unwrap(args), **{k: _unwrap(v) for k, v in kwargs.items()})
    return out if isinstance(out, ndarray) else _wrap(result)


def _operators():
    def binary(op, reflected=False, inplace=False):
        def method(self, other):
            if isinstance(other, np.ndarray):
                raise TypeError(f"a host NumPy array {other.shape} in device arithmetic: "
                                "move it with xp.asarray first (CuPy rejects it)")
            a, b = (_unwrap(other), self._a) if reflected else (self._a, _unwrap(other))
            with np.errstate(all="ignore"):
                result = op(a, b)
            if inplace:
                return self
            return _wrap(result)
        return method

    names = {"add": operator.add, "sub": operator.sub, "mul": operator.mul,
             "truediv": operator.truediv, "floordiv": operator.floordiv,
             "pow": operator.pow, "matmul": operator.matmul, "mod": operator.mod}
    for name, op in names.items():
        setattr(ndarray, f"__{name}__", binary(op))
        setattr(ndarray, f"__r{name}__", binary(op, reflected=True))
        setattr(ndarray, f"__i{name}__", binary(getattr(operator, f"i{name}"), inplace=True))
    for name in ("lt", "le", "gt", "ge", "eq", "ne", "and", "or", "xor"):
        setattr(ndarray, f"__{name}__", binary(getattr(operator, f"{name}_"
                                                       if name in ("and", "or") else name)))
    for name, op in {"neg": operator.neg, "pos": operator.pos, "abs": abs,
                     "invert": operator.invert}.items():
        setattr(ndarray, f"__{name}__", lambda self, op=op: _wrap(op(self._a)))


_operators()
ndarray.__module__ = "cupy"   # how scratchrnn.backend.namespace_of recognises CuPy's arrays


# -- the module's namespace: numpy's functions, on device arrays only ---------------------
def asarray(a, dtype=None, order=None):
    """Host data -> device (counted), or a device array as it is (cast if asked)."""
    if isinstance(a, ndarray):
        return a if dtype is None else ndarray(a._a.astype(dtype, copy=False))
    TRANSFERS["to_device"] += 1
    return ndarray(np.array(a, dtype=dtype, order=order or "K"))


def array(a, dtype=None, copy=True, order="K"):
    if isinstance(a, ndarray):
        return ndarray(np.array(a._a, dtype=dtype, copy=copy, order=order))
    TRANSFERS["to_device"] += 1
    return ndarray(np.array(a, dtype=dtype, order=order))


def asnumpy(a):
    return a.get() if isinstance(a, ndarray) else np.asarray(a)


def fuse(*args, **kwargs):
    """cupy.fuse: one GPU kernel from an elementwise function; here, the function itself."""
    if args and callable(args[0]) and len(args) == 1 and not kwargs:
        return args[0]
    return lambda fn: fn


class _Stream:
    def synchronize(self):
        pass


cuda = types.SimpleNamespace(get_current_stream=_Stream, runtime=types.SimpleNamespace(
    getDeviceCount=lambda: 1))


def _namespace(name):
    value = getattr(np, name)
    if callable(value) and not isinstance(value, type):
        return lambda *args, **kwargs: _call(value, args, kwargs)
    return value  # dtypes (float32), constants (pi, inf), ...


def install(monkeypatch):
    """Make `import cupy` give this stand-in for the rest of the test; returns the module."""
    module = types.ModuleType("cupy")
    module.__getattr__ = _namespace
    for name in ("ndarray", "asarray", "array", "asnumpy", "fuse", "cuda", "TRANSFERS"):
        setattr(module, name, getattr(sys.modules[__name__], name))
    monkeypatch.setitem(sys.modules, "cupy", module)
    TRANSFERS.clear()
    return module
