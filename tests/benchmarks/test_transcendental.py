"""`python -m benchmarks.transcendental` times the exp and tanh calls the engine makes."""
from collections import Counter

import numpy as np
import pytest

import scratchrnn
import scratchrnn.nn as snn
from benchmarks import transcendental

LAYERS = {"lstm": snn.LSTM, "gru": snn.GRU, "rnn": snn.RNN}


def _counting(monkeypatch, counted):
    """Make np.exp and np.tanh count the numbers they are given (then compute as before)."""
    for name in ("exp", "tanh"):
        real = getattr(np, name)

        def call(x, *args, _real=real, _name=name, **kwargs):
            counted[_name] += np.size(x)
            return _real(x, *args, **kwargs)
        monkeypatch.setattr(np, name, call)


@pytest.mark.parametrize("model", sorted(LAYERS))
def test_it_times_the_exp_and_tanh_numbers_of_the_engines_inference(model, monkeypatch):
    T, B, H = 5, 4, 3
    layer = LAYERS[model](1, H, dtype="float32", seed=0, engine="fast")
    x = np.random.default_rng(0).standard_normal((T, B, 1)).astype(np.float32)
    counted = Counter()
    _counting(monkeypatch, counted)
    with scratchrnn.no_grad():
        layer.forward(x)
    engine = counted.copy()
    counted.clear()
    transcendental.transcendental_calls(model, H, B, steps=T)()
    assert counted == engine and counted["tanh"] > 0


def test_it_prints_the_cost_of_a_number_and_a_row_per_case(capsys):
    import torch
    before = scratchrnn.get_num_threads(), torch.get_num_threads()
    try:
        assert transcendental.main(["--cases", "lstm:4:8:inference", "gru:4:8:inference",
                                    "--repeats", "1", "--threads", "1"]) == 0
    finally:
        scratchrnn.set_num_threads(before[0])
        torch.set_num_threads(before[1])
    out = capsys.readouterr().out
    assert out.startswith("float32, ns a number (5600 numbers") and "exp " in out
    rows = [line for line in out.splitlines() if line.startswith("| inference")]
    assert [r.split("|")[2].strip() for r in rows] == ["LSTM", "GRU"]
    for spec in ("lstm:4:8:train", "conv:4:8:inference", "lstm:4:1:inference", "lstm:4:8"):
        with pytest.raises(SystemExit):
            transcendental.main(["--cases", spec])
