"""torch's grad mode: ``with scratchrnn.no_grad(): model.forward(x)`` keeps nothing for backward.

A forward normally keeps what backward needs (every step's gates, states and inputs).
Under ``no_grad()`` (torch's name and use: a context manager or a decorator) the layers
keep nothing: the fast engine reuses two steps' buffers instead of keeping all T
(docs/performance.md), and a backward after such a forward raises, as torch does.
The mode belongs to the calling thread (or asyncio task), as torch's does.
"""
from __future__ import annotations

import contextlib
import contextvars

_enabled = contextvars.ContextVar("scratchrnn_grad_enabled", default=True)


def is_grad_enabled() -> bool:
    """False inside ``no_grad()``: forwards then keep nothing for backward."""
    return _enabled.get()


class no_grad(contextlib.ContextDecorator):  # noqa: N801 - torch's name
    """Context manager (or decorator) under which forwards keep no cache for backward."""

    def __init__(self):
        self._tokens = []

    def __enter__(self):
        self._tokens.append(_enabled.set(False))
        return self

    def __exit__(self, *exc):
        _enabled.reset(self._tokens.pop())
        return False


def no_cache_error(who: str, kept: bool) -> RuntimeError:
    """What `who`.backward raises without a cache: no forward yet (kept), or the last
    forward ran under no_grad() (not kept)."""
    return RuntimeError(f"{who}.backward called before forward" if kept else
                        f"{who}.backward impossible: the last forward ran under "
                        "scratchrnn.no_grad(), which keeps nothing to backpropagate through")
