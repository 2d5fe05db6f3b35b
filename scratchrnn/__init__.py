"""scratchrnn: recurrent networks written from scratch in NumPy, proven against torch.nn.

Never imports torch. The lesson, read first: `cells/` (one time step, forward and
backward), `bptt.py` (the loop over time); then `nn/recurrent.py` (layers), `models.py`
(the slides' three models), `optim/` and `init.py` (training by hand), `data/` (the
signal pipeline). `engine/` is the same math made fast (packed weights, reused buffers,
worker processes), proven equal to the lesson; `set_engine('plain')` runs the lesson.
"""
from . import gradcheck, init, losses, models, nn, optim
from .backend import get_engine, set_engine
from .engine import get_flush_denormal, get_num_threads, set_flush_denormal, set_num_threads
from .grad_mode import is_grad_enabled, no_grad

__version__ = "0.2.0"   # as in pyproject.toml (tests/test_packaging.py)
__all__ = ["nn", "models", "losses", "optim", "init", "gradcheck", "get_engine", "set_engine",
           "get_num_threads", "set_num_threads", "get_flush_denormal", "set_flush_denormal",
           "no_grad", "is_grad_enabled"]
