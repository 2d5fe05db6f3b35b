"""LSTM cell, as torch.nn.LSTM computes it (one time step); torch stacks gates i, f, g, o.

    i = sigma(W_ii x + b_ii + W_hi h + b_hi)      input gate
    f = sigma(W_if x + b_if + W_hf h + b_hf)      forget gate
    g = tanh (W_ig x + b_ig + W_hg h + b_hg)      candidate cell
    o = sigma(W_io x + b_io + W_ho h + b_ho)      output gate
    c' = f * c + i * g
    m  = o * tanh(c')
    h' = m              or, with proj_size = P > 0,   h' = W_hr m

Shapes (one column per sample): gates (4,H,b), c (H,b), h (P,b), W_hr (P,H), P =
proj_size or H. The caller packs the rows as i, f, o, g (LAYOUT), so the three sigmoids
are one call on a[:3]. Backward, with dh', dc' the gradients reaching h', c' (from
above and from step t+1), and the slopes s of the step (sigma' = s(1-s), tanh' = 1 - t^2):

    s  = [i(1-i), f(1-f), o(1-o), 1-g^2, o(1-tanh(c')^2)]           need no gradient
    dm = dh' (or W_hr^T dh', and dW_hr += dh' m^T)
    do = dm * tanh(c');   dc = dc' + dm * s[4]       everything that reaches c'
    di = dc * g;  df = dc * c;  dg = dc * i;  dc_prev = dc * f
    d(pre-activation) = [di, df, do, dg] * s[:4]
    (the caller adds dh_prev = W_hh^T d(pre-activation))

On CuPy the loop runs forward/backward as ONE GPU kernel each: fused.lstm_forward /
lstm_backward, these lines once more as equations (engine/kernels/fused.py).
"""
from typing import NamedTuple

from ...backend import namespace_of
from ...functional import sigmoid, tanh

GATES = 4  # torch's stacked gates: weight_ih is (GATES*H, I)
LAYOUT = ((0, 0), (1, 1), (3, 3), (2, 2))   # row blocks i, f, o, g (torch: i, f, g, o)
SLOPES = 5


class Cache(NamedTuple):
    gates: object   # 4,H,b  activated i, f, o, g
    c_prev: object  # H,b
    tanh_c: object  # H,b    tanh(c')
    m: object       # H,b    o * tanh(c'), the input of the projection (or h')


def forward(a, state, new, w):
    """a (4,H,b) pre-activations i, f, o, g; state = (h, c); writes (h', c') into new."""
    xp = namespace_of(a)
    c_prev = state[1]
    h, c = new
    i, f, o, g = a                              # H,b views
    sigmoid(a[:3], out=a[:3])                   # i, f, o (in place)
    tanh(g, out=g)                              # g
    xp.multiply(f, c_prev, out=c)
    c += i * g                                  # c' = f c + i g
    tanh_c = tanh(c)                            # H,b
    if w.w_hr is None:
        m = xp.multiply(o, tanh_c, out=h)       # h' = o tanh(c')
    else:
        m = o * tanh_c                          # H,b
        xp.matmul(w.w_hr, m, out=h)             # h' = W_hr m
    return Cache(a, c_prev, tanh_c, m)


def slopes(a, prev, new, s, w):
    """Steps t0..t1 at once, (n,...) arrays:
    s = [i(1-i), f(1-f), o(1-o), 1-g^2, o(1-tanh^2(c'))]."""
    xp = namespace_of(a)
    ifo, q = s[:, :3], s[:, 4]
    xp.subtract(1, a[:, :3], out=ifo)
    ifo *= a[:, :3]                                       # sigma' = s(1-s)
    xp.multiply(a[:, 3], a[:, 3], out=s[:, 3])
    xp.subtract(1, s[:, 3], out=s[:, 3])                  # tanh' = 1 - g^2
    tanh(new[1], out=q)                                   # tanh(c'), as forward had it
    q *= q
    xp.subtract(1, q, out=q)
    q *= a[:, 2]                                          # o (1 - tanh^2(c'))


def backward(dnew, cache, s, da, w):
    """dnew = (dh', dc'); writes d(pre-activation) into da (4,H,b) -> (None, dc), dw."""
    xp = namespace_of(da)
    dh, dc_next = dnew
    i, f, o, g = cache.gates                              # H,b each, activated
    dm, dw = through_projection(dh, cache, w)             # H,b
    di, df, do, dg = da
    xp.multiply(dm, cache.tanh_c, out=do)                 # do = dm * tanh(c')
    dc = dm * s[4]                                        # H,b
    dc += dc_next                                         # dc = dc' + dm o (1-tanh^2)
    xp.multiply(dc, g, out=di)
    xp.multiply(dc, cache.c_prev, out=df)
    xp.multiply(dc, i, out=dg)
    dc_prev = dc * f                                      # H,b
    da *= s[:4]                                           # through the nonlinearities
    return (None, dc_prev), dw


def through_projection(dh, cache, w):
    """(dm, dw): the gradient reaching m = o tanh(c') (dh itself without a projection,
    W_hr^T dh with one) and {'w_hr': dh m^T} (P,H) with one."""
    if w.w_hr is None:
        return dh, {}
    return w.w_hr.T @ dh, {"w_hr": dh @ cache.m.T}
