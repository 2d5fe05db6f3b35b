"""--help, `python -m scratchrnn`, gradcheck and the bench hook."""
import subprocess
import sys
import types

from scratchrnn import cli
from scratchrnn.cli import main

RUN_OPTIONS = ["--data", "--column", "--time-column", "--fs", "--models", "--hidden",
               "--epochs", "--window", "--split", "--impl", "--backend", "--engine", "--seed",
               "--quick",
               "--quiet", "--out", "--config", "--max-samples", "--task", "--lr",
               "--batch-size", "--clip-norm", "--clip-value", "--patience", "--filter"]


def test_help(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(cmd in out for cmd in ("run", "gradcheck", "bench"))
    assert main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    missing = [opt for opt in RUN_OPTIONS if opt not in out]
    assert not missing
    assert main([]) == 0 and "usage" in capsys.readouterr().out


def test_python_dash_m():
    proc = subprocess.run([sys.executable, "-m", "scratchrnn", "--help"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0 and "gradcheck" in proc.stdout


def test_gradcheck(capsys):
    assert main(["gradcheck"]) == 0
    out = capsys.readouterr().out
    assert out.count("passed") == 3 and "LSTM" in out


def test_bench_without_benchmarks(capsys, monkeypatch):
    monkeypatch.setattr(cli, "_benchmarks_root", lambda: None)
    assert main(["bench"]) == 1
    assert "benchmarks are not available" in capsys.readouterr().err


def test_bench_passes_its_arguments_to_a_fresh_process(monkeypatch, tmp_path):
    seen = []
    monkeypatch.setattr(cli, "_benchmarks_root", lambda: tmp_path)
    monkeypatch.setattr(cli.subprocess, "run", lambda cmd, cwd: seen.append((cmd, cwd))
                        or types.SimpleNamespace(returncode=0))
    assert main(["bench", "--quick", "--models", "gru"]) == 0
    (cmd, cwd), = seen
    assert cmd[1:] == ["-m", "benchmarks", "--quick", "--models", "gru"] and cwd == tmp_path
