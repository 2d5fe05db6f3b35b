"""Arrays kept from one call to the next, by name: a layer direction's buffers."""
from __future__ import annotations

import math

import numpy as np


class Workspace:
    """Arrays kept from one call to the next, by name (a layer's forward/backward buffers).

    A fresh large array costs the operating system's page faults on first touch (here
    ~0.25 ms per MiB, more than the arithmetic on it), so each name keeps one flat buffer
    that only grows, and a call gets the front of it in the shape it asks for: calls of
    any size up to the largest so far (training batches, then smaller validation ones)
    allocate nothing. Whatever lives in them is only valid until the next forward, so
    each forward takes a new `generation` and its cache keeps it: a backward with an older
    cache is refused (`check`) instead of reading another forward's numbers.
    """

    def __init__(self, xp=np):
        self.xp, self._arrays, self._plans = xp, {}, {}
        self.generation = 0

    def next_generation(self) -> int:
        """A forward starts: what the buffers held before is no longer valid."""
        self.generation += 1
        return self.generation

    def check(self, generation: int) -> None:
        """Refuse a cache whose forward's buffers were overwritten by a later forward."""
        if generation != self.generation:
            raise RuntimeError(
                "stale cache: this workspace ran another forward since the one that made "
                f"this cache (forward #{generation}, now #{self.generation}); the fast "
                "engine reuses its buffers, so backward needs the latest forward's cache "
                "(or use engine='plain', whose caches are values)")

    def empty(self, key, shape, dtype):
        """An uninitialized C-contiguous array of `shape` for `key`."""
        size = math.prod(shape)
        flat = self._arrays.get(key)
        if flat is None or flat.size < size or flat.dtype != dtype:
            flat = self._arrays[key] = self.xp.empty(size, dtype=dtype)
            self._plans.clear()  # their views point into the old buffer
        return flat[:size].reshape(shape)

    def plan(self, key, make):
        """make(), kept while `key` stays the same and no buffer is reallocated: the loop's
        steps bound to views of these buffers (engine/loop.py). One plan per key[0]."""
        kept = self._plans.get(key[0])
        if kept is None or kept[0] != key:
            kept = self._plans[key[0]] = (key, make())
        return kept[1]
