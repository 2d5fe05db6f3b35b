"""The fast engine: the lesson's RNN, LSTM and GRU, rewritten for speed (README below).

PLACEHOLDER: measured README written after the re-measurement.
"""
from .direction import Cache, direction_backward, direction_forward
from .fpenv import get_flush_denormal, set_flush_denormal
from .kernels import KERNELS
from .parallel import get_num_threads, set_num_threads, threads
from .workspace import Workspace

__all__ = ["Cache", "direction_forward", "direction_backward", "KERNELS", "Workspace",
           "get_num_threads", "set_num_threads", "threads", "get_flush_denormal",
           "set_flush_denormal"]
