"""scratchrnn: recurrent networks written from scratch in NumPy, proven against torch.nn.

Never imports torch. Read `cells/` (one time step), `bptt.py` (the loop over time),
`nn/recurrent.py` (layers), `models.py` (the slides' three models), `optim/` and
`init.py` (training by hand), `data/` (the signal pipeline).
"""
from . import gradcheck, init, losses, models, nn, optim
from .fpenv import get_flush_denormal, set_flush_denormal
from .parallel import get_num_threads, set_num_threads

__version__ = "0.1.0"
__all__ = ["nn", "models", "losses", "optim", "init", "gradcheck", "get_num_threads",
           "set_num_threads", "get_flush_denormal", "set_flush_denormal"]
