r"""SGD with momentum, dampening, Nesterov and L2 weight decay (torch.optim.SGD).

For each parameter theta with gradient g, at step t (mu momentum, tau dampening,
lambda weight_decay, gamma lr):

    g_t  = g + lambda theta                        (if lambda != 0)
    b_1  = g_1                                     (first step: the raw gradient, NO dampening)
    b_t  = mu b_{t-1} + (1 - tau) g_t              (t > 1)
    g_t  = g_t + mu b_t   (nesterov)   or   g_t = b_t   (plain momentum)      (if mu != 0)
    theta = theta - gamma g_t

The float operations are torch's ``_single_tensor_sgd`` in the same order, so a float64
trajectory matches torch's to rounding.
"""
from __future__ import annotations

from .base import Optimizer, check_number


class SGD(Optimizer):
    """SGD(module, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False)."""

    hyperparameters = ("lr", "momentum", "dampening", "weight_decay", "nesterov")

    def __init__(self, module, lr, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False):
        lr = check_number("lr", lr, low=0.0)
        momentum = check_number("momentum", momentum, low=0.0)
        dampening = check_number("dampening", dampening)
        weight_decay = check_number("weight_decay", weight_decay, low=0.0)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("nesterov=True requires momentum > 0 and dampening = 0, got "
                             f"momentum={momentum}, dampening={dampening}")
        super().__init__(module, lr=lr, momentum=momentum, dampening=dampening,
                         weight_decay=weight_decay, nesterov=bool(nesterov))

    def _update(self, param, grad, state):
        mu, tau, lam = self.momentum, self.dampening, self.weight_decay
        g = grad
        if lam != 0:
            g = g + lam * param                             # g_t = g + lambda theta  (new array)
        if mu != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = g.copy()   # b_1 = g_1  (no dampening)
            else:
                buf *= mu                                   # b_t = mu b_{t-1}
                buf += (1 - tau) * g                        #       + (1 - tau) g_t
            g = g + mu * buf if self.nesterov else buf      # nesterov: g_t + mu b_t, else b_t
        param -= self.lr * g                                # theta = theta - gamma g_t
