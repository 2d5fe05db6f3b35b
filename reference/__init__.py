"""The slides' models in torch.nn, and weight conversion to and from scratchrnn."""
from .convert import from_torch, to_torch
from .models import GRUModel, LSTMModel, VanillaRNN

__all__ = ["VanillaRNN", "LSTMModel", "GRUModel", "to_torch", "from_torch"]
