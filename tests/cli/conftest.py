"""Fixtures for the CLI tests: one real `--quick` run shared by the module, small CSV files."""
import numpy as np
import pandas as pd
import pytest

from scratchrnn.cli import main

TINY = ["--models", "gru", "--hidden", "4", "--epochs", "2", "--impl", "scratch", "--quiet"]


@pytest.fixture
def tiny_args():
    """Options of a run that trains one tiny model for 2 epochs."""
    return list(TINY)


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory):
    """`scratchrnn run --quick` on the embedded ECG, once: (exit code, output folder)."""
    out = tmp_path_factory.mktemp("quick")
    return main(["run", "--quick", "--quiet", "--out", str(out)]), out


@pytest.fixture
def ecg_csv(tmp_path):
    """A CSV with a time column (seconds) and a signal column, like a user's recording."""
    fs, n = 200.0, 600
    t = np.arange(n) / fs
    ecg = np.sin(2 * np.pi * 1.2 * t) ** 15 + 0.05 * np.sin(2 * np.pi * 0.3 * t)
    path = tmp_path / "recording.csv"
    pd.DataFrame({"time_s": t, "ecg_mV": ecg, "note": ["ok"] * n}).to_csv(path, index=False)
    return path
