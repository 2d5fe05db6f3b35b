"""Module: the contract every layer and model keeps.

* ``params`` and ``grads`` are dicts whose keys and shapes are exactly torch's
  ``state_dict()`` keys and shapes (``weight_ih_l0``, ``fc.bias``, ...).
* The arrays inside them keep their identity for the life of the module: optimizers,
  ``load_state_dict`` and ``zero_grad`` change them in place, never rebind them, so a
  reference taken once (``opt = Adam(model)``) stays valid.
* ``backward`` *accumulates* into ``grads`` like torch's ``.grad``.
"""
from __future__ import annotations

from ..backend import asarray, to_numpy


class Module:
    """Base class: parameters of its own plus named child modules (like torch.nn.Module)."""

    def __init__(self, xp, dtype):
        self.xp, self.dtype = xp, dtype
        self.training = True
        self._params: dict = {}  # own parameters, e.g. {'weight': W}
        self._grads: dict = {}
        self._children: dict = {}  # name -> Module, e.g. {'rnn': RNN, 'fc': Linear}
        self.flat_storage = None   # engine.flat.Storage once a model has flattened its arrays

    # -- parameters -------------------------------------------------------------------
    def _add_param(self, name: str, array) -> None:
        self._params[name] = array
        self._grads[name] = self.xp.zeros_like(array)

    def _add_child(self, name: str, module: "Module") -> None:
        self._children[name] = module

    def _collect(self, attr: str) -> dict:
        out = dict(getattr(self, attr))
        for prefix, child in self._children.items():
            out.update({f"{prefix}.{k}": v for k, v in child._collect(attr).items()})
        return out

    def rebind_arrays(self, arrays: dict) -> None:
        """Give parameters new arrays, {full name: (param, grad)}: for engine.flat.flatten
        only, in a model's constructor, before anyone holds the old arrays."""
        for name, (param, grad) in arrays.items():
            owner, *path, local = [self, *name.split(".")]
            for child in path:
                owner = owner._children[child]
            owner._params[local], owner._grads[local] = param, grad

    @property
    def params(self) -> dict:
        """Name -> parameter array, keyed like torch's ``state_dict()``."""
        return self._collect("_params")

    @property
    def grads(self) -> dict:
        """Name -> accumulated gradient, same keys and shapes as ``params``."""
        return self._collect("_grads")

    def zero_grad(self) -> None:
        if self.flat_storage is not None:   # every gradient is a view of this buffer
            self.flat_storage.grads.fill(0)
            return
        for g in self.grads.values():
            g.fill(0)

    def num_parameters(self) -> int:
        return sum(int(p.size) for p in self.params.values())

    # -- state dict -------------------------------------------------------------------
    def state_dict(self) -> dict:
        """Copies of the parameters as NumPy arrays, keyed like torch's ``state_dict()``."""
        return {k: to_numpy(v).copy() for k, v in self.params.items()}

    def load_state_dict(self, mapping) -> None:
        """Copy array-likes (NumPy, torch tensors, lists) into the parameters, in place."""
        params = self.params
        missing = sorted(set(params) - set(mapping))
        unexpected = sorted(set(mapping) - set(params))
        loaded = {k: asarray(mapping[k], self.xp, self.dtype) for k in params if k in mapping}
        wrong = [f"{k}: expected {tuple(params[k].shape)}, got {tuple(v.shape)}"
                 for k, v in loaded.items() if tuple(v.shape) != tuple(params[k].shape)]
        if missing or unexpected or wrong:
            problems = []
            if missing:
                problems.append(f"missing keys {missing}")
            if unexpected:
                problems.append(f"unexpected keys {unexpected}")
            if wrong:
                problems.append("mis-shaped " + "; ".join(wrong))
            raise ValueError(f"load_state_dict for {type(self).__name__}: " + ", ".join(problems))
        for k, v in loaded.items():
            params[k][...] = v

    # -- modes ------------------------------------------------------------------------
    def train(self, mode: bool = True) -> "Module":
        self.training = mode
        for child in self._children.values():
            child.train(mode)
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)
