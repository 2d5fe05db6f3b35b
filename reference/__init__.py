"""The slides' models in torch.nn, weight conversion to and from scratchrnn, and
scratchrnn checkpoints loaded into torch."""
from .convert import from_torch, load_checkpoint, to_torch
from .models import GRUModel, LSTMModel, VanillaRNN

__all__ = ["VanillaRNN", "LSTMModel", "GRUModel", "to_torch", "from_torch", "load_checkpoint"]
