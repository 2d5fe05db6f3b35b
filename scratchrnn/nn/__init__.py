"""Layers with torch.nn's names: RNN, LSTM, GRU, Linear."""
from .linear import Linear
from .module import Module
from .recurrent import GRU, LSTM, RNN, RNNBase

__all__ = ["Module", "Linear", "RNN", "LSTM", "GRU", "RNNBase"]
