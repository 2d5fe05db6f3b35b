"""The bare calls split over two processes, with the engine's hand-over: what benchmarks/floor.py
times beside bare.Pair.

bare.Pair moves no data: it is the cheapest split there is. `MovedPair` runs the same bare
calls (bare.bare_lstm) on half the batch here and half in a second process, and between
them moves what the engine's workers move, the way they move it (engine/workers.py): a
pickled forward request (the share of x, of the initial state, and the packed W) through
a pipe, the share's outputs and final state back; for a training step then the
gradient on the share's outputs and state, and dx, the state's gradient and dW back. Each
side waits for the other awake for workers.SPIN_S before it blocks, as the engine's do.
No layer, no model: the difference to the engine is the engine's own Python, the
difference to bare.Pair the hand-over.
"""
from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np

from scratchrnn.engine.workers import SPIN_S, _wait_readable, widen_pipes

from .bare import T, bare_lstm, second_process, stop


def _messages(H: int, B: int, share: slice, train: bool):
    """The engine's messages of one step for the rows `share` of a batch of B (float32,
    one input feature): requests sent, replies received (as workers.forward/backward)."""
    x, state, dout = (np.zeros(shape, np.float32) for shape in ((T, B, 1), (B, H), (B, H)))
    W = np.zeros((4 * H, H + 2), np.float32)
    b = share.stop - share.start
    forward = ("forward", [], False, (1, 1, "scratchrnn.engine.kernels.lstm", x[:, share],
                                      (state[share], state[share]), W, None, "tanh", False,
                                      True, train))
    out = ("ok", (np.zeros((b, H), np.float32), (np.zeros((b, H), np.float32),) * 2))
    backward = ("backward", [], False, (1, 1, "scratchrnn.engine.kernels.lstm", dout[share],
                                        (dout[share], dout[share]), "tanh", None))
    grads = ("ok", (np.zeros((T, b, 1), np.float32), (np.zeros((b, H), np.float32),) * 2,
                    np.zeros_like(W), None))
    return (forward, backward), (out, grads)


def _send(pipe, message) -> None:
    pickle.dump(message, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.flush()


def _receive(pipe):
    _wait_readable(pipe, SPIN_S)
    return pickle.load(pipe)


class MovedPair:
    """bare_lstm(H, B // 2, train) here and in a second process, with the engine's messages
    between them (Linux and macOS: a process and two pipes)."""

    def __init__(self, H: int, B: int, train: bool):
        self.proc = second_process(f"from benchmarks.moved import serve; serve({H}, {B}, {train})",
                                   stdout=subprocess.PIPE)
        widen_pipes(self.proc.stdin, self.proc.stdout)       # as the engine's
        self.here, self.train = bare_lstm(H, B // 2, train), train
        self.requests, _ = _messages(H, B, slice(B // 2, B), train)
        try:
            self()  # waits until the other process is up
        except BaseException:
            self.close()
            raise

    def __call__(self):
        _send(self.proc.stdin, self.requests[0])
        self.here.forward()
        self._reply()
        if self.train:
            _send(self.proc.stdin, self.requests[1])
            self.here.backward()
            self._reply()
            self.here.adam()                       # the caller's only, as the engine's

    def _reply(self):
        try:
            return _receive(self.proc.stdout)
        except EOFError:
            raise RuntimeError(f"the floor's second process exited ({self.proc.wait()})") \
                from None

    def close(self):
        """Stop the second process (killed if it does not stop within 10 s)."""
        stop(self.proc)
        self.proc.stdout.close()


def serve(H: int, B: int, train: bool) -> None:
    """The second process of a MovedPair: the other half, for each request on stdin."""
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    run = bare_lstm(H, B - B // 2, train)
    _, replies = _messages(H, B, slice(B // 2, B), train)
    steps = [run.forward] + ([run.backward] if train else [])
    while True:
        for step, reply in zip(steps, replies):
            try:
                _receive(inp)
            except EOFError:
                return
            step()
            _send(out, reply)
