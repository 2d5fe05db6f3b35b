"""Exercise 3: one time step of the GRU, forward and backward (torch.nn.GRU's cell).

torch stacks the gates r, z, n, and applies the reset gate AFTER the recurrent product:

    gi = x W_ih^T + b_ih      split into gi_r, gi_z, gi_n        (B,H) each
    gh = h W_hh^T + b_hh      split into gh_r, gh_z, gh_n
    r  = sigma(gi_r + gh_r)
    z  = sigma(gi_z + gh_z)
    n  = tanh(gi_n + r * gh_n)
    h' = (1 - z) * n + z * h

Derive backward yourself first (hint: h' reaches n, z and h; n's pre-activation reaches
gi_n as it is, gh_n times r, and r times gh_n). Then compare with docs/cells.md#gru.
Note that db_ih and db_hh are NOT equal here.

Shapes: x (B,I), h (B,H), p["w_ih"] (3H,I), p["w_hh"] (3H,H); biases (3H,) or None.
Check: python -m pytest exercises -k gru      (the lesson's answer: scratchrnn/cells/gru.py)
"""


def forward(x, state, p):
    """state = (h,) -> (h',), cache."""
    (h,) = state
    raise NotImplementedError("exercise 3: write the GRU step's forward")


def backward(dstate, cache, p):
    """dstate = (dh',) -> dx, (dh,), grads ('w_ih', 'w_hh', 'b_ih', 'b_hh')."""
    (dh_new,) = dstate
    raise NotImplementedError("exercise 3: write the GRU step's backward")
