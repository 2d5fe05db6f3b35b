"""One benchmark case = a closure per implementation that does one unit of work.

train:     zero_grad, forward, MSE loss and its gradient, BPTT, Adam step (full batch)
inference: forward only, eval mode, under no_grad (scratchrnn's and torch's)
On the GPU (device 'cuda': scratchrnn on CuPy, torch on CUDA) each unit of work ends by
waiting for the GPU, so the time is the work's, not the time to queue it.

Both sides start from the same weights (copied with reference.to_torch) and see the same
float32 data: x (B,T,1), y (B,1).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

import reference
from scratchrnn import no_grad, optim
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


def scratch_work(case: Case, x, y, device: str = "cpu", engine: str = "fast"):
    """(model, work) for scratchrnn with `engine` ('fast' or 'plain'); device 'cuda' builds
    it on CuPy and waits for the GPU."""
    backend = "cupy" if device == "cuda" else "numpy"
    model = MODELS[case.model](1, case.hidden, 1, dtype="float32", seed=0, backend=backend,
                               engine=engine)
    x, y = model.xp.asarray(x), model.xp.asarray(y)
    sync = model.xp.cuda.get_current_stream().synchronize if device == "cuda" else _nothing
    if case.mode == "inference":
        model.eval()

        def infer():
            with no_grad():          # as torch's side: nothing kept for a backward
                model.forward(x)
            sync()
        return model, infer
    opt, loss = optim.Adam(model, lr=1e-3), MSELoss()

    def step():
        opt.zero_grad()
        loss.forward(model.forward(x), y)
        model.backward(loss.backward())
        opt.step()
        sync()
    return model, step


def torch_work(case: Case, scratch_model, x, y, device: str = "cpu"):
    """The same unit of work for the torch twin (same weights), on `device`."""
    model = reference.to_torch(scratch_model).to(device)
    xt, yt = torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)
    sync = torch.cuda.synchronize if device == "cuda" else _nothing
    if case.mode == "inference":
        model.eval()

        def infer():
            with torch.no_grad():
                model(xt)
            sync()
        return infer
    opt, loss_fn = torch.optim.Adam(model.parameters(), lr=1e-3), torch.nn.MSELoss()

    def step():
        opt.zero_grad()
        loss_fn(model(xt), yt).backward()
        opt.step()
        sync()
    return step


def gpu_problem() -> str | None:
    """Why `--device cuda` cannot run here, or None if CuPy and torch both see a GPU."""
    try:
        import cupy  # noqa: PLC0415
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return "CuPy sees no GPU"
    except Exception as exc:  # noqa: BLE001 - ImportError, or CUDA missing at runtime
        return f"CuPy is not usable ({type(exc).__name__}: {exc}); pip install 'scratchrnn[gpu]'"
    if not torch.cuda.is_available():
        return "torch has no CUDA (this torch is a CPU build)"
    return None


def _nothing():
    pass
