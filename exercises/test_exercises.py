"""One test per exercise: `python -m pytest exercises` (add `-k lstm` for one, `-s` to see
what matched). A failure names the quantity that differs from torch and by how much."""
import importlib

import pytest

from exercises import grader

REFERENCE = {  # the lesson's answers, used with --reference
    "rnn_step": lambda: importlib.import_module("scratchrnn.cells.rnn"),
    "lstm_step": lambda: importlib.import_module("scratchrnn.cells.lstm"),
    "gru_step": lambda: importlib.import_module("scratchrnn.cells.gru"),
    "bptt_loop": lambda: importlib.import_module("scratchrnn.bptt"),
    "adam_step": lambda: grader.lesson_adam_step,
    "clip_norm": lambda: grader.lesson_clip_grad_norm_,
    "xavier_init": lambda: importlib.import_module("scratchrnn.init").xavier_uniform_,
}
FUNCTION = {"adam_step": "adam_step", "clip_norm": "clip_grad_norm_",
            "xavier_init": "xavier_uniform_"}


def solution(request, name):
    """Your exercises/<name>.py (its function, for the one-function exercises), or the
    lesson's with --reference."""
    if request.config.getoption("--reference", default=False):
        return REFERENCE[name]()
    module = importlib.import_module(f"exercises.{name}")
    return getattr(module, FUNCTION[name]) if name in FUNCTION else module


@pytest.mark.parametrize("nonlinearity, bias", [("tanh", True), ("relu", True),
                                                ("tanh", False)])
def test_1_rnn_step(request, nonlinearity, bias):
    print(grader.check_step(solution(request, "rnn_step"), "RNN", nonlinearity, bias))


@pytest.mark.parametrize("bias", [True, False])
def test_2_lstm_step(request, bias):
    print(grader.check_step(solution(request, "lstm_step"), "LSTM", bias=bias))


@pytest.mark.parametrize("bias", [True, False])
def test_3_gru_step(request, bias):
    print(grader.check_step(solution(request, "gru_step"), "GRU", bias=bias))


def test_4_bptt_loop(request):
    from scratchrnn.cells import CELLS
    print(grader.check_bptt(solution(request, "bptt_loop"), CELLS))


def test_5_adam_step(request):
    print(grader.check_adam(solution(request, "adam_step")))


def test_6_clip_grad_norm(request):
    print(grader.check_clip(solution(request, "clip_norm")))


def test_7_xavier_uniform(request):
    print(grader.check_xavier(solution(request, "xavier_init")))
