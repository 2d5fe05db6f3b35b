r"""Adam and AdamW (torch.optim.Adam / AdamW), with AMSGrad.

For each parameter theta with gradient g, at step t = 1, 2, ... (gamma lr, lambda
weight_decay, m_0 = v_0 = 0):

    Adam  (L2):        g     = g + lambda theta
    AdamW (decoupled): theta = theta (1 - gamma lambda)          the gradient is left alone
    m_t   = beta1 m_{t-1} + (1 - beta1) g                         first moment
    v_t   = beta2 v_{t-1} + (1 - beta2) g^2                       second moment
    vmax_t = max(vmax_{t-1}, v_t), used instead of v_t            (amsgrad)
    theta = theta - gamma / (1 - beta1^t) * m_t / (sqrt(v_t) / sqrt(1 - beta2^t) + eps)

eps is added AFTER the bias-corrected square root (not inside it, not before the correction):
that is torch's choice, and where eps enters changes the trajectory. The float operations
follow torch's ``_single_tensor_adam`` (the CPU default) in the same order.
"""
from __future__ import annotations

from ..backend import namespace_of
from .base import Optimizer, check_number


def _lerp_(start, end, weight: float) -> None:
    """start <- start + weight (end - start), in place, as torch.lerp_ rounds it.

    torch switches formula at |weight| = 0.5 for accuracy; so do we.
    """
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)


class _AdamBase(Optimizer):
    hyperparameters = ("lr", "betas", "eps", "weight_decay", "amsgrad")
    decoupled_weight_decay = False

    def __init__(self, module, lr, betas, eps, weight_decay, amsgrad):
        lr = check_number("lr", lr, low=0.0)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        betas = (check_number("beta1", betas[0], low=0.0, high=1.0, high_open=True),
                 check_number("beta2", betas[1], low=0.0, high=1.0, high_open=True))
        # torch accepts eps = 0 (then a zero gradient gives 0/0 = nan); we refuse it
        eps = check_number("eps", eps, low=0.0, low_open=True)
        weight_decay = check_number("weight_decay", weight_decay, low=0.0)
        super().__init__(module, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=bool(amsgrad))

    def _update(self, param, grad, state):
        xp = namespace_of(param)
        beta1, beta2 = self.betas
        lr, lam, eps = self.lr, self.weight_decay, self.eps
        if not state:
            state["step"] = 0
            state["exp_avg"] = xp.zeros_like(param)
            state["exp_avg_sq"] = xp.zeros_like(param)
            if self.amsgrad:
                state["max_exp_avg_sq"] = xp.zeros_like(param)
        m, v = state["exp_avg"], state["exp_avg_sq"]
        state["step"] += 1
        t = state["step"]
        g = grad
        if lam != 0:
            if self.decoupled_weight_decay:
                param *= 1 - lr * lam                       # theta = theta (1 - gamma lambda)
            else:
                g = g + lam * param                         # g = g + lambda theta  (new array)
        _lerp_(m, g, 1 - beta1)                             # m = beta1 m + (1 - beta1) g
        v *= beta2                                          # v = beta2 v
        v += (1 - beta2) * g * g                            #     + (1 - beta2) g^2
        bias_correction1 = 1 - beta1 ** t                   # 1 - beta1^t
        bias_correction2 = 1 - beta2 ** t                   # 1 - beta2^t
        step_size = lr / bias_correction1                   # gamma / (1 - beta1^t)
        if self.amsgrad:
            vmax = state["max_exp_avg_sq"]
            xp.maximum(vmax, v, out=vmax)                   # vmax = max(vmax, v)
            v = vmax
        denom = xp.sqrt(v) / bias_correction2 ** 0.5        # sqrt(v) / sqrt(1 - beta2^t)
        denom += eps                                        #         + eps
        param += -step_size * m / denom                     # theta = theta - step_size m / denom


class Adam(_AdamBase):
    """Adam(module, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False).

    weight_decay is L2 regularisation: lambda theta is added to the gradient, so it goes
    through the moments and gets rescaled by 1 / sqrt(v) like the gradient.
    """

    def __init__(self, module, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False):
        super().__init__(module, lr, betas, eps, weight_decay, amsgrad)


class AdamW(_AdamBase):
    """AdamW(module, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False).

    Decoupled weight decay (Loshchilov & Hutter): theta shrinks by the factor
    (1 - lr * weight_decay) before the Adam step; the moments never see it.
    """

    decoupled_weight_decay = True

    def __init__(self, module, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False):
        super().__init__(module, lr, betas, eps, weight_decay, amsgrad)
