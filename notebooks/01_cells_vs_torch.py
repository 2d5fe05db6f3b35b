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
# # 01 · scratchrnn's cells against torch.nn
#
# Build an LSTM layer in scratchrnn, copy its weights into `torch.nn.LSTM` with
# `reference.to_torch`, run both on the same input and compare **every** output and
# **every** gradient. The scalar both sides differentiate is
# `L = <output, R_out> + <h_n, R_h> + <c_n, R_c>` with random `R_*`, so the backward of
# each output is exercised (see docs/cells.md for the equations).
#
# `SCRATCHRNN_SMALL=1` shrinks every size (the test suite runs this file that way).

# %%
import os
import warnings

import numpy as np
import torch

import scratchrnn
import scratchrnn.nn as snn
from reference import from_torch, to_torch

SMALL = os.environ.get("SCRATCHRNN_SMALL") == "1"
scratchrnn.set_engine("plain")  # the lesson's code (cells/, bptt.py): put breakpoints there
rng = np.random.default_rng(0)


def max_abs_diff(ours, theirs) -> float:
    """max |ours - theirs| over all entries (theirs: a torch tensor)."""
    return float(np.abs(np.asarray(ours) - theirs.detach().numpy()).max())


# %% [markdown]
# ## An LSTM layer with every option that changes the math
# Two layers, a projection (`proj_size`), batch-first input, a given `(h_0, c_0)`.
# float64, so the two implementations should agree to ~1e-15 relative.

# %%
B, T, I, H, P, L = (3, 5, 2, 4, 2, 2) if SMALL else (32, 50, 3, 64, 16, 2)
lstm = snn.LSTM(I, H, num_layers=L, proj_size=P, batch_first=True, dtype="float64", seed=0)
x = rng.normal(size=(B, T, I))                                # B,T,I
h0, c0 = rng.normal(size=(L, B, P)), rng.normal(size=(L, B, H))

out, (h_n, c_n) = lstm.forward(x, (h0, c0))                   # B,T,P  L,B,P  L,B,H
R_out, R_h, R_c = (rng.normal(size=a.shape) for a in (out, h_n, c_n))
dx, (dh0, dc0) = lstm.backward(R_out, (R_h, R_c))             # B,T,I  L,B,P  L,B,H
print(lstm, {k: v.shape for k, v in lstm.params.items()}, sep="\n")

# %% [markdown]
# The same computation in torch, with the weights copied by name (no gate shuffling:
# both stack the gates i, f, g, o).

# %%
tlstm = to_torch(lstm)
xt = torch.tensor(x, requires_grad=True)
h0t, c0t = torch.tensor(h0, requires_grad=True), torch.tensor(c0, requires_grad=True)
tout, (th_n, tc_n) = tlstm(xt, (h0t, c0t))
loss = sum((a * torch.from_numpy(r)).sum() for a, r in
           ((tout, R_out), (th_n, R_h), (tc_n, R_c)))
loss.backward()

diffs = {"output": max_abs_diff(out, tout), "h_n": max_abs_diff(h_n, th_n),
         "c_n": max_abs_diff(c_n, tc_n), "input.grad": max_abs_diff(dx, xt.grad),
         "h_0.grad": max_abs_diff(dh0, h0t.grad), "c_0.grad": max_abs_diff(dc0, c0t.grad)}
diffs.update({f"{name}.grad": max_abs_diff(lstm.grads[name], p.grad)
              for name, p in tlstm.named_parameters()})
for name, d in diffs.items():
    print(f"{name:<28} {d:.1e}")
max_diff = max(diffs.values())
print(f"LSTM: max difference over {len(diffs)} outputs and gradients: {max_diff:.1e}")

# %% [markdown]
# ## The other two cells, both directions
# A bidirectional two-layer RNN (tanh and relu) and GRU, through the same check.

# %%
max_diff_by_layer = {"LSTM": max_diff}
for name, layer in {
        "RNN tanh": snn.RNN(I, H, num_layers=2, bidirectional=True, dtype="float64", seed=1),
        "RNN relu": snn.RNN(I, H, num_layers=2, nonlinearity="relu", bidirectional=True,
                            dtype="float64", seed=2),
        "GRU": snn.GRU(I, H, num_layers=2, bidirectional=True, dtype="float64", seed=3)}.items():
    xs = rng.normal(size=(T, B, I))                                        # T,B,I
    o, hn = layer.forward(xs)                                              # T,B,2H  4,B,H
    Ro, Rh = rng.normal(size=o.shape), rng.normal(size=hn.shape)
    dxs, dh = layer.backward(Ro, Rh)
    tl = to_torch(layer)
    xst = torch.tensor(xs, requires_grad=True)
    to, thn = tl(xst)
    ((to * torch.from_numpy(Ro)).sum() + (thn * torch.from_numpy(Rh)).sum()).backward()
    d = [max_abs_diff(o, to), max_abs_diff(hn, thn), max_abs_diff(dxs, xst.grad)]
    d += [max_abs_diff(layer.grads[n], p.grad) for n, p in tl.named_parameters()]
    max_diff_by_layer[name] = max(d)
for name, d in max_diff_by_layer.items():
    print(f"{name:<10} max difference {d:.1e}")

# %% [markdown]
# **Predict, then run.** torch's GRU (and so scratchrnn's, which matches it above) multiplies
# the reset gate into the *result* of the recurrent product,
# `n = tanh(gi_n + r * (h W_hn^T + b_hn))`; the GRU of Cho et al. (2014) multiplies it into
# the state, `n = tanh(gi_n + (r * h) W_hn^T + b_hn)` (docs/cells.md, "Where the reset gate
# acts"). Force r = 0 in a GRU by setting the reset gate's input bias to -1000
# (sigma(-1000) is exactly 0 in float64). Before running: does the output still depend on
# (a) the initial state h_0, (b) W_hn, the n block of `weight_hh`, (c) b_hn, the n block of
# `bias_hh`? Which answer would be different in Cho et al.'s GRU? Write your guesses down.

# %%
gru = snn.GRU(I, H, dtype="float64", seed=7)
gru.params["bias_ih_l0"][:H] = -1e3           # the r rows (gates r, z, n): r = sigma(-1e3) = 0
rng_gru = np.random.default_rng(7)             # its own numbers: `rng` below is unchanged
x_gru, h0_gru = rng_gru.normal(size=(T, B, I)), rng_gru.normal(size=(1, B, H))   # T,B,I  1,B,H
base, _ = gru.forward(x_gru, h0_gru)                                   # T,B,H


def output_change(name=None, rows=slice(None), dh0=0.0):
    """max |change of the output| when 1 is added to params[name][rows], or dh0 to h_0."""
    saved = None if name is None else gru.params[name].copy()
    if name is not None:
        gru.params[name][rows] += 1.0
    try:
        out_changed, _ = gru.forward(x_gru, h0_gru + dh0)
        return float(np.abs(out_changed - base).max())
    finally:
        if name is not None:
            gru.params[name][...] = saved


n_rows = slice(2 * H, 3 * H)                                           # the n block of 3H rows
reset_zero = {"h_0": output_change(dh0=1.0),
              "W_hn": output_change("weight_hh_l0", n_rows),
              "b_hn": output_change("bias_hh_l0", n_rows),
              "b_in": output_change("bias_ih_l0", n_rows)}
for what, change in reset_zero.items():
    print(f"r = 0: adding 1 to {what:<5} changes the output by at most {change:.1e}")
assert reset_zero["h_0"] > 1e-3              # the state still acts, through z and z * h
assert reset_zero["b_in"] > 1e-3             # the candidate still reads x
assert reset_zero["W_hn"] == 0 and reset_zero["b_hn"] == 0   # r multiplies h W_hn^T AND b_hn

# %% [markdown]
# h_0 still matters: the state reaches h' through `z * h` and through the update gate z,
# not through the candidate. With r = 0, torch's candidate is `tanh(gi_n)`: W_hn and b_hn
# both vanish, because r multiplies the whole product `h W_hn^T + b_hn`. In Cho et al.'s
# GRU the candidate would be `tanh(gi_n + b_hn)`, so b_hn would still act; only W_hn
# would vanish. The two biases b_in and b_hn are therefore not interchangeable in a GRU,
# which is why their gradients differ (docs/cells.md) while an LSTM's two biases always get
# the same one.

# %% [markdown]
# ## The other direction: torch weights into scratchrnn
# `reference.from_torch` builds the scratchrnn twin of a torch module (here the slides'
# `LSTMModel`, with torch's own random initialization).

# %%
import reference  # noqa: E402  (the slides' torch models)

torch.manual_seed(0)
tmodel = reference.LSTMModel(1, H, 1, dtype=torch.float64)
model = from_torch(tmodel)
xm = rng.normal(size=(B, T, 1))                                            # B,T,1
model_diff = max_abs_diff(model.forward(xm), tmodel(torch.from_numpy(xm)))
print(type(model).__name__, "vs torch: max difference of predictions", f"{model_diff:.1e}")

# %% [markdown]
# ## The slides' y-shape pitfall, measured
# On the slides, `y` is built from a 1-D series, so `y_train` is `(N,)` while the model
# predicts `(N, 1)`. torch's `MSELoss` broadcasts the pair to an `(N, N)` matrix of every
# prediction against every target, and only warns:
#
#     mean_ij (p_i - y_j)^2 = var(p) + var(y) + (mean p - mean y)^2
#
# which does not depend on which prediction goes with which target. Three predictors on
# windows of a normalized sine mixture:

# %%
from scratchrnn.data import make_windows, sine_mixture  # noqa: E402
from scratchrnn.losses import MSELoss  # noqa: E402
from scratchrnn.errors import ShapeError  # noqa: E402

series = sine_mixture(n=300 if SMALL else 2000, seed=0).values
series = (series - series.mean()) / series.std()
_, y2 = make_windows(series, 50)                        # N,1 (scratchrnn keeps the feature axis)
y_slides = torch.from_numpy(y2[:, 0])                   # N   (the slides' shape)
noise = np.random.default_rng(1).normal(0, 0.1, size=y2.shape)
predictors = {"perfect (p = y)": y2, "good (p = y + 0.1 noise)": y2 + noise,
              "constant (p = mean y)": np.full_like(y2, y2.mean())}
criterion = torch.nn.MSELoss()
pitfall, caught = {}, []
for name, p in predictors.items():
    pt = torch.from_numpy(p)                            # N,1
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        broadcast = criterion(pt, y_slides).item()      # (N,1) vs (N,) -> (N,N)
    caught += [str(m.message) for m in w]
    right = criterion(pt, torch.from_numpy(y2)).item()  # (N,1) vs (N,1)
    pitfall[name] = (right, broadcast)
    print(f"{name:<26} MSE right shapes {right:.4f}   (N,1) vs (N,) {broadcast:.4f}")
print(f"N = {len(y2)}; torch warned {len(caught)} times:", caught[0][:90], "...")

try:
    MSELoss()(y2, y2[:, 0])
except ShapeError as err:
    refused = str(err)
print("scratchrnn:", refused)
