"""Exercise 2: one time step of the LSTM, forward and backward (torch.nn.LSTM's cell).

torch stacks the gates i, f, g, o in one matrix: W_ih = [W_ii; W_if; W_ig; W_io] (4H, I).

    a  = x W_ih^T + b_ih + h W_hh^T + b_hh      (B,4H), split into a_i, a_f, a_g, a_o
    i = sigma(a_i)   f = sigma(a_f)   g = tanh(a_g)   o = sigma(a_o)
    c' = f * c + i * g
    h' = o * tanh(c')

Backward, with dh', dc' the gradients reaching h' and c' (sigma' = s(1-s), tanh' = 1-t^2):

    do = dh' * tanh(c')
    dc = dc' + dh' * o * (1 - tanh(c')^2)          all that reaches c'
    di = dc * g    df = dc * c    dg = dc * i      dc_prev = dc * f
    da = [di i(1-i), df f(1-f), dg (1-g^2), do o(1-o)]     (B,4H), in the order i, f, g, o
    dW_ih = da^T x   dW_hh = da^T h   db_ih = db_hh = da summed over the batch
    dx = da W_ih     dh_prev = da W_hh

Shapes: x (B,I), h (B,H), c (B,H). p["b_ih"], p["b_hh"] may be None (no biases).
`functional.sigmoid` and `functional.tanh` from scratchrnn may be used, or write your own.
Check: python -m pytest exercises -k lstm     (the lesson's answer: scratchrnn/cells/lstm.py)
"""


def forward(x, state, p):
    """state = (h, c) -> (h', c'), cache (anything backward needs: a tuple or NamedTuple)."""
    h, c = state
    raise NotImplementedError("exercise 2: write the LSTM step's forward")


def backward(dstate, cache, p):
    """dstate = (dh', dc') -> dx, (dh, dc), grads ('w_ih', 'w_hh', 'b_ih', 'b_hh')."""
    dh_new, dc_new = dstate
    raise NotImplementedError("exercise 2: write the LSTM step's backward")
