# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · Backpropagation through time: finite differences and truncation
#
# 1. `scratchrnn.gradcheck.gradcheck` compares every hand-written backward (each cell, the
#    BPTT loop, the layers, a model) with central finite differences.
# 2. How far back the gradient of a last-step loss reaches, per cell.
# 3. Truncated BPTT: `backward(..., truncate=k)` is torch with the state detached at
#    step T-k, checked against torch.
#
# Equations: docs/cells.md. `SCRATCHRNN_SMALL=1` shrinks every size.

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
import torch

import scratchrnn
import scratchrnn.nn as snn
from reference import to_torch
from scratchrnn.gradcheck import gradcheck
from scratchrnn.models import GRUModel

SMALL = os.environ.get("SCRATCHRNN_SMALL") == "1"
scratchrnn.set_engine("plain")  # the lesson's code (cells/, bptt.py): put breakpoints there
rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. Finite differences
# For each parameter entry w (a random sample of 30 per tensor) and the input:
# `dL/dw ≈ (L(w + ε) - L(w - ε)) / 2ε`, with `L = Σ <out_k, R_k>` over every output.
# The error printed is max |numeric - analytic| / max |analytic| per tensor.

# %%
T, B, I, H = (4, 2, 3, 3) if SMALL else (8, 3, 3, 5)
modules = {
    "RNN tanh": snn.RNN(I, H, dtype="float64", seed=0),
    "RNN relu, 2 layers": snn.RNN(I, H, num_layers=2, nonlinearity="relu", dtype="float64",
                                  seed=1),
    "LSTM proj_size=2, bidirectional": snn.LSTM(I, H, proj_size=2, bidirectional=True,
                                                dtype="float64", seed=2),
    "GRU 2 layers, bidirectional": snn.GRU(I, H, num_layers=2, bidirectional=True,
                                           dtype="float64", seed=3),
}
reports = {}
for name, module in modules.items():
    reports[name] = gradcheck(module, rng.normal(size=(T, B, I)))     # x: T,B,I
    print(name, reports[name], sep="\n")
model = GRUModel(I, H, 1, num_layers=2, dtype="float64", seed=4)      # the slides' model
reports["GRUModel"] = gradcheck(model, rng.normal(size=(B, T, I)))    # x: B,T,I
print("GRUModel", reports["GRUModel"], sep="\n")

# %% [markdown]
# ## 2. How far back does the gradient reach?
# The slides' models read only the last step, so the loss gradient enters at t = T-1 and
# BPTT carries it back. `||dL/dx_t||` measures how much step t still matters. With
# torch's default init the vanilla RNN's recurrent matrix has spectral radius about
# 1/sqrt(3), so its gradient shrinks geometrically. The LSTM's additive cell path
# (dc_prev = dc * f) and the GRU's `z * h` term give the gradient a path without a
# matmul; untrained, with f and z near 1/2, they still forget, only more slowly.

# %%
T_long, B_long = (12, 2) if SMALL else (100, 16)
x_long = rng.normal(size=(T_long, B_long, 1))                          # T,B,1
reach = {}
for name, cls in {"RNN": snn.RNN, "LSTM": snn.LSTM, "GRU": snn.GRU}.items():
    layer = cls(1, 32, dtype="float64", seed=0)
    out, _ = layer.forward(x_long)                                     # T,B,H
    d_out = np.zeros_like(out)
    d_out[-1] = rng.normal(size=out.shape[1:])                         # loss on the last step
    dx, _ = layer.backward(d_out)                                      # T,B,1
    reach[name] = np.linalg.norm(dx.reshape(T_long, -1), axis=1)       # T
    print(f"{name:<5} ||dL/dx_0|| / ||dL/dx_(T-1)|| = {reach[name][0] / reach[name][-1]:.1e}"
          f"  (T = {T_long})")

fig, ax = plt.subplots(figsize=(7, 3.5))
for name, norms in reach.items():
    ax.semilogy(np.arange(T_long), norms, label=name)
ax.set(xlabel="time step t", ylabel="||dL/dx_t||", title="Gradient of a last-step loss")
ax.legend()
fig.savefig("02_gradient_reach.png", dpi=100)

# %% [markdown]
# **Predict, then run.** An untrained LSTM's forget gate is f = sigma(a_f) with a_f near
# 0, so f is about 1/2 and `dc_prev = dc * f` halves the cell path's gradient every step.
# Set the forget gate's two biases to +1 each (a_f near 2, f about 0.88; a common trick,
# Jozefowicz et al. 2015). Before running: will ||dL/dx_0|| grow or shrink, and by roughly
# what factor over T steps? (Hint: compare 0.88^T with 0.5^T.) Write your guess down.

# %%
lstm = snn.LSTM(1, 32, dtype="float64", seed=0)
H_l = lstm.hidden_size
for name in ("bias_ih_l0", "bias_hh_l0"):
    lstm.params[name][H_l:2 * H_l] = 1.0                               # the f rows (i, f, g, o)
out, _ = lstm.forward(x_long)
d_out = np.zeros_like(out)
d_out[-1] = rng.normal(size=out.shape[1:])
dx, _ = lstm.backward(d_out)
reach_f1 = np.linalg.norm(dx.reshape(T_long, -1), axis=1)
forget_gain = (reach_f1[0] / reach_f1[-1]) / (reach["LSTM"][0] / reach["LSTM"][-1])
print(f"forget bias 1: ||dL/dx_0|| / ||dL/dx_(T-1)|| = {reach_f1[0] / reach_f1[-1]:.1e}, "
      f"{forget_gain:.1e} times the default's")
assert forget_gain > 10    # the gradient reaches much further back

# %% [markdown]
# ## 3. Truncated BPTT equals torch with the state detached
# `layer.backward(grad_output, truncate=k)` drops the gradient carried from step T-k back
# to step T-k-1: exactly torch's
#
#     out1, h = layer(x[:T-k], h0);  h = h.detach();  out2, h_n = layer(x[T-k:], h)
#
# Gradients of outputs *before* T-k still flow back through their own steps: truncation
# cuts the chain once, at T-k; it does not limit every path to k steps.

# %%
T_tr, k = (6, 2) if SMALL else (20, 5)
gru = snn.GRU(2, 4, num_layers=2, dtype="float64", seed=5)
x_tr = rng.normal(size=(T_tr, 3, 2))                                   # T,B,I
out, h_n = gru.forward(x_tr)
R_out, R_h = rng.normal(size=out.shape), rng.normal(size=h_n.shape)    # every output
dx_tr, _ = gru.backward(R_out, R_h, truncate=k)

tgru = to_torch(gru)
xt = torch.tensor(x_tr, requires_grad=True)
out1, h = tgru(xt[:T_tr - k])
out2, th_n = tgru(xt[T_tr - k:], h.detach())                          # the detached state
loss = (torch.cat([out1, out2]) * torch.from_numpy(R_out)).sum() + \
    (th_n * torch.from_numpy(R_h)).sum()
loss.backward()
diffs = [np.abs(dx_tr - xt.grad.numpy()).max()]
diffs += [np.abs(gru.grads[n] - p.grad.numpy()).max() for n, p in tgru.named_parameters()]
trunc_diff = float(max(diffs))
print(f"truncate={k}: max difference to torch with h detached at step {T_tr - k}: "
      f"{trunc_diff:.1e}")

# %% [markdown]
# With a last-step loss only (the slides' models), nothing reaches the steps before T-k:

# %%
gru.zero_grad()
d_last = np.zeros_like(out)
d_last[-1] = R_out[-1]
dx_full, _ = gru.backward(d_last)
dx_cut, _ = gru.backward(d_last, truncate=k)
per_step = np.abs(dx_cut).reshape(T_tr, -1).max(axis=1)                # T
print("max |dL/dx_t| per step, truncated:", np.array2string(per_step, precision=2))
print("                           full:     ",
      np.array2string(np.abs(dx_full).reshape(T_tr, -1).max(axis=1), precision=2))
zero_before_cut = bool(np.all(per_step[:T_tr - k] == 0))
print(f"steps 0..{T_tr - k - 1} get exactly zero: {zero_before_cut}")
