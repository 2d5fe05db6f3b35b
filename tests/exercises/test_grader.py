"""The exercise grader (exercises/grader.py) can pass and can fail: it passes the lesson's
own code, and fails deliberately broken versions with a message naming the wrong quantity."""
import pathlib
import re
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

import scratchrnn.bptt as bptt
from exercises import grader
from scratchrnn import init
from scratchrnn.cells import CELLS, gru, lstm, rnn


@pytest.mark.parametrize("kind, nonlinearity, bias", [
    ("RNN", "tanh", True), ("RNN", "relu", False), ("LSTM", "tanh", True),
    ("LSTM", "tanh", False), ("GRU", "tanh", True), ("GRU", "tanh", False)])
def test_the_lesson_passes_the_step_grader(kind, nonlinearity, bias):
    assert "match torch" in grader.check_step(CELLS[kind], kind, nonlinearity, bias)


def test_the_lesson_passes_the_other_graders():
    grader.check_bptt(bptt, CELLS)
    grader.check_adam(grader.lesson_adam_step)
    grader.check_clip(grader.lesson_clip_grad_norm_)
    grader.check_xavier(init.xavier_uniform_)


def _with_backward(cell, broken):
    return SimpleNamespace(forward=cell.forward, backward=broken)


def _lstm_forgets_f(dstate, cache, p):
    dx, (dh, dc_prev), grads = lstm.backward(dstate, cache, p)
    return dx, (dh, dc_prev / cache.f), grads                  # dc_prev = dc, without * f


def _gru_drops_z_dh(dstate, cache, p):
    dx, (dh,), grads = gru.backward(dstate, cache, p)
    return dx, (dh - dstate[0] * cache.z,), grads             # the direct path h' -> h


def _gru_equal_biases(dstate, cache, p):
    dx, dh, grads = gru.backward(dstate, cache, p)
    return dx, dh, dict(grads, b_hh=grads["b_ih"])            # as if db_hh = db_ih


def _rnn_wrong_slope(dstate, cache, p):
    wrong = cache._replace(h_new=np.sqrt(np.abs(cache.h_new)))  # 1 - |h'| for 1 - h'^2
    return rnn.backward(dstate, wrong, p)


def _bptt_averages(cell, dout, dstate_T, cache, p, grads):
    """Averages the steps' weight gradients instead of summing them."""
    summed = {k: None if v is None else np.zeros_like(v) for k, v in grads.items()}
    dx, dstate0 = bptt.direction_backward(cell, dout, dstate_T, cache, p, summed)
    for k, v in summed.items():
        if v is not None:
            grads[k] += v / len(cache.steps)
    return dx, dstate0


def _bptt_ignores_reverse(cell, x, state0, p, reverse=False):
    return bptt.direction_forward(cell, x, state0, p)


def _adam_eps_inside(param, grad, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                     weight_decay=0.0):
    grader.lesson_adam_step(param, grad, state, lr=lr, betas=betas, eps=eps * 1e6,
                            weight_decay=weight_decay)


def _clip_returns_after(grads, max_norm, norm_type=2.0):
    grader.lesson_clip_grad_norm_(grads, max_norm, norm_type)
    return float(np.sqrt(sum((g ** 2).sum() for g in grads)))


def _xavier_fan_in_only(w, gain=1.0, rng=None):
    a = gain * np.sqrt(3.0 / w.shape[1])
    w[...] = np.random.default_rng(rng).uniform(-a, a, w.shape)
    return w


@pytest.mark.parametrize("check, expected", [
    (lambda: grader.check_step(_with_backward(lstm, _lstm_forgets_f), "LSTM"),
     r"backward: dc \(gradient of the old cell state c\) differs"),
    (lambda: grader.check_step(_with_backward(gru, _gru_drops_z_dh), "GRU"),
     r"backward: dh \(gradient of the old state h\) differs"),
    (lambda: grader.check_step(_with_backward(gru, _gru_equal_biases), "GRU"),
     r"backward: grads\['b_hh'\] \(db_hh\) differs"),
    (lambda: grader.check_step(_with_backward(rnn, _rnn_wrong_slope), "RNN"),
     r"backward: dx .* Finite differences of your forward"),
    (lambda: grader.check_bptt(SimpleNamespace(direction_forward=bptt.direction_forward,
                                               direction_backward=_bptt_averages), CELLS),
     r"BPTT loop \(RNN, forward direction\): backward: grads\['w_ih'\] \(summed over"),
    (lambda: grader.check_bptt(SimpleNamespace(direction_forward=_bptt_ignores_reverse,
                                               direction_backward=bptt.direction_backward),
                               CELLS),
     r"reverse direction\): forward: the outputs"),
    (lambda: grader.check_adam(_adam_eps_inside), r"the parameter after step 1 differs"),
    (lambda: grader.check_clip(_clip_returns_after),
     r"the returned total norm \(BEFORE clipping\) differs"),
    (lambda: grader.check_xavier(_xavier_fan_in_only), r"the largest \|w\| is"),
])
def test_a_broken_implementation_fails_naming_the_quantity(check, expected):
    with pytest.raises(AssertionError, match=expected) as err:
        check()
    assert "differs" not in expected or "max |yours - torch|" in str(err.value)


def test_the_command_line_grader_passes_the_reference_and_fails_the_stubs():
    ok = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                         "exercises", "--reference"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout[-2000:]
    todo = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "exercises", "-k", "xavier"], capture_output=True, text=True)
    assert todo.returncode == 1 and "exercise 7: write xavier_uniform_" in todo.stdout


def test_the_readmes_example_message_is_what_the_grader_prints():
    readme = (pathlib.Path(__file__).parents[2] / "exercises" / "README.md").read_text()
    shown = " ".join(re.search(r"for example\n\n```\n(.*?)```", readme, re.S).group(1).split())
    with pytest.raises(AssertionError) as err:
        grader.check_step(_with_backward(lstm, _lstm_forgets_f), "LSTM")
    assert shown == " ".join(str(err.value).split())
