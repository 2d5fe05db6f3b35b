"""`python -m benchmarks.share`: the line it picks from measured ratios, and one real run."""
import json
import math

import pytest

import scratchrnn.engine.workers as workers
from benchmarks import share


def test_the_line_lies_between_the_last_case_kept_and_the_first_shared():
    measured = [(4e6, 0.9), (1e6, 1.5), (3e6, 0.8), (2e6, 1.2)]  # (work, two / one)
    line, cost = share.best_line(measured)
    assert line == pytest.approx(math.sqrt(2e6 * 3e6))
    assert cost == pytest.approx(math.log(0.8) + math.log(0.9))
    assert share.setting(line) == math.floor(line / 2)
    shared = [w for w, _ in measured if w // share.setting(line) >= 2]  # the engine's rule
    assert sorted(shared) == [3e6, 4e6]


def test_a_line_at_the_smallest_case_shares_that_case_too():
    line, _ = share.best_line([(4_000_001, 0.9), (9_000_000, 0.8)])
    assert line == 4_000_001
    assert 4_000_001 // share.setting(line) == 2   # the engine's rule: shared


def test_a_loss_above_the_line_moves_it_only_where_the_total_pays():
    assert share.best_line([(1e6, 0.9), (2e6, 1.05), (3e6, 0.8)])[0] == 1e6   # share all
    assert share.best_line([(1e6, 0.9), (2e6, 1.5), (3e6, 0.8)])[0] == \
        pytest.approx(math.sqrt(6e12))                                        # keep two


def test_no_gain_means_no_line_and_a_tie_keeps_one_process():
    assert share.best_line([(1e6, 1.3), (2e6, 1.0)]) == (math.inf, 0.0)
    assert share.setting(math.inf) is None


@pytest.mark.parametrize("spec", ["lstm:16:63:train", "cnn:16:64:train", "gru:16:64:fit",
                                  "rnn:x:64:train", "rnn:16:64"])
def test_a_case_it_cannot_time_is_refused(spec):
    with pytest.raises(share.argparse.ArgumentTypeError, match="expected|at least"):
        share.parse(spec)


def test_one_process_times_the_batch_forced_into_one_and_into_two(monkeypatch, capsys):
    calls = []
    forward = workers.forward
    monkeypatch.setattr(workers, "forward", lambda rows, *a, **k:
                        calls.append(len(rows)) or forward(rows, *a, **k))
    before = workers.SHARE_WORK
    assert share.main(["--json", "--repeats", "1", "--cases", "gru:4:64:train"]) == 0
    [[spec, one, two]] = json.loads(capsys.readouterr().out)
    assert spec == "gru:4:64:train" and one > 0 and two > 0
    assert calls and set(calls) == {2}   # the forced split shared; the other side did not
    assert workers.SHARE_WORK == before


def test_the_report_asks_fresh_processes_and_prints_the_setting(capsys):
    assert share.main(["--processes", "1", "--repeats", "1", "--cases", "rnn:4:64:inference",
                       "lstm:8:64:train"]) == 0
    out = capsys.readouterr().out
    assert "| RNN H=4 B=64, inference |" in out and "| LSTM H=8 B=64, train |" in out
    assert "fastest line:" in out
    assert f"export {workers.SHARE_VARIABLE}=" in out or "no case gained" in out
