"""Exercise 4: backpropagation through time, the loop over the steps of one direction.

`cell` is one of scratchrnn's lesson cells (scratchrnn.cells.rnn / lstm / gru, graded with
all three): `cell.forward(x_t, state, p) -> new_state, cache` and
`cell.backward(dstate, cache, p) -> dx_t, dstate_prev, step_grads`.

    forward:   for t = 0 .. T-1 (T-1 .. 0 if reverse):
                   state, cache_t = cell.forward(x[t], state, p);  out[t] = state[0]
    backward:  walk the steps in the opposite order; the gradient reaching h at step t is
               dout[t] (the output's) plus the one carried back from the step after;
               add every step's grads into `grads` (the same W is used at every step)

Shapes: x (T,B,I), state0 a tuple of (B,H) arrays ((h0,) or (h0, c0)), out (T,B,H) in
time order, dout like out, dstate_T like state0. `grads` holds zero arrays under the
names of p ('w_ih', ...; None where p has None): ADD into them.
Check: python -m pytest exercises -k bptt     (the lesson's answer: scratchrnn/bptt.py)
"""


def direction_forward(cell, x, state0, p, reverse=False):
    """-> out (T,B,H), state_T (tuple), cache (whatever backward needs)."""
    raise NotImplementedError("exercise 4: write the loop over time, forward")


def direction_backward(cell, dout, dstate_T, cache, p, grads):
    """-> dx (T,B,I) in time order, dstate0 (tuple); adds into grads."""
    raise NotImplementedError("exercise 4: write the loop over time, backward")
