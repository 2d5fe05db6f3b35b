"""One buffer for all of a model's parameters, one for their gradients: an optimizer's
update is then one call per equation for the whole model, not one per parameter.

An optimizer's equations are elementwise (optim/adam.py, sgd.py), so they give the same
numbers on one long array as on its pieces. `flatten` moves a module's parameters and
gradients into two flat buffers, each array a view of its part (names, shapes and values
unchanged), once, in the model's constructor: from then on the arrays keep their identity
for the life of the module (nn/module.py). `FlatUpdate` keeps an optimizer's state the
same way, so that `state_dict()` still shows one array per parameter name.

What it buys: Adam on the LSTM model (six parameters) is 13 NumPy calls a step instead of
78 (docs/performance.md, step 13).
"""
from __future__ import annotations

import numbers
from typing import NamedTuple

from ..backend import namespace_of


class Storage(NamedTuple):
    """A module's parameters (and gradients) as views of one flat buffer each."""
    params: object   # (N,) every parameter, in the order of module.params
    grads: object    # (N,) every gradient, same places
    layout: tuple    # (name, start, stop, shape) per parameter


def flatten(module) -> None:
    """Move `module`'s parameters and gradients into one buffer each (values kept), and
    record where each lives in ``module.flat_storage``. Arrays of mixed dtypes stay as
    they are. Run it before anyone holds the arrays: the module rebinds them here."""
    params, grads = module.params, module.grads
    dtypes = {p.dtype for p in params.values()}
    if len(dtypes) != 1:                                      # no parameters, or mixed
        return
    xp, dtype, layout, start = module.xp, dtypes.pop(), [], 0
    for name, p in params.items():
        layout.append((name, start, start + p.size, tuple(p.shape)))
        start += p.size
    storage = Storage(xp.empty(start, dtype=dtype), xp.empty(start, dtype=dtype),
                      tuple(layout))
    views = {}
    for name, a, b, shape in layout:
        views[name] = (storage.params[a:b].reshape(shape), storage.grads[a:b].reshape(shape))
        views[name][0][...] = params[name]
        views[name][1][...] = grads[name]
    module.rebind_arrays(views)
    module.flat_storage = storage


class FlatUpdate:
    """An optimizer's per-parameter state over a `Storage`: each array of the state (Adam's
    moments, SGD's momentum) is one flat array whose views are the per-name arrays, and the
    numbers (Adam's step count) are the same for every name.

    `of` returns None where that cannot hold (no flat storage, or a loaded state whose
    parameters have different keys or step counts): the optimizer then updates one
    parameter at a time."""

    def __init__(self, storage: Storage, state: dict, flat_state: dict):
        self.storage, self.state, self.flat_state = storage, state, flat_state
        self.viewed = set()  # keys of flat_state whose per-name views exist

    @classmethod
    def of(cls, module, state: dict):
        storage = getattr(module, "flat_storage", None)
        if storage is None:
            return None
        per_name = [state[name] for name, *_ in storage.layout]
        keys = set(per_name[0])
        if any(set(st) != keys for st in per_name):
            return None
        flat_state = {}
        for key in keys:
            values = [st[key] for st in per_name]
            if isinstance(values[0], numbers.Number):
                if any(v != values[0] for v in values):
                    return None
                flat_state[key] = values[0]
            else:                                   # one array: the names' arrays, in order
                flat_state[key] = namespace_of(storage.params).concatenate(
                    [v.reshape(-1) for v in values])
        update = cls(storage, state, flat_state)
        update._spread()
        return update

    def step(self, update) -> None:
        """update(param, grad, state): one optimizer's equations, on every parameter at once."""
        update(self.storage.params, self.storage.grads, self.flat_state)
        self._spread()

    def _spread(self) -> None:
        """Per name: the numbers of the flat state, and views of its arrays (made once)."""
        for key, value in self.flat_state.items():
            number = isinstance(value, numbers.Number)
            if number or key not in self.viewed:
                for name, a, b, shape in self.storage.layout:
                    self.state[name][key] = value if number else value[a:b].reshape(shape)
            if not number:
                self.viewed.add(key)
