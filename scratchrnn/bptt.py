"""Backpropagation through time: the loop over time for one direction of one layer.

Forward runs the cell's step t = 0, 1, ..., T-1 and keeps every step's cache:

    state_{t+1}, cache_t = cell.forward(x_t, state_t, p)       state = (h,) or (h, c)
    out_t = h_{t+1}

Backward walks the caches in reverse. The gradient reaching h_{t+1} is the one from the
output out_t plus the one carried back from step t+1; the cell turns it into the
gradients of x_t, of state_t (carried to step t-1) and of the weights, which are summed
over the steps (the same W is used at every step):

    dx_t, dstate_t, grads_t = cell.backward((dout_t + dh_{t+1}, dc_{t+1}), cache_t, p)
    dW = sum_t grads_t[W]

A reverse direction (the second half of a bidirectional layer) is the same loop with t
running T-1, ..., 0. Shapes: T time, B batch, I input, P = proj_size or hidden size.
"""
from typing import NamedTuple

from .backend import namespace_of


class Cache(NamedTuple):
    steps: list     # the cell's cache of each step, in the order they ran
    reverse: bool


def _times(T, reverse):
    """The time index of each step, in the order the steps run."""
    return list(range(T - 1, -1, -1)) if reverse else list(range(T))


def direction_forward(cell, x, state0, p, nonlinearity="tanh", reverse=False,
                      last_only=False):
    """Run one direction: x (T,B,I), state0 tuple of (B,*) -> out, state_T, cache.

    out is (T,B,P) in time order, or with last_only=True only out_{T-1} (B,P).
    """
    T = x.shape[0]
    state, steps, outs = state0, [], [None] * T
    for t in _times(T, reverse):
        state, cache = cell.forward(x[t], state, p, nonlinearity)
        steps.append(cache)
        outs[t] = state[0]                                    # h_{t+1}  B,P
    out = outs[T - 1] if last_only else namespace_of(x).stack(outs)   # B,P or T,B,P
    return out, state, Cache(steps, reverse)


def direction_backward(cell, dout, dstate_T, cache, p, grads, truncate=None):
    """Backward through one direction; ADDS the weight gradients into `grads`.

    dout: gradient on the outputs, (T,B,P), or (B,P) on out_{T-1} only (last_only).
    dstate_T: tuple, gradient on the final state. truncate=k: the gradient is not carried
    from the k-th last step to the one before (torch: detach the state there).
    Returns dx (T,B,I) in time order and dstate0 (tuple).
    """
    T = len(cache.steps)
    times = _times(T, cache.reverse)
    dx = [None] * T
    dstate = dstate_T
    for n in reversed(range(T)):                              # the steps, last one first
        t = times[n]
        if truncate is not None and n == T - truncate - 1:   # detached: nothing carried
            dstate = tuple(namespace_of(d).zeros_like(d) for d in dstate)
        if dout.ndim == 3:
            dh = dstate[0] + dout[t]                          # B,P output + carried
        else:
            dh = dstate[0] + dout if t == T - 1 else dstate[0]
        dx[t], dstate, step_grads = cell.backward((dh, *dstate[1:]), cache.steps[n], p)
        for name, g in step_grads.items():
            grads[name] += g                                  # dW = sum over steps
    return namespace_of(dout).stack(dx), dstate
