"""LSTM cell, as torch.nn.LSTM computes it (one time step); torch stacks gates i, f, g, o.

    i = sigma(W_ii x + b_ii + W_hi h + b_hi)      input gate
    f = sigma(W_if x + b_if + W_hf h + b_hf)      forget gate
    g = tanh (W_ig x + b_ig + W_hg h + b_hg)      candidate cell
    o = sigma(W_io x + b_io + W_ho h + b_ho)      output gate
    c' = f * c + i * g
    m  = o * tanh(c')
    h' = m              or, with proj_size = P > 0,   h' = W_hr m

Shapes (one column per sample): c (H,b), h (P,b), W_hr (P,H), P = proj_size or H.
The step's buffer a (6,H,b) holds the row blocks o, i, f, g (LAYOUT), after them the cell
state c itself (CARRIED: the loop keeps c_t there) and, last, tanh(c') (KEPT: written
forward, where h' needs it anyway, and read by backward), so that

    the three sigmoids are one run of rows, a[0:3]
    [i g; f c] = a[1:3] * a[3:5]     both products of c' in ONE call

and the rows o, i, f of the packed W are negated (SIGNS): a holds u = -(pre-activation)
there, and sigma = 1 / (1 + exp(u)) is three calls (exp, +1, 1/.) instead of four.
Backward, with dh', dc' the gradients reaching h', c' (from above and from step t+1), and
the slopes s of the step (d sigma / du = -sigma(1-sigma) = (sigma-1) sigma, tanh' = 1-t^2):

    s  = [(o-1)o, (i-1)i, (f-1)f, 1-g^2, o(1-tanh(c')^2)]    need no gradient
    dm = dh' (or W_hr^T dh', and dW_hr += dh' m^T)
    do = dm * tanh(c');   dc = dc' + dm * s[4]       everything that reaches c'
    [di; df] = dc * [g; c];  dg = dc * i;  dc_prev = dc * f
    d(pre-activation) = [do, di, df, dg] * s[:4]     (for u where SIGNS is -1)
    (the caller adds dh_prev = W_hh^T d(pre-activation), with W as packed)

Forward keeps the gates and tanh(c'): computing tanh(c') again with the slopes cost a
training step 4-11% on a machine where NumPy's tanh is slow (docs/performance.md, step
15). On CuPy the loop runs forward/backward as ONE GPU kernel each: fused.lstm_forward /
lstm_backward, these lines once more as equations (engine/kernels/fused.py).
"""
from ...backend import namespace_of
from .signed import bind_sigmoid_of_minus

GATES = 4  # torch's stacked gates: weight_ih is (GATES*H, I)
LAYOUT = ((3, 3), (0, 0), (1, 1), (2, 2))   # row blocks o, i, f, g (torch: i, f, g, o)
SIGNS = (-1, -1, -1, 1)                     # o, i, f rows hold u = -(pre-activation)
CARRIED = 1                                 # a[4]: the cell state c (the step's input)
KEPT = 1                                    # a[5]: tanh(c'), for backward
TEMP = 3                                    # tmp: [i g; f c] and m (with a projection);
                                            # backward: dc, dm, m
SLOPES = 5
NUMBERS = 15                                # numbers the step's calls write per h unit


def bind_forward(a, state, new, tmp, w):
    """One step, bound: a (6,H,b) holds u_o, u_i, u_f, the pre-activation of g, and
    c = state[1]; the step activates it in place, writes tanh(c') into a[5] and (h', c')
    into new. The caller silences exp's overflow (sigma -> 0 exactly)."""
    xp = namespace_of(a)
    tanh, multiply, add, dot = xp.tanh, xp.multiply, xp.add, xp.dot
    sigmoid = bind_sigmoid_of_minus(a[:3])      # u_o, u_i, u_f -> o, i, f
    o, g, i_f, g_c = a[0], a[3], a[1:3], a[3:5]
    h, c = new
    ig_fc, ig, fc, tanh_c, m = tmp[:2], tmp[0], tmp[1], a[5], tmp[2]
    w_hr = w.w_hr

    def step():
        sigmoid()
        tanh(g, g)                              # g
        multiply(i_f, g_c, ig_fc)               # [i g; f c]
        add(ig, fc, c)                          # c' = i g + f c
        tanh(c, tanh_c)
        if w_hr is None:
            multiply(o, tanh_c, h)              # h' = o tanh(c')
        else:
            multiply(o, tanh_c, m)              # m = o tanh(c')
            dot(w_hr, m, h)                     # h' = W_hr m
    return step


def slopes(a, prev, new, s, w):
    """Steps t0..t1 at once, (n,...) arrays:
    s = [(o-1)o, (i-1)i, (f-1)f, 1-g^2, o(1-tanh^2(c'))]."""
    xp = namespace_of(a)
    oif, q, tanh_c = s[:, :3], s[:, 4], a[:, 5]
    xp.subtract(a[:, :3], 1, out=oif)
    oif *= a[:, :3]                                       # d sigma / du = (sigma-1) sigma
    xp.multiply(a[:, 3], a[:, 3], out=s[:, 3])
    xp.subtract(1, s[:, 3], out=s[:, 3])                  # tanh' = 1 - g^2
    xp.multiply(tanh_c, tanh_c, out=q)                    # tanh(c') as forward kept it
    xp.subtract(1, q, out=q)
    q *= a[:, 0]                                          # o (1 - tanh^2(c'))


def bind_backward(gates, s, da, dnew, dold, tmp, w):
    """One step's backward, bound: reads dnew = (dh', dc'), the gates (6,H,b) as forward
    left them and the slopes s (5,H,b); writes d(pre-activation) into da (4,H,b) and
    dc_prev into dold[1]. Returns (step, None): nothing reaches h_prev but through W."""
    xp = namespace_of(da)
    add, multiply = xp.add, xp.multiply
    (dh, dc_next), dc_prev = dnew, dold[1]
    i, f, g_c = gates[1], gates[2], gates[3:5]
    do, di_df, dg, tanh_c, s_c, s_gates = da[0], da[1:3], da[3], gates[5], s[4], s[:4]
    dm, project, dc = *bind_projection_backward(gates, s, dh, tmp, w), tmp[0]

    def step():
        if project:
            project()
        multiply(dm, tanh_c, do)                # do = dm tanh(c')
        multiply(dm, s_c, dc)
        add(dc, dc_next, dc)                    # dc = dc' + dm o (1 - tanh^2(c'))
        multiply(dc, g_c, di_df)                # [di; df] = dc [g; c]
        multiply(dc, i, dg)                     # dg = dc i
        multiply(dc, f, dc_prev)                # dc_prev = dc f
        multiply(da, s_gates, da)               # through the nonlinearities
    return step, None


def bind_projection_backward(gates, s, dh, tmp, w):
    """(dm, project): dm is the gradient reaching m = o tanh(c'): dh' itself without a
    projection (project None); with one, project() writes W_hr^T dh' into dm = tmp[1]
    and adds dh' m^T into w.dw_hr (P,H), m = o tanh(c') remade in tmp[2]."""
    if w.w_hr is None:
        return dh, None
    xp = namespace_of(dh)
    w_hr, dw_hr, o, tanh_c, dm, m = w.w_hr, w.dw_hr, gates[0], gates[5], tmp[1], tmp[2]

    def project():
        xp.dot(w_hr.T, dh, dm)                  # dm = W_hr^T dh'
        xp.multiply(o, tanh_c, m)               # m = o tanh(c'), as forward had it
        xp.add(dw_hr, xp.dot(dh, m.T), dw_hr)   # dW_hr += dh' m^T
    return dm, project
