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
# # 03 · The four assignments, small experiments
#
# The slides end with four assignments; docs/assignments.md explains each and quotes the
# numbers this notebook printed. The full-size benchmarks of assignments 1 and 2 are
# `python -m benchmarks --grid target` and `--grid scaling` (docs/benchmarks.md); here the
# sizes are small enough for a laptop.
#
# `SCRATCHRNN_SMALL=1` shrinks every size (the test suite runs this file that way).

# %%
import contextlib
import os
import time

import matplotlib.pyplot as plt
import numpy as np

from scratchrnn import init, set_flush_denormal
from scratchrnn.data import chronological_split, make_windows, sine_mixture
from scratchrnn.engine import parallel
from scratchrnn.losses import MSELoss
from scratchrnn.models import MODELS, VanillaRNN
from scratchrnn.optim import SGD, Adam, clip_grad_norm_, clip_grad_value_
from scratchrnn.optim.clip import get_total_norm

SMALL = os.environ.get("SCRATCHRNN_SMALL") == "1"


def normalized_sine(n):
    """The slides' preprocessing on a synthetic signal: z-score, (n,)."""
    x = sine_mixture(n=n, seed=0).values
    return (x - x.mean()) / x.std()


def spectral_radius(W) -> float:
    """max |eigenvalue| of a square matrix (nan once training has diverged)."""
    return float(np.abs(np.linalg.eigvals(W)).max()) if np.isfinite(W).all() else np.nan


def loss_and_grad(model, X, y, criterion, truncate=None):
    """Zero the gradients, run forward and backward (truncated to the last `truncate`
    steps if given); return the loss."""
    model.zero_grad()
    loss = criterion(model.forward(X), y)
    model.backward(criterion.backward(), truncate=truncate)
    return loss


def train_step(model, opt, X, y, criterion, clip=None, truncate=None):
    """One full-batch step; returns (loss, global gradient norm before clipping)."""
    loss = loss_and_grad(model, X, y, criterion, truncate)
    norm = clip_grad_norm_(model, clip) if clip else get_total_norm(model)
    opt.step()
    return loss, norm


# %% [markdown]
# ## Assignment 1: computation time of vanilla RNN, LSTM and GRU
# One training step (forward, backward, Adam) on a batch of windows, the fastest of a
# few runs (the least disturbed by other programs, as `timeit` recommends), on one core:
# on a shared machine several threads are disturbed more. `python -m benchmarks` times
# scratchrnn against torch with the same number of threads for both.

# %%
@contextlib.contextmanager
def one_core():
    """Run scratchrnn (no worker processes) and NumPy's BLAS on one core, then restore."""
    threads = parallel.get_num_threads()
    parallel.set_num_threads(1)
    try:
        with parallel.blas_threads(1):
            yield
    finally:
        parallel.set_num_threads(threads)


B1, T1, H1, repeats = (8, 10, 8, 2) if SMALL else (256, 50, 32, 5)
rng = np.random.default_rng(0)
X1, y1 = rng.normal(size=(B1, T1, 1)), rng.normal(size=(B1, 1))


def step_ms(kind, X, y, hidden, repeats):
    model = MODELS[kind](1, hidden, 1, seed=0)                         # float32, as torch
    opt, criterion = Adam(model, lr=1e-3), MSELoss()
    train_step(model, opt, X, y, criterion)                            # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        train_step(model, opt, X, y, criterion)
        times.append(time.perf_counter() - t0)
    return 1e3 * min(times)


with one_core():
    timing = {kind: step_ms(kind, X1, y1, H1, repeats) for kind in MODELS}
for kind, ms in timing.items():
    print(f"{kind:<5} B={B1} T={T1} H={H1}: {ms:7.1f} ms per training step")

# %% [markdown]
# ## Assignment 2: longer segments
# The loop over time is sequential, so the time of a step should grow linearly with the
# segment length T (every step is one matrix product plus elementwise work, and the
# weight gradients are products over finished steps, docs/cells.md).

# %%
lengths = (5, 10, 20) if SMALL else (25, 50, 100, 200)
with one_core():
    scaling = {kind: [step_ms(kind, rng.normal(size=(B1, T, 1)), y1, H1, repeats)
                      for T in lengths] for kind in MODELS}
for kind, ms in scaling.items():
    per_step = [m / T for m, T in zip(ms, lengths)]
    print(f"{kind:<5}", "  ".join(f"T={T}: {m:6.1f} ms" for T, m in zip(lengths, ms)),
          f"| ms per time step: {min(per_step):.2f}..{max(per_step):.2f}")

# %% [markdown]
# On some CPUs the time stops being linear past T = 100 (on the Intel Xeon this project
# used until 2026-12-01, 10-16x at T = 200; not on the AMD EPYC since): the gradient carried
# back through that many steps decays below float32's smallest normal number (1.2e-38),
# and such CPUs compute on these *denormal* numbers many times more slowly (torch too).
# `scratchrnn.set_flush_denormal(True)`, like `torch.set_flush_denormal(True)`, makes the
# CPU treat them as zero (scratchrnn/engine/fpenv.py). Compare the two rows on yours:

# %%
set_flush_denormal(True)
try:
    with one_core():
        flushed = {kind: [step_ms(kind, rng.normal(size=(B1, T, 1)), y1, H1, repeats)
                          for T in lengths] for kind in MODELS}
finally:
    set_flush_denormal(False)
for kind, ms in flushed.items():
    print(f"{kind:<5} flushed", "  ".join(f"T={T}: {m:6.1f} ms" for T, m in zip(lengths, ms)))

# %% [markdown]
# ## Assignment 3: Xavier initialization
# `scratchrnn.init.xavier_uniform_(w)` fills w with U(-a, a), a = sqrt(6 / (fan_in + fan_out)).
# On a vanilla RNN's W_hh (H, H) that is std sqrt(1/H): variance 1/H, three times the
# 1/(3H) of torch's default U(-1/sqrt(H), 1/sqrt(H)) (stds in the ratio sqrt(3), as printed
# below); the spectral radius (largest |eigenvalue|), which
# decides whether the state and the gradient through time shrink or grow, goes from about
# 1/sqrt(3) to about 1.

# %%
H3 = 8 if SMALL else 32
w = init.xavier_uniform_(np.empty((H3, H3)), rng=0)
bound = np.sqrt(6 / (H3 + H3))
print(f"xavier_uniform_ on ({H3},{H3}): max |w| = {np.abs(w).max():.3f} <= a = {bound:.3f}, "
      f"std {w.std():.3f} (a/sqrt(3) = {bound / np.sqrt(3):.3f})")
torch_default = np.random.default_rng(0).uniform(-1, 1, (H3, H3)) / np.sqrt(H3)
assert 1.5 < w.std() / torch_default.std() < 2.0                  # sqrt(3) = 1.73

schemes = ("default", "xavier_uniform", "xavier_normal", "orthogonal")
init_stats = {}
for scheme in schemes:
    W = VanillaRNN(1, H3, 1, init=scheme, dtype="float64", seed=0).params["rnn.weight_hh_l0"]
    init_stats[scheme] = (float(W.std()), spectral_radius(W))
    print(f"{scheme:<15} W_hh std {init_stats[scheme][0]:.3f}  "
          f"spectral radius {init_stats[scheme][1]:.2f}")

# %% [markdown]
# **Predict, then run.** An LSTM's `weight_hh_l0` stacks its four gates i, f, g, o: its
# shape is (4H, H), so fan_in = H and fan_out = 4H, while torch's default is the same
# U(-1/sqrt(H), 1/sqrt(H)) as for the vanilla RNN. Is Xavier's std still sqrt(3) times the
# default's on it, as on the vanilla RNN's (H, H) above? Larger or smaller, and by roughly
# what factor? Write your guess down.

# %%
lstm_std = {scheme: float(MODELS["lstm"](1, H3, 1, init=scheme, dtype="float64", seed=0)
                          .params["lstm.weight_hh_l0"].std())
            for scheme in ("default", "xavier_uniform")}
lstm_ratio = lstm_std["xavier_uniform"] / lstm_std["default"]
rnn_ratio = init_stats["xavier_uniform"][0] / init_stats["default"][0]
fan_in, fan_out = init.calculate_fan_in_and_fan_out(np.empty((4 * H3, H3)))
# the same ratio from the two formulas: sqrt(2 / (fan_in + fan_out)) over (1/sqrt(H)) / sqrt(3)
predicted_ratio = np.sqrt(2 / (fan_in + fan_out)) / (1 / np.sqrt(H3) / np.sqrt(3))
print(f"W_hh std, xavier_uniform / default: vanilla RNN ({H3},{H3}) {rnn_ratio:.2f}, "
      f"LSTM ({4 * H3},{H3}) {lstm_ratio:.2f} (from the fans: {predicted_ratio:.2f})")
assert abs(lstm_ratio / predicted_ratio - 1) < 0.15     # the formula, with fan_out = 4H
assert lstm_ratio < 0.8 * rnn_ratio                     # the gates count as outputs

# %% [markdown]
# Xavier sees the stacked (4H, H) matrix as one layer with 4H outputs, so its variance is
# 2 / (5H) instead of 2 / (2H): against torch's 1 / (3H) that is a std ratio of sqrt(6/5),
# about 1.1, not sqrt(3). Applied to the whole stacked matrix (what `init="xavier_uniform"`
# and the usual torch recipe do), Xavier barely changes an LSTM's recurrent weights; applied
# gate by gate, to four (H, H) blocks, it would give each the vanilla RNN's sqrt(3).
# docs/optim.md ("Why Xavier") works it out for G gates: sqrt(6 / (G + 1)).

# %% [markdown]
# Training: the slides' VanillaRNN (H = 32) on windows of 50 samples of a normalized sine
# mixture, full batch, Adam lr = 0.001 as on the slides, chronological 70/15/15 split.
# A controlled experiment: `init="xavier_uniform"` re-initialises EVERY weight (W_ih, W_hh
# and the Linear head), so to credit W_hh's spectral radius we also re-initialise W_hh
# alone and the others alone, starting from torch's default. The same seeds for every
# variant, so only the re-initialised tensors differ.

# %%
n3, W3, epochs, seeds = (300, 10, 5, (0, 1)) if SMALL else (1000, 50, 100, (0, 1, 2, 3, 4))
series = normalized_sine(n3)
X3, y3 = make_windows(series, W3)                                      # N,W3,1  N,1
parts = chronological_split(len(series), window=W3)
Xtr, ytr, Xva, yva = X3[parts.train], y3[parts.train], X3[parts.val], y3[parts.val]
criterion = MSELoss()
XAVIER = {  # variant -> which tensors xavier_uniform_ re-initialises
    "default (none)": (),
    "xavier: all weights": ("rnn.weight_ih_l0", "rnn.weight_hh_l0", "fc.weight"),
    "xavier: W_hh only": ("rnn.weight_hh_l0",),
    "xavier: W_ih + fc only": ("rnn.weight_ih_l0", "fc.weight"),
}


def init_variant(tensors, seed):
    """torch's default init, then xavier_uniform_ on `tensors` (a generator per seed)."""
    model = VanillaRNN(1, H3, 1, seed=seed)
    rng = np.random.default_rng(1000 + seed)
    for name in tensors:
        init.xavier_uniform_(model.params[name], rng=rng)
    return model


init_runs = {}
for variant, tensors in XAVIER.items():
    finals = []
    for seed in seeds:
        model = init_variant(tensors, seed)
        opt = Adam(model, lr=1e-3)
        for _ in range(epochs):
            train_loss, _ = train_step(model, opt, Xtr, ytr, criterion)
        finals.append((train_loss, criterion(model.forward(Xva), yva)))
    init_runs[variant] = np.array(finals)                              # seeds,2
    m, s = init_runs[variant].mean(axis=0), init_runs[variant].std(axis=0)
    print(f"{variant:<24} after {epochs} epochs: train {m[0]:.4f} ± {s[0]:.4f}   "
          f"val {m[1]:.4f} ± {s[1]:.4f}   (min-max val {init_runs[variant][:, 1].min():.4f}"
          f"-{init_runs[variant][:, 1].max():.4f}, {len(seeds)} seeds)")

fig, ax = plt.subplots(figsize=(7, 3))
for k, (variant, runs) in enumerate(init_runs.items()):
    ax.scatter(np.full(len(runs), k), runs[:, 1], color="#4F3F84")
ax.set(xticks=range(len(init_runs)), ylabel="validation MSE", yscale="log",
       title=f"VanillaRNN H={H3}, {epochs} epochs, one dot per seed")
ax.set_xticklabels([v.replace(": ", ":\n") for v in init_runs], fontsize=8)
fig.tight_layout()
fig.savefig("03_xavier.png", dpi=100)
if not SMALL:  # what docs/assignments.md says of the full run (5 seeds, 100 epochs)
    val = {v: runs[:, 1] for v, runs in init_runs.items()}
    assert val["xavier: all weights"].mean() < 0.7 * val["default (none)"].mean()
    assert val["xavier: W_hh only"].std() > 2 * val["xavier: all weights"].std()

# %% [markdown]
# ## Assignment 4: gradient clipping on a long series
# The slides' VanillaRNN with torch's default init, plain SGD with lr = 0.3, 40 full-batch
# steps. Each step records the global gradient norm *before* clipping (what
# `clip_grad_norm_` returns) and the loss. Short windows (T = 25) as a control; long
# windows (T = 400) with nothing, with clipping to norm 1, with truncated BPTT over the
# last 50 steps, and with both.

# %%
T_short, T_long, n4, steps, k4 = (10, 40, 200, 8, 10) if SMALL else (25, 400, 1500, 40, 50)
short = make_windows(normalized_sine(n4), T_short, stride=5)            # N,T,1  N,1
long = make_windows(normalized_sine(n4), T_long, stride=20 if not SMALL else 10)
variants = {f"T={T_short}": (short, dict()),
            f"T={T_long}": (long, dict()),
            f"T={T_long} clip_grad_norm_ 1.0": (long, dict(clip=1.0)),
            f"T={T_long} truncate={k4}": (long, dict(truncate=k4)),
            f"T={T_long} truncate={k4} + clip": (long, dict(truncate=k4, clip=1.0))}
clip_runs, clipped_norms, radii = {}, [], {}
for name, ((X4, y4), options) in variants.items():
    model = VanillaRNN(1, 32, 1, dtype="float64", seed=0)
    opt, history, radii[name] = SGD(model, lr=0.3), [], []
    with np.errstate(all="ignore"):              # a run that explodes overflows on purpose
        for _ in range(steps):
            history.append(train_step(model, opt, X4, y4, criterion, **options))
            if "clip" in options:
                clipped_norms.append(get_total_norm(model))     # the gradient the step used
            radii[name].append(spectral_radius(model.params["rnn.weight_hh_l0"]))
    clip_runs[name] = np.array(history)                                # steps,2 (loss, norm)
    loss, norm = clip_runs[name].T
    print(f"{name:<28} N={len(X4):<4} grad norm max {np.nanmax(norm):9.2e}  "
          f"loss first {loss[0]:.3f} last {loss[-1]:9.3g} best {np.nanmin(loss):.4f}")
for name, r in radii.items():
    print(f"{name:<28} spectral radius of W_hh after steps 1-5:",
          np.array2string(np.array(r[:5]), precision=2), f"... {r[-1]:.2f}")

# %% [markdown]
# **Predict, then run.** The "grad norm max" above is the norm *before* clipping, what
# `clip_grad_norm_` returns. Take the long windows' gradient at initialization, of norm N,
# and clip it once to max_norm = N / 4 and once to max_norm = 4 N. Before running: what is
# the norm of the clipped gradient in each case: exactly max_norm, a little under, a little
# over, or N? Does its direction change? And what does `clip_grad_value_` do to the
# direction? (optim.md: `c = min(max_norm / (N + 1e-6), 1)`.) Write your guesses down.

# %%
probe = VanillaRNN(1, 32, 1, dtype="float64", seed=0)
loss_and_grad(probe, *long, criterion)
raw = {name: g.copy() for name, g in probe.grads.items()}
g_raw = np.concatenate([g.ravel() for g in raw.values()])                # every gradient entry
N_raw = get_total_norm(probe)


def clipped_gradient(clip):
    """The raw gradient, clipped in place by `clip(probe)`, as one flat vector."""
    for name, g in probe.grads.items():
        g[...] = raw[name]
    clip(probe)
    return np.concatenate([g.ravel() for g in probe.grads.values()])


def cosine(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


below = clipped_gradient(lambda m: clip_grad_norm_(m, N_raw / 4))
above = clipped_gradient(lambda m: clip_grad_norm_(m, 4 * N_raw))
by_value = clipped_gradient(lambda m: clip_grad_value_(m, np.abs(g_raw).max() / 10))
print(f"N = {N_raw:.4g}; clipped to N/4 = {N_raw / 4:.6g}: norm {np.linalg.norm(below):.6g} "
      f"(max_norm - norm = {N_raw / 4 - np.linalg.norm(below):.1e}), "
      f"cosine with the raw gradient {cosine(below, g_raw):.15f}")
print(f"clipped to 4 N: unchanged {np.array_equal(above, g_raw)}; clip_grad_value_ to "
      f"max|g|/10: cosine {cosine(by_value, g_raw):.4f}")
assert np.linalg.norm(below) < N_raw / 4                   # a little under max_norm ...
assert np.isclose(np.linalg.norm(below), N_raw / 4, rtol=1e-5)   # ... by the 1e-6
assert cosine(below, g_raw) > 1 - 1e-12                    # the direction is kept
assert np.array_equal(above, g_raw)                        # under the bound: c = 1, no change
assert cosine(by_value, g_raw) < 1 - 1e-6                  # clamping entries turns it

# %% [markdown]
# Clipping by norm multiplies every entry by one factor `c = max_norm / (N + 1e-6)`: the
# clipped norm is `max_norm * N / (N + 1e-6)`, a hair under max_norm (which is why
# `clipped_norms` above stay <= 1), and the direction is the raw gradient's. Under the bound
# c is exactly 1 and nothing changes. `clip_grad_value_` clamps only the large entries, so
# the update points somewhere else.

# %% [markdown]
# Why truncation changes nothing here: at the start, the part of the gradient that comes
# from more than 50 steps back is negligible (the vanilla RNN forgets, notebook 02).

# %%
full, cut = (VanillaRNN(1, 32, 1, dtype="float64", seed=0) for _ in range(2))
loss_and_grad(full, *long, criterion)
loss_and_grad(cut, *long, criterion, truncate=k4)
truncation_effect = max(float(np.abs(full.grads[n] - cut.grads[n]).max()) for n in full.grads) \
    / max(float(np.abs(g).max()) for g in full.grads.values())
print(f"at init, truncate={k4} vs full BPTT on T={T_long}: "
      f"max relative change of the gradient {truncation_effect:.1e}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
for name, run in clip_runs.items():
    axes[0].semilogy(run[:, 1], label=name)
    axes[1].semilogy(run[:, 0], label=name)
axes[0].set(xlabel="SGD step", ylabel="gradient norm before clipping")
axes[1].set(xlabel="SGD step", ylabel="training MSE")
axes[1].legend(fontsize=8)
fig.tight_layout()
fig.savefig("03_clipping.png", dpi=100)
