"""Helpers for the optimizer tests: a scratch model and its torch twin trained side by side.

Both take the same random batches; after every step the parameters are compared by name.
Errors are relative: max |ours - torch| / max |torch| per parameter.
"""
from __future__ import annotations

import numpy as np
import torch

import reference
from scratchrnn import optim
from scratchrnn.losses import MSELoss
from scratchrnn.nn import Linear, Module
from twins import relative_error

RTOL = 1e-8  # the bound for float64 trajectories


class MLP(Module):
    """Linear -> tanh -> Linear: the smallest model with two layers (params 'l1.*', 'l2.*')."""

    def __init__(self, sizes=(4, 6, 2), dtype="float64", seed=0):
        rng = np.random.default_rng(seed)
        l1 = Linear(sizes[0], sizes[1], dtype=dtype, seed=rng)
        l2 = Linear(sizes[1], sizes[2], dtype=dtype, seed=rng)
        super().__init__(l1.xp, l1.dtype)
        self._add_child("l1", l1)
        self._add_child("l2", l2)
        self.input_size, self.output_size = sizes[0], sizes[2]
        self._h = None

    def forward(self, x):
        self._h = np.tanh(self._children["l1"].forward(x))          # B,H
        return self._children["l2"].forward(self._h)                 # B,O

    def backward(self, dy):
        dh = self._children["l2"].backward(dy)                       # B,H
        return self._children["l1"].backward(dh * (1 - self._h ** 2))  # B,I


class TorchMLP(torch.nn.Module):
    def __init__(self, model: MLP):
        super().__init__()
        dtype = torch.float64 if model.dtype == np.float64 else torch.float32
        l1, l2 = model._children["l1"], model._children["l2"]
        self.l1 = torch.nn.Linear(l1.in_features, l1.out_features, dtype=dtype)
        self.l2 = torch.nn.Linear(l2.in_features, l2.out_features, dtype=dtype)
        self.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in model.params.items()})

    def forward(self, x):
        return self.l2(torch.tanh(self.l1(x)))


def twin(model):
    """The torch twin of a scratch model, with the same weights."""
    return TorchMLP(model) if isinstance(model, MLP) else reference.to_torch(model)


def random_batch(model, rng, B=4, T=5):
    shape = (B, model.input_size) if isinstance(model, MLP) else (B, T, model.input_size)
    return rng.normal(size=shape), rng.normal(size=(B, model.output_size))


TORCH_OPT = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW}

# Clipping plan: step k uses CLIP_PLAN[k % 4]. The bounds are small enough that they bite.
CLIP_PLAN = [("norm", 0.5, 2.0), ("norm", 0.05, float("inf")), ("value", 0.02, None), None]


def compare_params(model, tmodel, where: str, rtol: float):
    tparams = dict(tmodel.named_parameters())
    assert set(tparams) == set(model.params), "parameter names differ from torch's"
    errors = {n: relative_error(model.params[n], tparams[n].detach().numpy()) for n in tparams}
    worst = max(errors, key=errors.get)
    assert errors[worst] <= rtol, (f"{where}: {worst} differs from torch by {errors[worst]:.3g} "
                                   f"(relative; bound {rtol:g}); all: {errors}")
    return errors[worst]


def train_twins(model, opt_name: str, opt_kwargs: dict, steps: int = 25, seed: int = 1,
                clip_plan=CLIP_PLAN, rtol: float = RTOL, scheduler=None, foreach=False):
    """Train `model` and its torch twin side by side; compare parameters after every step.

    Returns a summary: the worst relative error and how often clipping actually scaled.
    `scheduler` = StepLR kwargs: a StepLR on both, stepped after every step.
    `foreach` goes to torch's optimizer (None: torch's default, single-tensor on the CPU).
    """
    rng = np.random.default_rng(seed)
    tmodel = twin(model)
    opt = getattr(optim, opt_name)(model, **opt_kwargs)
    topt = TORCH_OPT[opt_name](tmodel.parameters(), foreach=foreach, **opt_kwargs)
    sched = tsched = None
    if scheduler is not None:
        sched = optim.StepLR(opt, **scheduler)
        tsched = torch.optim.lr_scheduler.StepLR(topt, **scheduler)
    loss_fn, tloss_fn = MSELoss(), torch.nn.MSELoss()
    config = f"{type(model).__name__} {opt_name}({opt_kwargs})"
    worst, clipped = 0.0, 0
    for step in range(steps):
        x, y = random_batch(model, rng)
        opt.zero_grad()
        topt.zero_grad()
        loss = loss_fn(model.forward(x), y)
        model.backward(loss_fn.backward())
        tloss = tloss_fn(tmodel(torch.from_numpy(x).to(next(tmodel.parameters()).dtype)),
                         torch.from_numpy(y).to(next(tmodel.parameters()).dtype))
        tloss.backward()
        assert abs(loss - tloss.item()) <= rtol * max(1.0, abs(tloss.item())), \
            f"{config} step {step}: loss {loss} != torch's {tloss.item()}"
        plan = clip_plan[step % len(clip_plan)] if clip_plan else None
        if plan is not None and plan[0] == "norm":
            _, max_norm, norm_type = plan
            norm = optim.clip_grad_norm_(model, max_norm, norm_type)
            tnorm = torch.nn.utils.clip_grad_norm_(tmodel.parameters(), max_norm, norm_type)
            assert isinstance(norm, float)
            assert abs(norm - tnorm.item()) <= rtol * tnorm.item(), \
                f"{config} step {step}: total norm {norm} != torch's {tnorm.item()}"
            clipped += norm > max_norm
        elif plan is not None and plan[0] == "value":
            optim.clip_grad_value_(model, plan[1])
            torch.nn.utils.clip_grad_value_(tmodel.parameters(), plan[1])
            clipped += 1
        opt.step()
        topt.step()
        if sched is not None:
            sched.step()
            tsched.step()
            assert opt.lr == topt.param_groups[0]["lr"]
        worst = max(worst, compare_params(model, tmodel, f"{config} after step {step + 1}",
                                          rtol))
    return {"worst": worst, "clipped": clipped, "model": model, "torch": tmodel}
