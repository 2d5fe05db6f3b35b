"""Move weights between scratchrnn and torch by name (the names are the same)."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

import scratchrnn.models as sm
import scratchrnn.nn as snn
from scratchrnn.backend import to_numpy
from scratchrnn.train.checkpoint import load_checkpoint as _load_scratch

from . import models as tm

_TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64}
_LAYERS = {snn.RNN: nn.RNN, snn.LSTM: nn.LSTM, snn.GRU: nn.GRU}
_MODELS = {sm.VanillaRNN: tm.VanillaRNN, sm.LSTMModel: tm.LSTMModel, sm.GRUModel: tm.GRUModel}


def _layer_kwargs(layer) -> dict:
    kw = dict(num_layers=layer.num_layers, bias=layer.bias, dropout=layer.dropout,
              bidirectional=layer.bidirectional)
    if isinstance(layer, (snn.RNN, nn.RNN)):
        kw["nonlinearity"] = layer.nonlinearity
    if isinstance(layer, (snn.LSTM, nn.LSTM)):
        kw["proj_size"] = layer.proj_size
    return kw


def to_torch(module):
    """A torch module with the architecture and the weights of a scratchrnn module."""
    dtype = _TORCH_DTYPES[module.dtype.name]
    kind = type(module)
    if kind in _LAYERS:
        out = _LAYERS[kind](module.input_size, module.hidden_size, batch_first=module.batch_first,
                            dtype=dtype, **_layer_kwargs(module))
    elif kind in _MODELS:
        out = _MODELS[kind](module.input_size, module.hidden_size, module.output_size,
                            dtype=dtype, **_layer_kwargs(module.layer))
    elif kind is snn.Linear:
        out = nn.Linear(module.in_features, module.out_features, bias=module.bias, dtype=dtype)
    else:
        raise TypeError(f"to_torch: don't know how to convert {kind.__name__}")
    out.load_state_dict({k: torch.from_numpy(to_numpy(v).copy())
                         for k, v in module.params.items()})
    out.train(module.training)
    return out


def from_torch(module, **kwargs):
    """A scratchrnn module with the architecture and weights of a torch module.

    kwargs (e.g. backend='cupy') go to the scratchrnn constructor; the dtype follows torch's.
    """
    params = {k: v.detach().cpu().numpy() for k, v in module.state_dict().items()}
    dtype = str(next(iter(params.values())).dtype)
    kwargs.setdefault("dtype", dtype)
    inverse_layers = {v: k for k, v in _LAYERS.items()}
    inverse_models = {v: k for k, v in _MODELS.items()}
    kind = type(module)
    if kind in inverse_layers:
        out = inverse_layers[kind](module.input_size, module.hidden_size,
                                   batch_first=module.batch_first, **_layer_kwargs(module),
                                   **kwargs)
    elif kind in inverse_models:
        layer = getattr(module, kind.layer_name)
        out = inverse_models[kind](layer.input_size, layer.hidden_size, module.fc.out_features,
                                   **_layer_kwargs(layer), **kwargs)
    elif kind is nn.Linear:
        out = snn.Linear(module.in_features, module.out_features,
                         bias=module.bias is not None, **kwargs)
    else:
        raise TypeError(f"from_torch: don't know how to convert {kind.__name__}")
    out.load_state_dict({k: np.asarray(v) for k, v in params.items()})
    out.train(module.training)
    return out


def load_checkpoint(path):
    """The torch reference model of a scratchrnn checkpoint (.npz), with its weights."""
    return to_torch(_load_scratch(path))
