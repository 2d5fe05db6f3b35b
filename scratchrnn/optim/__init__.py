"""Optimizers, gradient clipping and learning-rate schedules, written out by hand.

Each update rule is torch's (torch.optim.SGD / Adam / AdamW, torch.nn.utils.clip_grad_*),
with the equations in the docstring of its file and one comment per equation:

    sgd.py           SGD: momentum, dampening, Nesterov, L2 weight decay
    adam.py          Adam (L2 weight decay) and AdamW (decoupled), AMSGrad
    clip.py          clip_grad_norm_, clip_grad_value_
    lr_scheduler.py  StepLR, ReduceLROnPlateau
    base.py          what the optimizers share: state, zero_grad, state_dict

An optimizer takes a module (anything with ``.params`` and ``.grads`` dicts) and updates
its parameter arrays in place; it works for NumPy and CuPy arrays alike.
"""
from .adam import Adam, AdamW
from .base import Optimizer
from .clip import NonFiniteError, clip_grad_norm_, clip_grad_value_, get_total_norm
from .lr_scheduler import ReduceLROnPlateau, StepLR
from .sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "clip_grad_norm_", "clip_grad_value_",
           "get_total_norm", "NonFiniteError", "StepLR", "ReduceLROnPlateau"]
