"""The slides' three torch models, with the slides' indentation slip fixed.

On the slides `forward` is dedented out of the class, so the models have no forward
at all; here it is a method. Extra keyword arguments (num_layers, bidirectional,
proj_size, dropout, nonlinearity, bias, dtype) go to the recurrent layer so every
scratchrnn model has a torch twin; with none given these are the slides' models.
"""
from __future__ import annotations

import torch
from torch import nn


class _LastStepModel(nn.Module):
    layer_cls = nn.RNN
    layer_name = "rnn"

    def __init__(self, input_size, hidden_size, output_size, **layer_kwargs):
        super().__init__()
        dtype = layer_kwargs.pop("dtype", None)
        self.hidden_size = hidden_size
        layer = self.layer_cls(input_size, hidden_size, batch_first=True, dtype=dtype,
                               **layer_kwargs)
        setattr(self, self.layer_name, layer)
        d = 2 if layer.bidirectional else 1
        self.fc = nn.Linear(d * (layer.proj_size or hidden_size), output_size, dtype=dtype)

    def forward(self, x):
        layer = getattr(self, self.layer_name)
        d = 2 if layer.bidirectional else 1
        h0 = torch.zeros(d * layer.num_layers, x.size(0), layer.proj_size or self.hidden_size,
                         dtype=x.dtype, device=x.device)                 # initial hidden state
        if isinstance(layer, nn.LSTM):
            c0 = torch.zeros(d * layer.num_layers, x.size(0), self.hidden_size,
                             dtype=x.dtype, device=x.device)             # initial cell state
            out, _ = layer(x, (h0, c0))
        else:
            out, _ = layer(x, h0)
        return self.fc(out[:, -1, :])  # the output of the last time step


class VanillaRNN(_LastStepModel):
    layer_cls, layer_name = nn.RNN, "rnn"


class LSTMModel(_LastStepModel):
    layer_cls, layer_name = nn.LSTM, "lstm"


class GRUModel(_LastStepModel):
    layer_cls, layer_name = nn.GRU, "gru"
