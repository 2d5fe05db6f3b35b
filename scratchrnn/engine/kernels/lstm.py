"""LSTM cell, as torch.nn.LSTM computes it (one time step); torch stacks gates i, f, g, o.

    i = sigma(W_ii x + b_ii + W_hi h + b_hi)      input gate
    f = sigma(W_if x + b_if + W_hf h + b_hf)      forget gate
    g = tanh (W_ig x + b_ig + W_hg h + b_hg)      candidate cell
    o = sigma(W_io x + b_io + W_ho h + b_ho)      output gate
    c' = f * c + i * g
    m  = o * tanh(c')
    h' = m              or, with proj_size = P > 0,   h' = W_hr m

Shapes (one column per sample): c (H,b), h (P,b), W_hr (P,H), P = proj_size or H.
The step's buffer a (5,H,b) holds the row blocks o, i, f, g (LAYOUT) and, after them,
the cell state c itself (CARRIED: the loop keeps c_t there), so that

    the three sigmoids are one run of rows, a[0:3]
    [i g; f c] = a[1:3] * a[3:5]     both products of c' in ONE call

and the rows o, i, f of the packed W are negated (SIGNS): a holds u = -(pre-activation)
there, and sigma = 1 / (1 + exp(u)) is three calls (exp, +1, reciprocal) instead of four.
Backward, with dh', dc' the gradients reaching h', c' (from above and from step t+1), and
the slopes s of the step (d sigma / du = -sigma(1-sigma) = (sigma-1) sigma, tanh' = 1-t^2):

    s  = [(o-1)o, (i-1)i, (f-1)f, 1-g^2, o(1-tanh(c')^2)]         need no gradient
    dm = dh' (or W_hr^T dh', and dW_hr += dh' m^T)
    do = dm * tanh(c');   dc = dc' + dm * s[4]       everything that reaches c'
    [di; df] = dc * [g; c];  dg = dc * i;  dc_prev = dc * f
    d(pre-activation) = [do, di, df, dg] * s[:4]     (for u where SIGNS is -1)
    (the caller adds dh_prev = W_hh^T d(pre-activation), with W as packed)

On CuPy the loop runs forward/backward as ONE GPU kernel each: fused.lstm_forward /
lstm_backward, these lines once more as equations (engine/kernels/fused.py).
"""
from typing import NamedTuple

from ...backend import namespace_of
from .signed import sigmoid_of_minus_

GATES = 4  # torch's stacked gates: weight_ih is (GATES*H, I)
LAYOUT = ((3, 3), (0, 0), (1, 1), (2, 2))   # row blocks o, i, f, g (torch: i, f, g, o)
SIGNS = (-1, -1, -1, 1)                     # o, i, f rows hold u = -(pre-activation)
CARRIED = 1                                 # a[4]: the cell state c (the step's input)
SLOPES = 5


class Cache(NamedTuple):
    gates: object   # 5,H,b  activated o, i, f, g, and c (the cell state before the step)
    tanh_c: object  # H,b    tanh(c')
    m: object       # H,b    o * tanh(c'), the input of the projection (or h')


def forward(a, state, new, w):
    """a (5,H,b): u_o, u_i, u_f, the pre-activation of g, and c = state[1];
    writes (h', c') into new. The caller silences exp's overflow (sigma -> 0 exactly)."""
    xp = namespace_of(a)
    h, c = new
    o, g = a[0], a[3]                           # H,b views
    sigmoid_of_minus_(a[:3])                    # u_o, u_i, u_f -> o, i, f (in place)
    xp.tanh(g, out=g)                           # g
    ig_fc = a[1:3] * a[3:5]                     # [i g; f c]   2,H,b
    xp.add(ig_fc[0], ig_fc[1], out=c)           # c' = i g + f c
    tanh_c = xp.tanh(c)                         # H,b
    if w.w_hr is None:
        m = xp.multiply(o, tanh_c, out=h)       # h' = o tanh(c')
    else:
        m = o * tanh_c                          # H,b
        xp.matmul(w.w_hr, m, out=h)             # h' = W_hr m
    return Cache(a, tanh_c, m)


def slopes(a, prev, new, s, w):
    """Steps t0..t1 at once, (n,...) arrays:
    s = [(o-1)o, (i-1)i, (f-1)f, 1-g^2, o(1-tanh^2(c'))]."""
    xp = namespace_of(a)
    oif, q = s[:, :3], s[:, 4]
    xp.subtract(a[:, :3], 1, out=oif)
    oif *= a[:, :3]                                       # d sigma / du = (sigma-1) sigma
    xp.multiply(a[:, 3], a[:, 3], out=s[:, 3])
    xp.subtract(1, s[:, 3], out=s[:, 3])                  # tanh' = 1 - g^2
    xp.tanh(new[1], out=q)                                # tanh(c'), as forward had it
    q *= q
    xp.subtract(1, q, out=q)
    q *= a[:, 0]                                          # o (1 - tanh^2(c'))


def backward(dnew, cache, s, da, w):
    """dnew = (dh', dc'); writes d(pre-activation) into da (4,H,b) -> (None, dc), dw."""
    xp = namespace_of(da)
    dh, dc_next = dnew
    i, f = cache.gates[1], cache.gates[2]                 # H,b each, activated
    dm, dw = through_projection(dh, cache, w)             # H,b
    xp.multiply(dm, cache.tanh_c, out=da[0])              # do = dm * tanh(c')
    dc = dm * s[4]                                        # H,b
    dc += dc_next                                         # dc = dc' + dm o (1-tanh^2)
    xp.multiply(dc, cache.gates[3:5], out=da[1:3])        # [di; df] = dc [g; c]
    xp.multiply(dc, i, out=da[3])                         # dg = dc i
    dc_prev = dc * f                                      # H,b
    da *= s[:4]                                           # through the nonlinearities
    return (None, dc_prev), dw


def through_projection(dh, cache, w):
    """(dm, dw): the gradient reaching m = o tanh(c') (dh itself without a projection,
    W_hr^T dh with one) and {'w_hr': dh m^T} (P,H) with one."""
    if w.w_hr is None:
        return dh, {}
    return w.w_hr.T @ dh, {"w_hr": dh @ cache.m.T}
