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

`fuse` is cupy.fuse's calling convention (`@fuse`, `@fuse()`, `@fuse(kernel_name=...)`,
arguments by position) running the Python function itself, as CuPy traces it: its array
arguments become `_Traced` stand-ins that allow only what cupy/_core/fusion.pyx compiles
(elementwise operators and ufuncs, Python scalars, `x[...] = value` and in-place
operators on an argument, returning arrays, a tuple of them or None) and refuse what
would race on a GPU (writing into a broadcast argument, or into one that overlaps
another). Each call on device arrays is counted in `FUSED[kernel name]`.
"""
from __future__ import annotations

import functools
import operator
import re
import sys
import types
from collections import Counter

import numpy as np

TRANSFERS: Counter = Counter()
FUSED: Counter = Counter()   # calls of each fused kernel on device arrays, by kernel name


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
    if isinstance(obj, _Traced):
        raise TypeError("an array of a fused function used outside that function's kernel")
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
    if any(isinstance(a, _Traced) for a in (*args, *kwargs.values())):
        return _call_traced(fn, args, kwargs)
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


# -- cupy.fuse: the function runs on traced stand-ins of its arguments ------------------------
def fuse(*args, **kwargs):
    """cupy.fuse: `@fuse`, `@fuse()` or `@fuse(kernel_name=...)`. A call with a device
    array among its (positional) arguments runs the function on `_Traced` arguments,
    counted in FUSED; without one, CuPy runs the plain function, and so does this."""
    def decorate(fn, kernel_name=None):
        name = kernel_name or fn.__name__

        @functools.wraps(fn)
        def kernel(*call_args):           # CuPy's Fusion.__call__(*args): no keywords
            if not any(isinstance(a, ndarray) for a in call_args):
                return fn(*call_args)
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):   # a C name (a lambda's
                raise ValueError(f'Invalid kernel name: "{name}"')  # '<lambda>' is not)
            return _run_fused(fn, name, call_args)
        return kernel

    if len(args) == 1 and not kwargs and callable(args[0]):
        return decorate(args[0])
    return lambda fn: decorate(fn, *args, **kwargs)


_SCALARS = (bool, int, float, complex, np.generic)


def _run_fused(fn, name, args):
    for a in args:
        if not isinstance(a, (ndarray, *_SCALARS, type(None))):
            raise TypeError(f"Invalid argument type for '{name}': {type(a).__name__} "
                            "(cupy.fuse takes arrays and scalars)")
    kernel = _Kernel(name, [a._a for a in args if isinstance(a, ndarray)])
    FUSED[name] += 1
    with np.errstate(all="ignore"):
        result = fn(*(_Traced(a._a, kernel) if isinstance(a, ndarray) else a for a in args))
    return kernel.returned(result)


class _Kernel:
    """One call of a fused function: its array arguments, the shape they broadcast to."""

    def __init__(self, name, arrays):
        self.name, self.arrays = name, arrays
        self.shape = np.broadcast_shapes(*(a.shape for a in arrays))

    def operand(self, value):
        """`value` as NumPy sees it, if a fused kernel can use it."""
        if isinstance(value, _Traced):
            return value._a
        if isinstance(value, _SCALARS):
            return value
        raise TypeError(f"a {type(value).__name__} inside cupy.fuse '{self.name}': a fused "
                        "function uses its arguments and Python scalars only")

    def write(self, traced):
        """A write into `traced`: if it is an argument, it must be whole and alone."""
        arg = next((a for a in self.arrays if a is traced._a), None)
        if arg is None:               # a value computed inside the kernel
            return
        if arg.shape != self.shape:
            raise ValueError(f"cupy.fuse '{self.name}' writes into a broadcast argument "
                             f"{arg.shape} (kernel {self.shape}): GPU threads would race")
        for other in self.arrays:
            if other is not arg and np.may_share_memory(arg, other) and not _same_view(
                    arg, other):
                raise ValueError(f"cupy.fuse '{self.name}' writes into an argument that "
                                 "overlaps another one: GPU threads would race")

    def returned(self, value):
        """What the kernel gives back: new device arrays of the kernel's shape, or None."""
        if value is None:
            return None
        if isinstance(value, tuple):
            return tuple(self.returned(v) for v in value)
        if isinstance(value, _Traced):
            return ndarray(np.broadcast_to(value._a, self.shape).copy())
        raise TypeError(f"Fusion function can't return {type(value).__name__}")


def _same_view(a, b):
    return (a.__array_interface__["data"][0] == b.__array_interface__["data"][0]
            and a.shape == b.shape and a.strides == b.strides)


class _Traced:
    """A device array inside a fused function: what cupy.fuse compiles, nothing more
    (no .shape, slicing, methods, non-ufunc functions or host conversions)."""

    __array_ufunc__ = None        # np.tanh(traced): TypeError
    __module__ = "cupy._core.fusion"   # where CuPy's traced arrays live (namespace_of)

    def __init__(self, host, kernel):
        self._a, self._kernel = host, kernel

    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise TypeError(f"`.{name}` of an array inside cupy.fuse '{self._kernel.name}': "
                        "CuPy cannot compile it (elementwise operations only)")

    def __getitem__(self, key):
        raise TypeError(f"indexing inside cupy.fuse '{self._kernel.name}': pass views")

    def __setitem__(self, key, value):
        if key is not Ellipsis and not (isinstance(key, slice) and key == slice(None)):
            raise ValueError("The fusion supports `[...]` or `[:]`.")   # CuPy's message
        self._kernel.write(self)
        self._a[...] = self._kernel.operand(value)

    def __bool__(self):
        raise TypeError("Cannot convert to Python scalar in cupy.fuse")

    __float__ = __int__ = __bool__


def _traced_operators():
    def binary(op, reflected=False):
        def method(self, other):
            b = self._kernel.operand(other)
            with np.errstate(all="ignore"):
                return _Traced(op(b, self._a) if reflected else op(self._a, b), self._kernel)
        return method

    def inplace(op):
        def method(self, other):
            b = self._kernel.operand(other)
            self._kernel.write(self)
            with np.errstate(all="ignore"):
                op(self._a, b)
            return self
        return method

    for name in ("add", "sub", "mul", "truediv", "floordiv", "pow", "mod"):
        op = getattr(operator, name)
        setattr(_Traced, f"__{name}__", binary(op))
        setattr(_Traced, f"__r{name}__", binary(op, reflected=True))
        setattr(_Traced, f"__i{name}__", inplace(getattr(operator, f"i{name}")))
    for name in ("lt", "le", "gt", "ge", "eq", "ne"):
        setattr(_Traced, f"__{name}__", binary(getattr(operator, name)))
    for name, op in {"neg": operator.neg, "pos": operator.pos, "abs": abs}.items():
        setattr(_Traced, f"__{name}__", lambda self, op=op: _Traced(op(self._a), self._kernel))


_traced_operators()
_Traced.__hash__ = None


def _call_traced(fn, args, kwargs):
    """A namespace function called inside a fused function: elementwise ufuncs only."""
    if not isinstance(fn, np.ufunc) or fn.signature is not None:
        raise TypeError(f"xp.{getattr(fn, '__name__', fn)} inside cupy.fuse: CuPy fuses "
                        "elementwise ufuncs only")
    if set(kwargs) - {"out"}:
        raise TypeError(f"Wrong arguments {sorted(set(kwargs) - {'out'})} inside cupy.fuse")
    kernel = next(a._kernel for a in (*args, *kwargs.values()) if isinstance(a, _Traced))
    ins, outs = args[:fn.nin], list(args[fn.nin:])
    if kwargs.get("out") is not None:
        outs.append(kwargs["out"])
    for o in outs:
        if not isinstance(o, _Traced):
            raise TypeError("return arrays must be of ArrayType")    # CuPy's message
        kernel.write(o)
    with np.errstate(all="ignore"):
        result = fn(*(kernel.operand(a) for a in ins), *(o._a for o in outs))
    if outs:
        return outs[0] if len(outs) == 1 else tuple(outs)
    if isinstance(result, tuple):
        return tuple(_Traced(r, kernel) for r in result)
    return _Traced(result, kernel)


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
    for name in ("ndarray", "asarray", "array", "asnumpy", "fuse", "cuda", "TRANSFERS",
                 "FUSED"):
        setattr(module, name, getattr(sys.modules[__name__], name))
    monkeypatch.setitem(sys.modules, "cupy", module)
    TRANSFERS.clear()
    FUSED.clear()
    return module
