"""The slides' three models: a batch_first recurrent layer + Linear on the last step.

    VanillaRNN(input_size, hidden_size, output_size)   # nn.RNN  + nn.Linear
    LSTMModel(input_size, hidden_size, output_size)    # nn.LSTM + nn.Linear
    GRUModel(input_size, hidden_size, output_size)     # nn.GRU  + nn.Linear

    y = fc(out[:, -1, :])     x (B,T,I) -> out (B,T,D*P) -> y (B,output_size)

Extra keyword arguments go to the recurrent layer (num_layers, dropout, bidirectional,
bias, dtype, seed, init, backend, engine; plus nonlinearity for VanillaRNN, proj_size
for LSTMModel). Parameter names are the torch
models' state_dict keys: 'rnn.weight_ih_l0' / 'lstm.…' / 'gru.…', 'fc.weight', 'fc.bias'.
"""
from __future__ import annotations

import numpy as np

from .backend import asarray
from .engine.flat import flatten
from .errors import ShapeError
from .nn import GRU, LSTM, RNN, Linear, Module


class _LastStepModel(Module):
    layer_cls = RNN
    layer_name = "rnn"

    def __init__(self, input_size, hidden_size, output_size, **layer_kwargs):
        if not layer_kwargs.pop("batch_first", True):
            raise ValueError(f"{type(self).__name__} is batch_first as on the slides; "
                             "batch_first=False is not supported")
        seed = layer_kwargs.pop("seed", None)
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        layer = self.layer_cls(input_size, hidden_size, batch_first=True, seed=rng,
                               **layer_kwargs)
        super().__init__(layer.xp, layer.dtype)
        fc = Linear(layer.num_directions * layer.out_size, output_size,
                    dtype=layer.dtype, seed=rng, init=layer_kwargs.get("init", "default"),
                    backend=layer_kwargs.get("backend"))
        self._add_child(self.layer_name, layer)
        self._add_child("fc", fc)
        self.input_size, self.hidden_size, self.output_size = input_size, hidden_size, output_size
        # constructor arguments, enough to rebuild the model (checkpoints, reference.to_torch)
        self.config = dict(input_size=input_size, hidden_size=hidden_size,
                           output_size=output_size, **{k: v for k, v in layer_kwargs.items()
                                                       if k not in ("backend", "engine")})
        self.config["dtype"] = layer.dtype.name
        self._out_shape = None
        if self.engine == "fast":  # one buffer for all parameters: an optimizer's step in a
            flatten(self)          # few calls (the lesson's engine keeps one per parameter)

    @property
    def layer(self):
        return self._children[self.layer_name]

    @property
    def fc(self):
        return self._children["fc"]

    @property
    def engine(self) -> str:
        """'plain' (the lesson) or 'fast' (scratchrnn.engine): the recurrent layer's engine."""
        return self.layer.engine

    @engine.setter
    def engine(self, name) -> None:
        self.layer.engine = name

    def forward(self, x):
        """x (B,T,I) -> prediction (B,output_size) from the last time step."""
        x = asarray(x, self.xp, self.dtype)
        if x.ndim != 3:
            raise ShapeError(f"{type(self).__name__}: expected input of shape (batch, time, "
                             f"{self.input_size}), got {tuple(x.shape)}")
        # out[:, -1, :] of the layer's output (B,T,D*P), without building the rest
        last, _ = self.layer.forward(x, last_only=True)  # B,D*P  (h0 = zeros, as the slides)
        self._out_shape = last.shape
        return self.fc.forward(last)                 # B,O

    def backward(self, grad_out, *, truncate=None):
        """grad_out (B,output_size) -> grad of the input (B,T,I); accumulates grads.

        truncate=k backpropagates through the last k steps only (see the layer's backward).
        """
        if self._out_shape is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        d_last = self.fc.backward(asarray(grad_out, self.xp, self.dtype))  # B,D*P
        grad_input, _ = self.layer.backward(d_last, truncate=truncate)
        return grad_input

    def __repr__(self):
        fc = f"fc={self.fc.in_features}->{self.output_size}"
        return f"{type(self).__name__}({self.layer!r}, {fc})"


class VanillaRNN(_LastStepModel):
    """nn.RNN (tanh) + Linear on the last step, as on the slides."""
    layer_cls, layer_name = RNN, "rnn"


class LSTMModel(_LastStepModel):
    """nn.LSTM + Linear on the last step, as on the slides."""
    layer_cls, layer_name = LSTM, "lstm"


class GRUModel(_LastStepModel):
    """nn.GRU + Linear on the last step, as on the slides."""
    layer_cls, layer_name = GRU, "gru"


MODELS = {"rnn": VanillaRNN, "lstm": LSTMModel, "gru": GRUModel}
