"""Flush denormals to zero, as torch.set_flush_denormal does (x86-64 Linux).

A float32 value below 1.2e-38 is *denormal* (subnormal): the CPU handles it in a slow
path, many times slower than normal numbers. A gradient carried back through 100+ steps
decays into that range, which is why a training step at T = 200 took 9-16 times as long
as at T = 100 for both libraries (docs/benchmarks.md). The CPU can instead treat such
values as zero: two bits of its MXCSR register, FTZ (results) and DAZ (inputs). That is
not IEEE arithmetic, so it is off unless asked for, and the numbers it changes are below
1e-38 (float32) or 2e-308 (float64).

MXCSR belongs to each thread. `set_flush_denormal` sets the calling thread's, as torch's
does (so either one works for both libraries in that thread); scratchrnn's worker
processes (workers.py) take the calling thread's mode with each request. NumPy has no
API for it, so glibc's fegetenv/fesetenv are called via ctypes.
"""
from __future__ import annotations

import ctypes
import platform
import sys

_FTZ_DAZ = 0x8040  # MXCSR bit 15 flush-to-zero, bit 6 denormals-are-zero


class _FEnv(ctypes.Structure):
    """glibc's fenv_t on x86-64: the x87 environment (28 bytes), then MXCSR."""
    _fields_ = [("x87", ctypes.c_byte * 28), ("mxcsr", ctypes.c_uint32)]


def _libm():
    if not sys.platform.startswith("linux") or platform.machine() not in ("x86_64", "AMD64"):
        return None  # fenv_t's layout below is x86-64 Linux's
    try:
        return ctypes.CDLL("libm.so.6")
    except OSError:
        return None


_LIBM = _libm()


def supported() -> bool:
    """Whether this machine lets scratchrnn flush denormals (x86-64 with glibc's libm)."""
    return _LIBM is not None


def set_flush_denormal(mode: bool) -> bool:
    """Flush denormals to zero (True) or not (False) in the calling thread, and in what
    scratchrnn runs for it. torch.set_flush_denormal's contract: returns False, changing
    nothing, where the CPU or C library does not allow it."""
    if not supported():
        return False
    follow(bool(mode))
    return True


def get_flush_denormal() -> bool:
    """Whether the calling thread flushes denormals to zero."""
    if not supported():
        return False
    return bool(_mxcsr().mxcsr & _FTZ_DAZ)


def follow(mode: bool) -> None:
    """Make the calling thread flush denormals (or not) as `mode` says."""
    if not supported():
        return
    env = _mxcsr()
    bits = (env.mxcsr | _FTZ_DAZ) if mode else (env.mxcsr & ~_FTZ_DAZ)
    if bits != env.mxcsr:
        env.mxcsr = bits
        _LIBM.fesetenv(ctypes.byref(env))


def _mxcsr() -> _FEnv:
    env = _FEnv()
    _LIBM.fegetenv(ctypes.byref(env))
    return env
