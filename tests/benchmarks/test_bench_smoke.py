"""The benchmark runs on a tiny grid and writes well-formed output (speed is never asserted)."""
import csv
import json

import pytest

from benchmarks.cases import Case
from benchmarks.report import target_summary
from benchmarks.run import main


def test_quick_grid_writes_csv_json_table_and_plots(tmp_path):
    out = tmp_path / "bench"
    assert main(["--quick", "--models", "gru", "--hidden", "4", "8", "--steps", "5",
                 "--batch", "3", "--repeats", "3", "--threads", "1", "--memory",
                 "--modes", "train", "--out", str(out), "--quiet"]) == 0
    with open(out / "results.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 and {r["model"] for r in rows} == {"gru"}
    for r in rows:
        for impl in ("fast", "plain", "torch"):
            assert float(r[f"{impl}_median_ms"]) > 0 and int(r[f"{impl}_runs"]) >= 3
            assert float(r[f"{impl}_peak_mib"]) >= 0
        assert float(r["ratio"]) == float(r["fast_median_ms"]) / float(r["torch_median_ms"])
        assert float(r["plain_ratio"]) == \
            float(r["plain_median_ms"]) / float(r["torch_median_ms"])
    data = json.loads((out / "results.json").read_text())
    assert data["machine"]["threads"] == 1 and data["machine"]["matmul_peak_gflops"] > 0
    assert data["target"] is None  # T=5 is not the target grid
    assert "| train | gru | 8 | 5 | 3 |" in (out / "table.md").read_text()
    assert (out / "time_vs_hidden.png").stat().st_size > 0


def test_flush_denormal_is_recorded_and_undone(tmp_path):
    import torch

    import scratchrnn
    out = tmp_path / "bench"
    assert main(["--models", "rnn", "--hidden", "4", "--steps", "5", "--batch", "3",
                 "--repeats", "3", "--threads", "1", "--modes", "train", "--flush-denormal",
                 "--out", str(out), "--quiet"]) == 0
    assert json.loads((out / "results.json").read_text())["machine"]["flush_denormal"]
    assert "denormals flushed to zero" in (out / "table.md").read_text()
    assert not scratchrnn.get_flush_denormal()                      # both undone after the run
    assert (torch.tensor([1e-37]) * 0.01).item() > 0                 # a denormal, kept


def test_target_summary_is_geomean_and_worst():
    rows = [dict(mode="train", steps=50, batch=700, ratio=0.5),
            dict(mode="train", steps=50, batch=7000, ratio=2.0),
            dict(mode="inference", steps=50, batch=700, ratio=9.0),
            dict(mode="train", steps=25, batch=700, ratio=9.0)]
    s = target_summary(rows)
    assert s["cases"] == 2 and abs(s["geomean_ratio"] - 1.0) < 1e-12 and s["worst_ratio"] == 2.0


def test_flop_count():
    assert Case("lstm", 128, 50, 7000, "inference").flops() == 2.0 * 50 * 7000 * 512 * 129
    assert Case("rnn", 16, 10, 2, "train").flops() == 3 * 2.0 * 10 * 2 * 16 * 17


def test_device_cuda_without_a_gpu_is_a_clear_error(capsys):
    from benchmarks.cases import gpu_problem
    if gpu_problem() is None:
        pytest.skip("CuPy and torch both see a GPU here")
    with pytest.raises(SystemExit):
        main(["--device", "cuda", "--quick", "--quiet"])
    assert "--device cuda:" in capsys.readouterr().err


def test_runs_table_gives_medians_and_the_range_of_ratios(tmp_path):
    from benchmarks.runs import load, table
    for i, (fast, torch_ms) in enumerate([(2.0, 4.0), (3.0, 2.0)]):
        row = dict(mode="train", model="gru", hidden=8, steps=50, batch=700,
                   fast_median_ms=fast, torch_median_ms=torch_ms, ratio=fast / torch_ms)
        run = dict(rows=[row], target=dict(cases=1, geomean_ratio=row["ratio"],
                                           worst_ratio=row["ratio"]),
                   machine=dict(date=f"d{i}", cpu="cpu", threads=2))
        (tmp_path / str(i)).mkdir()
        (tmp_path / str(i) / "results.json").write_text(json.dumps(run))
    text = table(load([tmp_path / "0", tmp_path / "1"]))
    assert "| train | gru | 8 | 50 | 700 | 2.5 | 3.0 | 0.50-1.50 |" in text
    assert "run 2 (d1, cpu, 2 threads each): fast/torch geomean 1.50, worst 1.50" in text
    assert "- each case's median over the 2 runs: fast/torch geomean 1.00, 0 above 1.0\n" in text


def test_runs_name_the_cases_whose_median_is_above_torch(tmp_path):
    from benchmarks.runs import load, table
    for i, ratios in enumerate([(0.5, 1.2), (0.6, 1.1), (2.0, 0.9)]):
        rows = [dict(mode="inference", model="lstm", hidden=h, steps=50, batch=64,
                     fast_median_ms=r, torch_median_ms=1.0, ratio=r)
                for h, r in zip((16, 32), ratios)]
        run = dict(rows=rows, target=None, machine=dict(date="d", cpu="cpu", threads=2))
        (tmp_path / str(i)).mkdir()
        (tmp_path / str(i) / "results.json").write_text(json.dumps(run))
    text = table(load([tmp_path / str(i) for i in range(3)]))
    assert ("- each case's median over the 3 runs: fast/torch geomean 0.81, 1 above 1.0: "
            "inference lstm H=32 B=64 (1.10)\n") in text


def test_lists_are_taken_as_run_takes_them_or_space_separated():
    from benchmarks.run import parse_args
    args = parse_args(["--hidden", "16,32", "64", "--models", "rnn,gru", "--engines", "fast"])
    assert args.hidden == [16, 32, 64] and args.models == ["rnn", "gru"]
    assert args.engines == ["fast"]
    with pytest.raises(SystemExit):
        parse_args(["--modes", "train,bogus"])


def test_scratchrnn_bench_help_shows_the_benchmarks_own_options(capfd):
    from scratchrnn.cli import main as cli
    assert cli(["bench", "--help"]) == 0
    out = capfd.readouterr().out
    assert "--repeats" in out and "--ladder" in out and "comma separated" in out


def test_each_timed_call_follows_an_untimed_one_of_the_same_work():
    """Steady state per library: a turn is (settle, untimed call, timed call)."""
    from benchmarks.timing import interleaved
    calls = []
    works = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    times = interleaved(works, repeats=3, warmup=1, settle_s=0.0)
    assert {k: len(v) for k, v in times.items()} == {"a": 3, "b": 3}
    assert calls == ["a", "b"] + ["a", "a", "b", "b", "b", "b", "a", "a", "a", "a", "b", "b"]


def test_the_floor_prints_a_row_per_case_and_takes_only_the_lstm(capsys):
    import torch

    import scratchrnn
    from benchmarks import floor
    before = scratchrnn.get_num_threads(), torch.get_num_threads()
    try:
        assert floor.main(["--cases", "lstm:4:8:train", "lstm:4:8:inference", "--repeats",
                           "1", "--threads", "1"]) == 0
    finally:
        scratchrnn.set_num_threads(before[0])
        torch.set_num_threads(before[1])
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert [r.split("|")[1].strip() for r in rows[1:]] == ["train", "inference"]
    with pytest.raises(SystemExit):
        floor.main(["--cases", "gru:4:8:train"])


def test_the_floors_bare_calls_compute_the_engines_lstm():
    """The floor times the engine's arithmetic: its bare forward gives the LSTM's outputs."""
    import numpy as np

    import scratchrnn.nn as snn
    from benchmarks.bare import bare_lstm
    from scratchrnn.engine import KERNELS, loop
    T, B, H = 6, 5, 4
    layer = snn.LSTM(1, H, dtype="float64", seed=0, engine="fast")
    x = np.random.default_rng(0).normal(size=(T, B, 1))
    W = loop.pack(KERNELS["LSTM"], layer._direction(layer.params, "_l0"), H)
    z = np.zeros((T + 1, H + 2, B))
    z[:T, H] = x[:, :, 0]
    z[:, -1] = 1
    run = bare_lstm(H, B, train=False, W=W, z=z)
    run()
    out, _ = layer.forward(x)
    np.testing.assert_allclose(run.z[1:, :H].transpose(0, 2, 1), out, rtol=1e-12, atol=1e-14)


def test_the_floors_bare_calls_warm_their_processes_blas_as_the_engine_does(monkeypatch):
    """Each process of a Pair or MovedPair builds its calls with bare_lstm: a second process
    whose BLAS was never warmed ran its products up to 3x slower (parallel.warm_blas)."""
    import benchmarks.bare as bare
    calls = []
    monkeypatch.setattr(bare, "warm_blas", lambda: calls.append(1))
    bare.bare_lstm(4, 8, train=False)
    assert calls == [1]


def test_the_floors_pair_runs_both_halves_and_stops_its_process():
    from benchmarks.bare import Pair
    pair = Pair(4, 8, train=True)                 # its first call waits for the other process
    pair()
    assert pair.asked == 2 and pair.done[0] == 2  # the other half ran each time
    pair.close()
    assert pair.proc.returncode == 0 and pair.counter.closed


def _layout(value):
    """A message's structure: arrays as (dtype, shape), numbers as their type."""
    import numpy as np
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape)
    if isinstance(value, (tuple, list)):
        return tuple(_layout(v) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return "int"                                   # a Workspace's key, a generation
    return value


def test_the_moved_pair_moves_what_the_engines_workers_move(monkeypatch):
    """benchmarks/moved.py claims the engine's hand-over: the same messages, request and
    reply, as an LSTMModel's training step shared with one worker process."""
    import numpy as np

    import scratchrnn.engine.parallel as parallel
    import scratchrnn.engine.workers as workers
    from benchmarks.moved import T, _messages
    from scratchrnn.losses import MSELoss
    from scratchrnn.models import LSTMModel
    monkeypatch.setattr(parallel, "_num_threads", 2)
    monkeypatch.setattr(workers, "SHARE_WORK", 1)
    monkeypatch.setattr(workers, "MIN_ROWS", 4)
    sent, received = [], []
    send, receive = workers._Worker.send, workers._Worker.receive
    monkeypatch.setattr(workers._Worker, "send",
                        lambda self, op, *args: (sent.append((op, args)), send(self, op, *args)))
    monkeypatch.setattr(workers._Worker, "receive",
                        lambda self: received.append(receive(self)) or received[-1])
    H, B = 4, 8
    model, loss = LSTMModel(1, H, 1, dtype="float32", seed=0), MSELoss()
    x = np.zeros((B, T, 1), np.float32)
    loss.forward(model.forward(x), np.zeros((B, 1), np.float32))
    model.backward(loss.backward())
    requests, replies = _messages(H, B, slice(B // 2, B), train=True)
    assert _layout(sent) == _layout([(op, args) for op, _, _, args in requests])
    assert _layout(received) == _layout([value for _, value in replies])


def test_the_moved_pair_runs_both_halves_and_stops_its_process():
    from benchmarks.moved import MovedPair
    pair = MovedPair(4, 8, train=True)            # its first call waits for the other process
    pair()
    pair.close()
    assert pair.proc.returncode == 0 and pair.proc.stdout.closed
