"""Optimizer: what SGD, Adam and AdamW share (torch.optim.Optimizer, one parameter group).

An optimizer holds a module (anything with ``.params`` and ``.grads`` dicts, name -> array)
and, per parameter name, a small ``state`` dict (momentum buffer, Adam moments, step count).
``step()`` changes every parameter array IN PLACE, so references to the arrays taken
elsewhere (the module's cells, a checkpoint) stay valid.

    opt = Adam(model, lr=1e-3)
    for x, y in batches:
        opt.zero_grad()
        loss = criterion(model(x), y)
        model.backward(criterion.backward())
        opt.step()
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ..backend import asarray, namespace_of, to_numpy
from ..engine.flat import FlatUpdate


def check_number(name: str, value, *, low=None, low_open=False, high=None, high_open=False):
    """Return `value` as a float if low <= value <= high (open ends if *_open), else ValueError.

    NaN fails every bound. The message says what was expected and what was got.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    ok = not math.isnan(value)
    if low is not None:
        ok = ok and (value > low if low_open else value >= low)
    if high is not None:
        ok = ok and (value < high if high_open else value <= high)
    if not ok:
        lo = "" if low is None else f"{low} {'<' if low_open else '<='} "
        hi = "" if high is None else f" {'<' if high_open else '<='} {high}"
        raise ValueError(f"invalid {name}: expected {lo}{name}{hi}, got {value!r}")
    return value


def check_module(module, who: str) -> None:
    """`module` must have ``params`` and ``grads`` dicts with the same keys and shapes."""
    params, grads = getattr(module, "params", None), getattr(module, "grads", None)
    if not isinstance(params, dict) or not isinstance(grads, dict):
        raise TypeError(f"{who}: expected a module with .params and .grads dicts "
                        f"(name -> array), got {type(module).__name__}")
    if set(params) != set(grads):
        raise ValueError(f"{who}: .params and .grads have different keys: "
                         f"{sorted(set(params) ^ set(grads))}")
    for name, p in params.items():
        if tuple(p.shape) != tuple(grads[name].shape):
            raise ValueError(f"{who}: grads[{name!r}]: expected shape {tuple(p.shape)}, "
                             f"got {tuple(grads[name].shape)}")


class Optimizer:
    """Base class. Subclasses set ``hyperparameters`` (names of attributes) and ``_update``."""

    hyperparameters: tuple = ("lr",)

    def __init__(self, module, **hyper):
        check_module(module, type(self).__name__)
        self.module = module
        for name, value in hyper.items():
            setattr(self, name, value)
        # per parameter name: {'step': int, 'exp_avg': array, ...}; filled on the first step
        self.state: dict = {name: {} for name in module.params}
        self._flat = None  # engine.flat.FlatUpdate, False if there is none; None: not asked

    def step(self) -> None:
        """One update of every parameter, in place, from the module's current gradients."""
        if self._flat is None:
            self._flat = FlatUpdate.of(self.module, self.state) or False
        if self._flat:  # the model's arrays share one buffer: all of them in one update
            self._flat.step(self._update)
            return
        params, grads = self.module.params, self.module.grads
        for name, p in params.items():
            self._update(p, grads[name], self.state[name])

    def _update(self, param, grad, state: dict) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def zero_grad(self) -> None:
        """Set every gradient to 0 in place (torch sets them to None; the effect is the same)."""
        storage = getattr(self.module, "flat_storage", None)
        for g in [storage.grads] if storage is not None else self.module.grads.values():
            g.fill(0)

    # -- checkpoints ------------------------------------------------------------------
    def state_dict(self) -> dict:
        """Hyper-parameters and per-parameter state, as host NumPy copies (picklable)."""
        return {
            "type": type(self).__name__,
            "hyperparameters": {k: getattr(self, k) for k in self.hyperparameters},
            "state": {name: {k: (to_numpy(v).copy() if not isinstance(v, numbers.Number) else v)
                             for k, v in st.items()}
                      for name, st in self.state.items()},
        }

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore what `state_dict()` returned, copying arrays onto this module's backend.

        Like torch, the hyper-parameters (lr, betas, ...) are restored too.
        """
        who = f"{type(self).__name__}.load_state_dict"
        if state_dict.get("type") != type(self).__name__:
            raise ValueError(f"{who}: expected a state_dict of {type(self).__name__}, "
                             f"got one of {state_dict.get('type')!r}")
        params = self.module.params
        state = state_dict["state"]
        if set(state) != set(params):
            raise ValueError(f"{who}: parameter names differ: "
                             f"{sorted(set(state) ^ set(params))}")
        new = {}
        for name, st in state.items():
            p = params[name]
            new[name] = {}
            for k, v in st.items():
                if isinstance(v, numbers.Number):
                    new[name][k] = v
                    continue
                v = np.array(to_numpy(v))  # a copy: nothing shared with the caller's dict
                if tuple(v.shape) != tuple(p.shape):
                    raise ValueError(f"{who}: state[{name!r}][{k!r}]: expected shape "
                                     f"{tuple(p.shape)}, got {tuple(v.shape)}")
                new[name][k] = asarray(v, namespace_of(p), p.dtype)
        hyper = dict(state_dict["hyperparameters"])
        # validate by building a fresh optimizer with those hyper-parameters
        type(self)(self.module, **hyper)
        for k, v in hyper.items():
            setattr(self, k, v)
        self.state, self._flat = new, None

    def __repr__(self) -> str:
        hp = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.hyperparameters)
        return f"{type(self).__name__}({hp})"
