"""Sweeps on every core and on a cluster: the same numbers as one training at a time."""
import json
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from scratchrnn.app import SweepConfig, build_spec, run_sweep
from scratchrnn.app.spec import plan_jobs
from scratchrnn.cli import main
from scratchrnn.train import TrainConfig

SMALL = ["--max-samples", "400", "--window", "20", "--models", "rnn,gru", "--hidden", "3,5",
         "--epochs", "3", "--quiet"]
TIMES = ("train_seconds", "seconds_per_epoch")      # the only numbers allowed to differ


def _numbers(folder: Path) -> list:
    records = json.loads((folder / "results.json").read_text())["records"]
    for r in records:
        for key in TIMES:
            r.pop(key)
        r["history"].pop("epoch_seconds")
    return records


def test_jobs_2_gives_the_numbers_of_jobs_1(tmp_path, capsys):
    one, two = tmp_path / "one", tmp_path / "two"
    assert main(["run", *SMALL, "--jobs", "1", "--out", str(one)]) == 0
    loud = [a for a in SMALL if a != "--quiet"]
    assert main(["run", *loud, "--jobs", "2", "--out", str(two)]) == 0
    assert _numbers(one) == _numbers(two)
    assert len(_numbers(one)) == 8                       # 2 models x 2 sizes x 2 impls
    for ckpt in (one / "models").iterdir():              # the saved weights, bit for bit
        with np.load(ckpt) as a, np.load(two / "models" / ckpt.name) as b:
            assert all(np.array_equal(a[k], b[k]) for k in a.files)
    settings = json.loads((two / "results.json").read_text())["settings"]
    assert settings["jobs"] == 2 and settings["threads"] == 1
    assert "2 trainings ran at a time" in (two / "report.md").read_text()
    runs = [line for line in capsys.readouterr().out.splitlines() if "best val" in line]
    assert len(runs) == 8 and all(line.startswith(("  rnn ", "  gru ")) for line in runs)


@pytest.mark.parametrize("asked,cores,expected", [
    ({}, 2, (2, 1)),                                   # default: one job per core
    ({}, 16, (8, 1)),                                  # never more jobs than trainings
    ({"threads": 2}, 2, (1, 2)),                       # threads first, jobs fill the rest
    ({"jobs": 4}, 2, (2, 1)),                          # lowered to the cores, with a note
    ({"jobs": 2, "threads": 2}, 2, (1, 2)),
    ({"threads": 8}, 2, (1, 2)),
    ({"backend": "cupy"}, 8, (1, 1)),                  # one GPU: one job
])
def test_plan_jobs_never_exceeds_the_cores(asked, cores, expected):
    spec = build_spec({"models": ("rnn", "gru"), "hidden": (3, 5), **asked})
    planned = plan_jobs(spec, cores)
    assert (planned.jobs, planned.threads) == expected
    assert planned.jobs * planned.threads <= cores
    lowered = "jobs" in asked and asked["jobs"] * asked.get("threads", 1) > cores
    assert lowered == any("lowered to" in n and "--jobs" in n for n in planned.notes)


@pytest.mark.slow
def test_the_sweep_runs_on_a_dask_cluster(tiny):
    distributed = pytest.importorskip("distributed")
    data = {**tiny, "n_outputs": 1}
    cfg = SweepConfig(models=("rnn", "gru"), hidden_sizes=(3,), impls=("scratch", "torch"),
                      train=TrainConfig(epochs=3, lr=1e-2, progress=False),
                      model_kwargs={"dtype": "float64"})
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote = run_sweep(data, replace(cfg, cluster=cluster.scheduler_address))
    local = run_sweep(data, cfg)
    assert [r.key for r in remote.runs] == [r.key for r in local.runs]
    for a, b in zip(remote.runs, local.runs):
        assert a.history.val_loss == b.history.val_loss
        assert np.array_equal(a.test_pred, b.test_pred)


def test_an_unreachable_cluster_is_one_line_and_writes_nothing(tmp_path, capsys):
    pytest.importorskip("distributed")
    out = tmp_path / "run"
    code = main(["run", *SMALL, "--cluster", "tcp://127.0.0.1:9", "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.count("\n") == 0 and "Dask scheduler at tcp://127.0.0.1:9" in err
    assert not out.exists()


@pytest.mark.slow
def test_ctrl_c_stops_the_worker_processes_and_keeps_the_finished_runs(tmp_path):
    """A real SIGINT to `scratchrnn run --jobs 2`, sent once a first run has finished."""
    out = tmp_path / "run"
    argv = [sys.executable, "-m", "scratchrnn", "run", "--max-samples", "1500", "--window",
            "20", "--models", "rnn,lstm,gru", "--hidden", "3,5,8,64", "--impl", "scratch",
            "--epochs", "150", "--jobs", "2", "--out", str(out)]
    # a shell's background job (`cmd &`, nohup) ignores SIGINT, and a child inherits that:
    # the run would then rightly ignore Ctrl-C too, so it starts with the default action
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_ctrl_c)
    deadline = time.monotonic() + 120
    seen = []
    for line in proc.stdout:                             # wait for a first finished run
        seen.append(line)
        if "best val" in line or time.monotonic() > deadline:
            break
    workers = _children(proc.pid)
    assert len(workers) >= 2
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, (f"exit {proc.returncode}; stdout before the signal:\n"
                                    f"{''.join(seen)}after it:\n{stdout}\nstderr:\n{stderr}")
    results = json.loads((out / "results.json").read_text())
    assert results["interrupted"] and 1 <= len(results["records"]) < 12
    assert "Traceback" not in stderr
    time.sleep(1)
    assert [pid for pid in workers if _alive(pid)] == []      # no worker left behind


def _default_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _children(pid: int) -> list:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to read its exit code counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status
