"""Bad input ends with one clear line on stderr and exit code 2, never a traceback."""
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from scratchrnn.cli import main


def _one_error_line(capsys, code, expected):
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scratchrnn"), err
    assert "error" in lines[0] and expected in lines[0], lines[0]
    assert "Traceback" not in err


def test_missing_file(capsys, tmp_path, tiny_args):
    code = main(["run", "--data", str(tmp_path / "nope.csv"), *tiny_args])
    _one_error_line(capsys, code, "nope.csv")


def test_unknown_column(capsys, ecg_csv, tiny_args):
    code = main(["run", "--data", str(ecg_csv), "--column", "spo2", *tiny_args])
    _one_error_line(capsys, code, "unknown column 'spo2'")


def test_unknown_model(capsys):
    code = main(["run", "--models", "rnn,transformer"])
    _one_error_line(capsys, code, "unknown model 'transformer'")


def test_window_longer_than_the_series(capsys, ecg_csv, tiny_args):
    code = main(["run", "--data", str(ecg_csv), "--column", "ecg_mV", "--window", "5000",
                 *tiny_args])
    _one_error_line(capsys, code, "at least window + horizon = 5001 samples")


def test_non_numeric_data(capsys, ecg_csv, tiny_args):
    code = main(["run", "--data", str(ecg_csv), "--column", "note", *tiny_args])
    _one_error_line(capsys, code, "numeric")


def test_non_numeric_file(capsys, tmp_path, tiny_args):
    path = tmp_path / "words.csv"
    pd.DataFrame({"a": ["x", "y", "z"]}).to_csv(path, index=False)
    _one_error_line(capsys, main(["run", "--data", str(path), *tiny_args]), "numeric")


@pytest.mark.parametrize("argv,expected", [
    (["run", "--epochs", "0"], "positive integer"),
    (["run", "--hidden", "16,abc"], "comma separated integers"),
    (["run", "--impl", "jax"], "unknown implementation 'jax'"),
    (["run", "--filter", "notch:50"], "expected a filter like"),
    (["run", "--split", "sideways"], "invalid choice"),
    (["run", "--time-unit", "ms"], "--time-unit ms: expected a --time-column whose numbers"),
    (["run", "--time-unit", "hours"], "invalid choice"),
    (["run", "--config", "missing.toml"], "config file not found"),
    (["fly"], "invalid choice"),
])
def test_bad_options(capsys, argv, expected):
    _one_error_line(capsys, main(argv), expected)


def test_console_script_in_a_subprocess(ecg_csv):
    exe = shutil.which("scratchrnn") or str(Path(sys.executable).parent / "scratchrnn")
    proc = subprocess.run([exe, "run", "--data", str(ecg_csv), "--column", "heart"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert "unknown column 'heart'" in proc.stderr and "Traceback" not in proc.stderr
