"""One benchmark case = a closure per implementation that does one unit of work.

train:     zero_grad, forward, MSE loss and its gradient, BPTT, Adam step (full batch)
inference: forward only (scratch in eval mode; torch in eval mode under no_grad)

Both sides start from the same weights (copied with reference.to_torch) and see the same
float32 data: x (B,T,1), y (B,1).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

import reference
from scratchrnn import optim
from scratchrnn.losses import MSELoss
from scratchrnn.models import MODELS


@dataclass(frozen=True)
class Case:
    model: str   # 'rnn' | 'lstm' | 'gru'
    hidden: int  # H
    steps: int   # T, the segment length
    batch: int   # B
    mode: str    # 'train' | 'inference'

    def flops(self) -> float:
        """Matrix-multiply FLOPs of one unit of work (I = 1; elementwise work not counted).

        forward: input projection 2TBGI + recurrent 2TBGH (G = gates * H); a training step
        adds the backward's three products of the same size (dX or dH, dW_ih, dW_hh), so
        ~3x the forward.
        """
        gates = {"rnn": 1, "lstm": 4, "gru": 3}[self.model] * self.hidden
        forward = 2.0 * self.steps * self.batch * gates * (1 + self.hidden)
        return forward * (3 if self.mode == "train" else 1)


def make_data(case: Case, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((case.batch, case.steps, 1), dtype=np.float32)
    y = rng.standard_normal((case.batch, 1), dtype=np.float32)
    return x, y


def scratch_work(case: Case, x, y):
    model = MODELS[case.model](1, case.hidden, 1, dtype="float32", seed=0)
    if case.mode == "inference":
        model.eval()
        return model, lambda: model.forward(x)
    opt, loss = optim.Adam(model, lr=1e-3), MSELoss()

    def step():
        opt.zero_grad()
        loss.forward(model.forward(x), y)
        model.backward(loss.backward())
        opt.step()
    return model, step


def torch_work(case: Case, scratch_model, x, y):
    model = reference.to_torch(scratch_model)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    if case.mode == "inference":
        model.eval()

        def infer():
            with torch.no_grad():
                return model(xt)
        return infer
    opt, loss_fn = torch.optim.Adam(model.parameters(), lr=1e-3), torch.nn.MSELoss()

    def step():
        opt.zero_grad()
        loss_fn(model(xt), yt).backward()
        opt.step()
    return step
