"""The grader: each `check_*` runs an implementation against torch (float64) and says
which quantity is wrong and by how much, or returns a one-line summary of what matched.

    check_lstm_step(module_with_forward_and_backward)
    -> AssertionError: LSTM step, backward: dc (gradient of the old cell state c) differs
       from torch: max |yours - torch| = 3.1e-01, relative 2.2e-01. ...

torch is the oracle for every value; for the steps, finite differences of YOUR forward
also say whether your backward agrees with your own forward (when the forward is right
and the backward is not, the mistake is in backward).
"""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import torch

TOL = 1e-9  # relative, float64

STEP_NAMES = {"dx": "dx (gradient of the input x)", "dh": "dh (gradient of the old state h)",
              "dc": "dc (gradient of the old cell state c)",
              "w_ih": "grads['w_ih'] (dW_ih)", "w_hh": "grads['w_hh'] (dW_hh)",
              "b_ih": "grads['b_ih'] (db_ih)", "b_hh": "grads['b_hh'] (db_hh)"}


def _rel(ours, theirs) -> tuple[float, float]:
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    if ours.shape != theirs.shape:
        raise AssertionError(f"shape {ours.shape}, expected {theirs.shape}")
    diff = float(np.abs(ours - theirs).max(initial=0.0))
    scale = float(np.abs(theirs).max(initial=0.0))
    return diff, diff / scale if scale else diff


def _compare(task: str, what: str, ours, theirs, hint: str = "") -> None:
    try:
        diff, rel = _rel(ours, theirs)
    except AssertionError as err:
        raise AssertionError(f"{task}: {what} has the wrong shape: {err}") from None
    if not rel <= TOL:
        raise AssertionError(f"{task}: {what} differs from torch: max |yours - torch| = "
                             f"{diff:.2e}, relative {rel:.2e} (allowed {TOL:.0e}).{hint}")


def _params(gates: int, I: int, H: int, bias: bool, rng) -> dict:
    p = {"w_ih": rng.normal(0, 0.5, (gates * H, I)), "w_hh": rng.normal(0, 0.5, (gates * H, H)),
         "b_ih": rng.normal(0, 0.5, gates * H) if bias else None,
         "b_hh": rng.normal(0, 0.5, gates * H) if bias else None, "w_hr": None}
    return p


def _torch_cell(kind: str, p: dict, nonlinearity: str):
    I, H = p["w_ih"].shape[1], p["w_hh"].shape[1]
    bias = p["b_ih"] is not None
    if kind == "RNN":
        cell = torch.nn.RNNCell(I, H, bias=bias, nonlinearity=nonlinearity, dtype=torch.float64)
    else:
        cell = getattr(torch.nn, f"{kind}Cell")(I, H, bias=bias, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(p["w_ih"]))
        cell.weight_hh.copy_(torch.from_numpy(p["w_hh"]))
        if bias:
            cell.bias_ih.copy_(torch.from_numpy(p["b_ih"]))
            cell.bias_hh.copy_(torch.from_numpy(p["b_hh"]))
    return cell


def _numeric_w_hh(module, x, state, p, dstate, nonlinearity, eps=1e-6):
    """d(sum <out, dstate>)/d W_hh[0, 0] by central differences of the given forward."""
    def loss(delta):
        q = dict(p, w_hh=p["w_hh"].copy())
        q["w_hh"][0, 0] += delta
        new, _ = _forward(module, x, state, q, nonlinearity)
        return sum(float((a * d).sum()) for a, d in zip(new, dstate))
    return (loss(eps) - loss(-eps)) / (2 * eps)


def _forward(module, x, state, p, nonlinearity):
    if nonlinearity == "tanh":
        return module.forward(x, state, p)
    return module.forward(x, state, p, nonlinearity)


def check_step(module, kind: str, nonlinearity: str = "tanh", bias: bool = True,
               seed: int = 0) -> str:
    """One time step of an RNN / LSTM / GRU cell, forward and backward, against torch's
    RNNCell / LSTMCell / GRUCell with the same weights."""
    task = f"{kind} step ({nonlinearity}, {'with' if bias else 'without'} biases)"
    gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[kind]
    rng = np.random.default_rng(seed)
    B, I, H = 3, 2, 4
    p = _params(gates, I, H, bias, rng)
    x = rng.normal(size=(B, I))
    state = tuple(rng.normal(size=(B, H)) for _ in range(2 if kind == "LSTM" else 1))
    dstate = tuple(rng.normal(size=(B, H)) for _ in state)

    cell = _torch_cell(kind, p, nonlinearity)
    xt = torch.tensor(x, requires_grad=True)
    st = tuple(torch.tensor(s, requires_grad=True) for s in state)
    new_t = cell(xt, st if kind == "LSTM" else st[0])
    new_t = tuple(new_t) if kind == "LSTM" else (new_t,)
    sum((a * torch.from_numpy(d)).sum() for a, d in zip(new_t, dstate)).backward()

    new, cache = _forward(module, x, state, p, nonlinearity)
    names = ("h'", "c'")
    if len(new) != len(new_t):
        raise AssertionError(f"{task}: forward must return the new state as a tuple of "
                             f"{len(new_t)} array(s) {names[:len(new_t)]}, got {len(new)}")
    for name, a, t in zip(names, new, new_t):
        _compare(task, f"forward: {name}", a, t.detach().numpy())

    dx, dprev, grads = module.backward(dstate, cache, p)
    numeric = _numeric_w_hh(module, x, state, p, dstate, nonlinearity)
    g_hh = grads.get("w_hh")
    yours = float(np.asarray(g_hh)[0, 0]) if g_hh is not None and np.ndim(g_hh) == 2 \
        else float("nan")
    hint = (f" Finite differences of your forward give dW_hh[0, 0] = {numeric:.6g}; your "
            f"backward gives {yours:.6g}.")
    _compare(task, "backward: " + STEP_NAMES["dx"], dx, xt.grad.numpy(), hint)
    for key, t in zip(("dh", "dc"), st):
        _compare(task, "backward: " + STEP_NAMES[key], dprev[("dh", "dc").index(key)],
                 t.grad.numpy(), hint)
    for key, tp in (("w_ih", cell.weight_ih), ("w_hh", cell.weight_hh),
                    ("b_ih", cell.bias_ih), ("b_hh", cell.bias_hh)):
        if tp is None:
            if grads.get(key) is not None:
                raise AssertionError(f"{task}: {STEP_NAMES[key]} should be absent or None: "
                                     "the layer has no biases")
            continue
        if key not in grads:
            raise AssertionError(f"{task}: backward returned no {STEP_NAMES[key]}")
        _compare(task, "backward: " + STEP_NAMES[key], grads[key], tp.grad.numpy(), hint)
    return f"{task}: forward and every gradient match torch to {TOL:.0e}"


def check_bptt(module, cells, seed: int = 0) -> str:
    """The loop over time (one direction, both ways) with the lesson's cells, against
    torch.nn.RNN/LSTM/GRU over a whole sequence."""
    out = []
    for kind in ("RNN", "LSTM", "GRU"):
        for reverse in (False, True):
            out.append(_check_bptt_one(module, cells[kind], kind, reverse, seed))
    return "; ".join(out)


def _check_bptt_one(module, cell, kind, reverse, seed):
    task = f"BPTT loop ({kind}, {'reverse' if reverse else 'forward'} direction)"
    gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[kind]
    rng = np.random.default_rng(seed)
    T, B, I, H = 5, 3, 2, 4
    p = _params(gates, I, H, True, rng)
    x = rng.normal(size=(T, B, I))
    state0 = tuple(rng.normal(size=(B, H)) for _ in range(2 if kind == "LSTM" else 1))
    dout = rng.normal(size=(T, B, H))
    dstate_T = tuple(rng.normal(size=(B, H)) for _ in state0)

    layer = getattr(torch.nn, kind)(I, H, dtype=torch.float64)
    with torch.no_grad():
        for ours, theirs in (("w_ih", "weight_ih_l0"), ("w_hh", "weight_hh_l0"),
                             ("b_ih", "bias_ih_l0"), ("b_hh", "bias_hh_l0")):
            getattr(layer, theirs).copy_(torch.from_numpy(p[ours]))
    xt = torch.tensor(x[::-1].copy() if reverse else x, requires_grad=True)
    st = tuple(torch.tensor(s[None], requires_grad=True) for s in state0)
    out_t, fin_t = layer(xt, st if kind == "LSTM" else st[0])
    out_t = out_t.flip(0) if reverse else out_t                 # back to time order
    fin_t = tuple(fin_t) if kind == "LSTM" else (fin_t,)
    loss = (out_t * torch.from_numpy(dout)).sum()
    loss = loss + sum((f[0] * torch.from_numpy(d)).sum() for f, d in zip(fin_t, dstate_T))
    loss.backward()

    out, state_T, cache = module.direction_forward(cell, x, state0, p, reverse=reverse)
    _compare(task, "forward: the outputs out (T,B,H), in time order", out,
             out_t.detach().numpy())
    for name, a, t in zip(("h_T", "c_T"), state_T, fin_t):
        _compare(task, f"forward: the final state {name}", a, t[0].detach().numpy())
    grads = {k: None if v is None else np.zeros_like(v) for k, v in p.items()}
    dx, dstate0 = module.direction_backward(cell, dout, dstate_T, cache, p, grads)
    dx_t = xt.grad.numpy()[::-1] if reverse else xt.grad.numpy()
    _compare(task, "backward: dx (T,B,I), in time order", dx, dx_t)
    for name, a, t in zip(("dh_0", "dc_0"), dstate0, st):
        _compare(task, f"backward: {name}", a, t.grad.numpy()[0])
    for ours, theirs in (("w_ih", "weight_ih_l0"), ("w_hh", "weight_hh_l0"),
                         ("b_ih", "bias_ih_l0"), ("b_hh", "bias_hh_l0")):
        _compare(task, f"backward: grads['{ours}'] (summed over the steps)", grads[ours],
                 getattr(layer, theirs).grad.numpy())
    return f"{task} matches torch"


def check_adam(adam_step, seed: int = 0) -> str:
    """Adam's update (with and without weight decay) against torch.optim.Adam, 6 steps."""
    for hyper in (dict(lr=0.01), dict(lr=0.003, betas=(0.8, 0.95), eps=1e-6,
                                      weight_decay=0.1)):
        rng = np.random.default_rng(seed)
        param = rng.normal(size=(4, 3))
        tp = torch.tensor(param.copy(), requires_grad=True)
        opt = torch.optim.Adam([tp], **hyper)
        state = {}
        for step in range(1, 7):
            grad = rng.normal(size=param.shape) * 10 ** (step % 3 - 1)
            tp.grad = torch.from_numpy(grad.copy())
            opt.step()
            adam_step(param, grad.copy(), state, **hyper)
            _compare(f"Adam {hyper}", f"the parameter after step {step}", param,
                     tp.detach().numpy())
    return "Adam matches torch.optim.Adam over 6 steps, with and without weight decay"


def check_clip(clip_grad_norm_, seed: int = 0) -> str:
    """clip_grad_norm_ on a list of gradients against torch.nn.utils.clip_grad_norm_."""
    for max_norm, norm_type, scale in ((1.0, 2.0, 3.0), (0.5, float("inf"), 3.0),
                                       (100.0, 2.0, 1.0), (1.0, 1.0, 2.0)):
        rng = np.random.default_rng(seed)
        grads = [rng.normal(size=(4, 3)) * scale, rng.normal(size=5) * scale]
        tparams = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
        for t, g in zip(tparams, grads):
            t.grad = torch.from_numpy(g.copy())
        total_t = float(torch.nn.utils.clip_grad_norm_(tparams, max_norm, norm_type))
        task = f"clip_grad_norm_(max_norm={max_norm}, norm_type={norm_type})"
        total = clip_grad_norm_(grads, max_norm, norm_type)
        _compare(task, "the returned total norm (BEFORE clipping)", np.float64(total),
                 np.float64(total_t))
        for k, (g, t) in enumerate(zip(grads, tparams)):
            _compare(task, f"gradient {k} after clipping", g, t.grad.numpy())
    return "clip_grad_norm_ matches torch (2-norm, inf-norm, 1-norm, below the limit)"


def check_xavier(xavier_uniform_, seed: int = 0) -> str:
    """xavier_uniform_: torch's bound a = gain sqrt(6 / (fan_in + fan_out)), U(-a, a)."""
    for shape, gain in (((400, 300), 1.0), ((1200, 100), 5 / 3)):  # (4H, I) like a gate stack
        fan_out, fan_in = shape
        bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
        w = np.zeros(shape)
        result = xavier_uniform_(w, gain=gain, rng=seed)
        task = f"xavier_uniform_ on {shape}, gain {gain:.3g}"
        if result is not w:
            raise AssertionError(f"{task}: fill w in place and return it (as torch's "
                                 "init functions do)")
        top = float(np.abs(w).max())
        if top > bound * (1 + 1e-12) or top < 0.98 * bound:
            raise AssertionError(f"{task}: the largest |w| is {top:.4f}; U(-a, a) with "
                                 f"a = gain * sqrt(6 / (fan_in + fan_out)) = {bound:.4f} "
                                 "should come within 2% of a and never pass it (fan_in is "
                                 "the number of columns, fan_out the number of rows)")
        std, expected = float(w.std()), bound / math.sqrt(3)
        if abs(std / expected - 1) > 0.02:
            raise AssertionError(f"{task}: std {std:.4f}, expected a / sqrt(3) = "
                                 f"{expected:.4f}: the values are not uniform on (-a, a)")
    return "xavier_uniform_ has torch's bound and a uniform spread"


def lesson_adam_step(param, grad, state, **hyper):
    """The lesson's Adam update (scratchrnn.optim.Adam), in the exercise's signature."""
    from scratchrnn.optim import Adam
    Adam(SimpleNamespace(params={}, grads={}), **hyper)._update(param, grad, state)


def lesson_clip_grad_norm_(grads, max_norm, norm_type=2.0):
    """The lesson's clip_grad_norm_ (scratchrnn.optim), on a list of gradients."""
    from scratchrnn.optim import clip_grad_norm_
    return clip_grad_norm_(SimpleNamespace(grads=dict(enumerate(grads))), max_norm,
                           norm_type)
