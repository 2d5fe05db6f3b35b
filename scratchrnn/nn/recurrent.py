"""Multi-layer, optionally bidirectional RNN / LSTM / GRU layers with torch.nn's API.

    layer = LSTM(input_size, hidden_size, num_layers=2, batch_first=True, dtype='float64')
    output, (h_n, c_n) = layer.forward(x)              # exactly what torch returns
    dx, (dh0, dc0) = layer.backward(d_output, (dh_n, dc_n))  # accumulates layer.grads

Parameters are named and shaped as torch's state_dict (gates stacked in torch's order):
    weight_ih_l{k}[_reverse]  (G*H, I) for k = 0, (G*H, D*P) above
    weight_hh_l{k}[_reverse]  (G*H, P)
    bias_ih_l{k}[_reverse], bias_hh_l{k}[_reverse]  (G*H,)
    weight_hr_l{k}[_reverse]  (P, H)   LSTM with proj_size = P > 0 only
with G = 1 (RNN), 4 (LSTM), 3 (GRU); D = 2 if bidirectional else 1; P = proj_size or H.
engine='plain' runs the lesson: the loop over time `scratchrnn.bptt` over the steps of
`scratchrnn.cells.*`, the whole batch in the calling thread. engine='fast' runs
`scratchrnn.engine` (proven equal and faster: docs/performance.md); None (the default)
follows `scratchrnn.set_engine` at each call ('fast' unless set).
"""
from __future__ import annotations

import numbers
import warnings
from typing import NamedTuple

import numpy as np

from .. import bptt
from .. import engine as fast_engine
from .. import init as _init
from ..backend import asarray, check_engine, get_engine, get_xp, resolve_dtype
from ..cells import CELLS
from ..errors import ShapeError
from ..grad_mode import is_grad_enabled, no_cache_error
from .module import Module


GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}  # torch's stacked gates: weight_ih is (GATES*H, I)


class _ForwardCache(NamedTuple):
    engine: str          # the engine that ran the forward (and runs its backward)
    directions: list     # [layer][direction] -> bptt.Cache or engine.Cache
    masks: list          # [layer] dropout mask applied to that layer's output, or None
    batched: bool
    hx_shapes: tuple     # shapes of h0 (and c0) as the caller passed / got them
    out_shape: tuple


class RNNBase(Module):
    """Shared machinery; use RNN, LSTM or GRU."""

    mode = ""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, nonlinearity="tanh", *,
                 dtype="float32", seed=None, init="default", backend=None, engine=None):
        _check_args(self.mode, input_size, hidden_size, num_layers, dropout, proj_size,
                    nonlinearity)
        super().__init__(get_xp(backend), resolve_dtype(dtype))
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          f"non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", UserWarning)
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        self.nonlinearity, self.init = nonlinearity, init
        self.engine = engine
        self.num_directions = 2 if bidirectional else 1
        self._rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self._build_params()
        self._cache, self._kept = None, True  # _kept: False after a forward under no_grad
        self._workspaces = {}  # (layer, direction) -> Workspace: buffers reused across calls

    # -- engine -----------------------------------------------------------------------
    @property
    def engine(self) -> str:
        """'plain' or 'fast': the engine the next forward uses (see the module docstring)."""
        return self._engine or get_engine()

    @engine.setter
    def engine(self, name) -> None:
        self._engine = check_engine(name)

    def _run_forward(self, engine_name, layer, d, inp, state0, last, keep):
        p = self._direction(self._params, self._suffix(layer, d))
        if engine_name == "plain":  # the lesson keeps its cache; under no_grad it is dropped
            return bptt.direction_forward(CELLS[self.mode], inp, state0, p, self.nonlinearity,
                                          reverse=bool(d), last_only=last)
        return fast_engine.direction_forward(fast_engine.KERNELS[self.mode], inp, state0, p,
                                             self.nonlinearity, reverse=bool(d),
                                             last_only=last,
                                             workspace=self._workspace(layer, d), keep=keep)

    def _run_backward(self, engine_name, layer, d, dout, dstate_T, cache, truncate):
        sfx = self._suffix(layer, d)
        p, grads = self._direction(self._params, sfx), self._direction(self._grads, sfx)
        if engine_name == "plain":
            return bptt.direction_backward(CELLS[self.mode], dout, dstate_T, cache, p, grads,
                                           truncate)
        return fast_engine.direction_backward(fast_engine.KERNELS[self.mode], dout, dstate_T,
                                              cache, p, grads, self.nonlinearity, truncate)

    # -- parameters -------------------------------------------------------------------
    @property
    def out_size(self) -> int:
        """P: size of h_t (proj_size if > 0, else hidden_size)."""
        return self.proj_size or self.hidden_size

    @staticmethod
    def _suffix(layer: int, d: int) -> str:
        """torch's name suffix of a layer's direction: '_l0', '_l1_reverse', ..."""
        return f"_l{layer}" + ("_reverse" if d else "")

    def _suffixes(self):
        for layer in range(self.num_layers):
            for d in range(self.num_directions):
                yield layer, d, self._suffix(layer, d)

    def _build_params(self):
        G, H, P, D = GATES[self.mode] * self.hidden_size, self.hidden_size, self.out_size, \
            self.num_directions
        host = {}
        for layer, _, sfx in self._suffixes():
            in_size = self.input_size if layer == 0 else D * P
            host[f"weight_ih{sfx}"] = np.empty((G, in_size))
            host[f"weight_hh{sfx}"] = np.empty((G, P))
            if self.bias:
                host[f"bias_ih{sfx}"] = np.empty(G)
                host[f"bias_hh{sfx}"] = np.empty(G)
            if self.proj_size:
                host[f"weight_hr{sfx}"] = np.empty((P, H))
        _init.init_recurrent_(host, H, self.init, self._rng)
        for name, value in host.items():
            self._add_param(name, self.xp.asarray(value, dtype=self.dtype))

    def _direction(self, store: dict, sfx: str) -> dict:
        """The arrays of one direction under the short names bptt uses."""
        return {short: store.get(f"{long}{sfx}") for short, long in (
            ("w_ih", "weight_ih"), ("w_hh", "weight_hh"), ("b_ih", "bias_ih"),
            ("b_hh", "bias_hh"), ("w_hr", "weight_hr"))}

    # -- forward ----------------------------------------------------------------------
    def forward(self, input, hx=None, *, last_only=False):
        """input: (T,B,I), or (B,T,I) if batch_first, or unbatched (T,I).

        hx: h_0 (D*L, B, P) for RNN/GRU, (h_0, c_0) with c_0 (D*L, B, H) for LSTM; 2-D
        without the B axis for unbatched input; None means zeros.
        Returns (output, h_n) or, for LSTM, (output, (h_n, c_n)), shaped as torch's:
        output (T,B,D*P) (batch_first: (B,T,D*P); unbatched: (T,D*P)).
        last_only=True (not in torch): output is only the last time step's, (B,D*P) (or
        (D*P,) unbatched) = torch's output[:, -1] (batch_first), and the full output is
        never built; backward then takes a gradient of that shape.
        """
        x, batched = self._check_input(input)                 # T,B,I
        states = self._check_hx(hx, batched, x.shape[1])      # tuple of (D*L,B,*)
        xp, D, engine_name = self.xp, self.num_directions, self.engine
        keep = is_grad_enabled()                              # False under no_grad()
        caches, masks, finals = [], [], [[] for _ in states]
        inp = x
        for layer in range(self.num_layers):
            outs, layer_caches = [], []
            last = last_only and layer == self.num_layers - 1
            for d in range(D):
                state0 = tuple(s[layer * D + d] for s in states)
                out, state_T, cache = self._run_forward(engine_name, layer, d, inp, state0, last,
                                                        keep)
                outs.append(out)
                layer_caches.append(cache)
                for k, s in enumerate(state_T):
                    finals[k].append(s)
            inp = outs[0] if D == 1 else xp.concatenate(outs, axis=-1)  # T,B,D*P (or B,D*P)
            mask = self._dropout_mask(inp.shape) if layer < self.num_layers - 1 else None
            if mask is not None:
                inp = inp * mask
            caches.append(layer_caches)
            masks.append(mask)
        h_n = tuple(xp.stack(f) for f in finals)                # (D*L,B,P) [, (D*L,B,H)]
        output = inp.transpose(1, 0, 2) if self.batch_first and batched and not last_only \
            else inp
        if not batched:
            output = output[0] if last_only else output[:, 0]
            h_n = tuple(h[:, 0] for h in h_n)
        self._cache = _ForwardCache(engine_name, caches, masks, batched,
                                    tuple(h.shape for h in h_n), tuple(output.shape)) \
            if keep else None
        self._kept = keep
        return output, (h_n if self.mode == "LSTM" else h_n[0])

    def _workspace(self, layer, d):
        """The fast engine's reusable buffers of one layer direction (engine.Workspace)."""
        return self._workspaces.setdefault((layer, d), fast_engine.Workspace(self.xp))

    def _dropout_mask(self, shape):
        """Inverted dropout as torch: keep with prob 1-p, scale kept values by 1/(1-p)."""
        if not self.training or self.dropout == 0:
            return None
        keep = self._rng.random(shape) >= self.dropout
        scale = 0.0 if self.dropout == 1 else 1.0 / (1.0 - self.dropout)
        return self.xp.asarray(keep * scale, dtype=self.dtype)

    # -- backward ---------------------------------------------------------------------
    def backward(self, grad_output, grad_hx=None, *, truncate=None):
        """Backpropagate through time; ACCUMULATE parameter gradients into ``grads``.

        grad_output: shaped like forward's output. grad_hx: gradient on h_n (LSTM:
        (dh_n, dc_n)), None means zero. truncate=k: truncated BPTT, the state is detached
        once, at step T-k: no gradient flows from steps >= T-k back into steps < T-k
        (torch equivalent: run x[:T-k], detach the state, run x[T-k:]); unidirectional
        layers only. With a gradient on the last output only, backprop covers k steps.
        Returns (grad_input, grad_hx) shaped like (input, hx): grad_hx is dh_0, or
        (dh_0, dc_0) for LSTM (the gradient on the zero state when hx was None).
        """
        if self._cache is None:
            raise no_cache_error(self.mode, self._kept)
        cache, xp, D = self._cache, self.xp, self.num_directions
        truncate = self._check_truncate(truncate)
        dout = asarray(grad_output, xp, self.dtype)
        if tuple(dout.shape) != cache.out_shape:
            raise ShapeError(f"{self.mode}.backward: expected grad_output of shape "
                             f"{cache.out_shape}, got {tuple(dout.shape)}")
        dstates = self._check_grad_hx(grad_hx, cache)          # tuple of (D*L,B,*)
        last_only = dout.ndim == (2 if cache.batched else 1)   # after forward(last_only=True)
        if not cache.batched:
            dout = dout[None] if last_only else dout[:, None]
        elif self.batch_first and not last_only:
            dout = dout.transpose(1, 0, 2)                     # T,B,D*P
        dstate0 = [[None] * (D * self.num_layers) for _ in dstates]
        P = self.out_size
        for layer in reversed(range(self.num_layers)):
            if cache.masks[layer] is not None:
                dout = dout * cache.masks[layer]
            dinp = None
            for d in range(D):
                idx = layer * D + d
                dx, ds0 = self._run_backward(
                    cache.engine, layer, d, dout[..., d * P:(d + 1) * P],
                    tuple(s[idx] for s in dstates), cache.directions[layer][d], truncate)
                dinp = dx if dinp is None else dinp + dx       # T,B,I (layer 0) or T,B,D*P
                for k, s in enumerate(ds0):
                    dstate0[k][idx] = s
            dout = dinp
        grad_input = dout.transpose(1, 0, 2) if self.batch_first and cache.batched else dout
        grad_h = tuple(xp.stack(s) for s in dstate0)
        if not cache.batched:
            grad_input, grad_h = grad_input[:, 0], tuple(g[:, 0] for g in grad_h)
        return grad_input, (grad_h if self.mode == "LSTM" else grad_h[0])

    # -- validation -------------------------------------------------------------------
    def _check_input(self, input):
        x = asarray(input, self.xp, self.dtype).copy()  # ours: caches may hold its steps
        if x.ndim not in (2, 3):
            raise ShapeError(f"{self.mode}: Expected input to be 2D or 3D, got {x.ndim}D "
                             f"input instead (shape {tuple(x.shape)})")
        if x.shape[-1] != self.input_size:
            raise ShapeError(f"input.size(-1) must be equal to input_size. Expected "
                             f"{self.input_size}, got {x.shape[-1]}")
        batched = x.ndim == 3
        if not batched:
            x = x[:, None]                                      # T,1,I
        elif self.batch_first:
            x = x.transpose(1, 0, 2)                            # T,B,I
        if x.shape[0] == 0 or x.shape[1] == 0:
            raise ShapeError(f"{self.mode}: expected at least one time step and one sample, "
                             f"got input of shape {tuple(input.shape)}")
        return x, batched

    def _state_shapes(self, batch):
        n = self.num_directions * self.num_layers
        shapes = [(n, batch, self.out_size)]
        if self.mode == "LSTM":
            shapes.append((n, batch, self.hidden_size))
        return shapes

    def _split_state(self, hx, what):
        if self.mode != "LSTM":
            return (hx,)
        if not isinstance(hx, (tuple, list)) or len(hx) != 2:
            raise ShapeError(f"LSTM expects {what} as a tuple (h, c) of two arrays, "
                             f"got {type(hx).__name__}")
        return tuple(hx)

    def _check_hx(self, hx, batched, batch):
        shapes = self._state_shapes(batch)
        if hx is None:
            return tuple(self.xp.zeros(s, dtype=self.dtype) for s in shapes)
        states = [asarray(s, self.xp, self.dtype).copy() for s in self._split_state(hx, "hx")]
        for k, (s, shape) in enumerate(zip(states, shapes)):
            name = "hx" if self.mode != "LSTM" else ("h_0", "c_0")[k]
            if not batched:
                if s.ndim != 2:
                    raise ShapeError(f"For unbatched 2-D input, {name} should also be 2-D but "
                                     f"got {s.ndim}-D array")
                s = states[k] = s[:, None]
            if tuple(s.shape) != shape:
                exp = shape if batched else (shape[0], shape[2])
                got = tuple(s.shape) if batched else (s.shape[0], s.shape[2])
                raise ShapeError(f"Expected hidden size {exp} for {name}, got {got}")
        return tuple(states)

    def _check_grad_hx(self, grad_hx, cache):
        if grad_hx is None:
            return tuple(self.xp.zeros(_batched(s, cache.batched), dtype=self.dtype)
                         for s in cache.hx_shapes)
        grads = [asarray(g, self.xp, self.dtype) for g in self._split_state(grad_hx, "grad_hx")]
        for g, shape in zip(grads, cache.hx_shapes):
            if tuple(g.shape) != shape:
                raise ShapeError(f"{self.mode}.backward: expected grad_hx of shape {shape}, "
                                 f"got {tuple(g.shape)}")
        return tuple(g if cache.batched else g[:, None] for g in grads)

    def _check_truncate(self, truncate):
        if truncate is None:
            return None
        if isinstance(truncate, bool) or not isinstance(truncate, numbers.Integral) \
                or truncate < 1:
            raise ValueError(f"truncate must be a positive int (number of steps), "
                             f"got {truncate!r}")
        if self.bidirectional:
            raise ValueError("truncate is only defined for unidirectional layers")
        return int(truncate)

    def extra_repr(self) -> str:
        extras = {"nonlinearity": self.nonlinearity if self.mode == "RNN" else "tanh",
                  "bias": self.bias, "dropout": self.dropout, "proj_size": self.proj_size}
        defaults = {"nonlinearity": "tanh", "bias": True, "dropout": 0.0, "proj_size": 0}
        shown = "".join(f", {k}={v!r}" for k, v in extras.items() if v != defaults[k])
        return (f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
                f"batch_first={self.batch_first}, bidirectional={self.bidirectional}"
                f"{shown}, dtype={self.dtype.name}, engine={self.engine!r}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.extra_repr()})"


def _batched(shape, batched):
    return shape if batched else (shape[0], 1, shape[1])


def _check_args(mode, input_size, hidden_size, num_layers, dropout, proj_size, nonlinearity):
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size),
                        ("num_layers", num_layers)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be greater than zero, got {value}")
    if isinstance(dropout, bool) or not isinstance(dropout, numbers.Number) \
            or not 0 <= dropout <= 1:
        raise ValueError("dropout should be a number in range [0, 1] representing the "
                         f"probability of an element being zeroed, got {dropout!r}")
    if proj_size < 0:
        raise ValueError(f"proj_size should be a positive integer or zero to disable "
                         f"projections, got {proj_size}")
    if proj_size >= hidden_size:
        raise ValueError(f"proj_size has to be smaller than hidden_size, got proj_size="
                         f"{proj_size} and hidden_size={hidden_size}")
    if mode == "RNN" and nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")


def _no_option(mode, kw, *names):
    """torch's layers take no such argument either: say so instead of a confusing TypeError."""
    for name in names:
        if name in kw:
            raise TypeError(f"{mode} takes no '{name}' argument (only "
                            f"{'RNN' if name == 'nonlinearity' else 'LSTM'} has one), got "
                            f"{name}={kw[name]!r}")


class RNN(RNNBase):
    """Elman RNN, h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh). See cells/rnn.py."""

    mode = "RNN"

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, **kw):
        _no_option("RNN", kw, "proj_size")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, 0, nonlinearity, **kw)


class LSTM(RNNBase):
    """LSTM with gates i, f, g, o and optional projection. See cells/lstm.py."""

    mode = "LSTM"

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, **kw):
        _no_option("LSTM", kw, "nonlinearity")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, "tanh", **kw)


class GRU(RNNBase):
    """GRU with gates r, z, n, reset applied after the matmul as torch. See cells/gru.py."""

    mode = "GRU"

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, **kw):
        _no_option("GRU", kw, "nonlinearity", "proj_size")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, 0, "tanh", **kw)
