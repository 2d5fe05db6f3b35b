"""GRU cell, as torch.nn.GRU computes it (one time step), gates stacked r, z, n.

    r  = sigma(W_ir x + b_ir + W_hr h + b_hr)        reset gate
    z  = sigma(W_iz x + b_iz + W_hz h + b_hz)        update gate
    n  = tanh (W_in x + b_in + r * (W_hn h + b_hn))  candidate
    h' = (1 - z) * n + z * h

Note: torch (and cuDNN) apply the reset gate AFTER the recurrent matmul,
``r * (W_hn h + b_hn)``; d2l and the original Cho et al. paper apply it before,
``W_hn (r * h)``. The two are different models; this file follows torch, so the
candidate needs its h-part and x-part apart: four row blocks (LAYOUT) r, z,
gh = W_hn h + b_hn, gx = W_in x + b_in. gx reads no h, so it comes last and the loop
takes it in a product of its own from [x; 1] (engine/loop.py): a step's product is 3H rows.

Shapes (one column per sample): a (4,H,b), h (H,b). The rows r, z of the packed W are
negated (SIGNS): a holds u = -(pre-activation) there, so sigma = 1 / (1 + exp(u)) is
three calls, and d sigma / du = (sigma-1) sigma. Backward, with dh the gradient reaching
h' and the slopes s of the step (tanh' = 1 - n^2):

    s = [(n - h) z(1-z), (1-z)(1-n^2), gh (r-1)r]                  need no gradient
    da_z = dh * s[0];  da_n = dh * s[1];  da_r = da_n * s[2];  da_gh = da_n * r
    d(pre-activation) = [da_r, da_z, da_gh, da_n];   dh_prev = dh * z  (+ W_hh^T da, caller)

On CuPy the loop runs forward/backward as ONE GPU kernel each: fused.gru_forward /
gru_backward, these lines once more as equations (engine/kernels/fused.py).
"""
from ...backend import namespace_of
from .signed import bind_sigmoid_of_minus

GATES = 3  # torch's stacked gates: weight_ih is (GATES*H, I)
LAYOUT = ((0, 0), (1, 1), (2, None), (None, 2))   # r, z, W_hn h + b_hn, W_in x + b_in
SIGNS = (-1, -1, 1, 1)                            # r, z rows hold u = -(pre-activation)
CARRIED = 0                                      # no state kept in the step's buffer
KEPT = 0                                         # nothing else written for backward
TEMP = 1                                         # tmp: r * gh; backward: dh' z
SLOPES = 3
NUMBERS = 12                                     # numbers the step's calls write per h unit


def bind_forward(a, state, new, tmp, w):
    """One step, bound: a (4,H,b) holds u_r, u_z, gh, gx, activated in place;
    state = (h,); the step writes h' into new. The caller silences exp's overflow
    (sigma -> 0 exactly)."""
    xp = namespace_of(a)
    add, subtract, multiply, tanh = xp.add, xp.subtract, xp.multiply, xp.tanh
    sigmoid = bind_sigmoid_of_minus(a[:2])                  # u_r, u_z -> r, z
    r, z, gh, n = a                                         # H,b views
    (h_prev,), (h,), r_gh = state, new, tmp[0]

    def step():
        sigmoid()
        multiply(r, gh, r_gh)
        add(n, r_gh, n)                                     # gx + r * (W_hn h + b_hn)
        tanh(n, n)                                          # n (in place of gx)
        subtract(h_prev, n, h)
        multiply(h, z, h)
        add(h, n, h)                                        # h' = n + z (h - n)
    return step


def slopes(a, prev, new, s, w):
    """Steps t0..t1 at once, (n,...) arrays: s = [(n-h) z(1-z), (1-z)(1-n^2), gh (r-1)r]."""
    xp = namespace_of(a)
    r, z, gh, n = a[:, 0], a[:, 1], a[:, 2], a[:, 3]
    one_minus_z = 1 - z
    xp.multiply(z, one_minus_z, out=s[:, 0])
    s[:, 0] *= n - prev[0]                                  # dh'/dz = h - n, dz/du = -z(1-z)
    xp.multiply(n, n, out=s[:, 1])
    xp.subtract(1, s[:, 1], out=s[:, 1])
    s[:, 1] *= one_minus_z                                  # dh'/d(pre-act n) = (1-z)(1-n^2)
    xp.subtract(r, 1, out=s[:, 2])
    s[:, 2] *= r
    s[:, 2] *= gh                                           # d(pre-act n)/d u_r


def bind_backward(gates, s, da, dnew, dold, tmp, w):
    """One step's backward, bound: reads dnew = (dh',), the gates (4,H,b) as forward left
    them and the slopes s (3,H,b); writes d(pre-activation) into da (4,H,b).
    Returns (step, direct): direct = dh' z, what reaches h_prev besides W_hh^T da."""
    multiply = namespace_of(da).multiply
    (dh,), r, z, direct = dnew, gates[0], gates[1], tmp[0]
    (s_z, s_n, s_r), (da_r, da_z, da_gh, da_n) = s, da

    def step():
        multiply(dh, s_z, da_z)
        multiply(dh, s_n, da_n)
        multiply(da_n, s_r, da_r)                           # dr = da_n gh, times (r-1)r
        multiply(da_n, r, da_gh)                            # gh entered as r * gh
        multiply(dh, z, direct)                             # h' = n + z (h - n)
    return step, direct
