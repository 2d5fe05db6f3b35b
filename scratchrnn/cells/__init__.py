"""One file per recurrent cell: ONE time step, forward and backward, side by side.

    (h', c'), cache = lstm.forward(x, (h, c), p)      x (B,I), h (B,P), c (B,H)
    dx, (dh, dc), grads = lstm.backward((dh', dc'), cache, p)

`p` holds one layer direction's parameters in torch's shapes under short names
('w_ih', 'w_hh', 'b_ih', 'b_hh', 'w_hr'; None where the layer has none). The cache is
an ordinary value (a NamedTuple of the arrays backward needs); backward changes nothing
it is given and returns the step's parameter gradients. `scratchrnn.bptt` runs these
steps over time. (The fast engine's versions of the same steps: scratchrnn/engine/.)
"""
from . import gru, lstm, rnn

CELLS = {"RNN": rnn, "LSTM": lstm, "GRU": gru}
