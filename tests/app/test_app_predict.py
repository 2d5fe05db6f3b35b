"""A run you can reuse: `scratchrnn predict` on another segment of the recording gives the
trainer's own predictions, in the signal's units, with nothing refitted."""
import json

import numpy as np
import pandas as pd
import pytest

import reference
from scratchrnn.app import build_spec, load_and_prepare
from scratchrnn.app.predict import predict_run
from scratchrnn.cli import main
from scratchrnn.train import load_checkpoint, predict

FS, N = 250.0, 2400


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    """A CSV with a time column and an ECG-like signal in mV, and a run trained on its first
    1500 samples (filter 'none': cleaning is then sample by sample, so a window's input does
    not depend on where the segment starts)."""
    folder = tmp_path_factory.mktemp("predict")
    t = np.arange(N) / FS
    ecg = np.sin(2 * np.pi * 1.1 * t) ** 21 + 0.2 * np.sin(2 * np.pi * 0.25 * t)
    ecg[700] = np.nan                                        # interpolated the same way
    csv = folder / "rec.csv"
    pd.DataFrame({"t": t, "ecg": ecg}).to_csv(csv, index=False)
    argv = ["--data", str(csv), "--time-column", "t", "--column", "ecg", "--max-samples",
            "1500", "--window", "20", "--models", "gru", "--hidden", "4", "--epochs", "3",
            "--impl", "scratch", "--jobs", "1", "--quiet", "--filter", "none"]
    run = folder / "run"
    assert main(["run", *argv, "--out", str(run)]) == 0
    return csv, run, argv


def test_predict_on_another_segment_gives_the_trainers_predictions(recording, tmp_path):
    csv, run, _ = recording
    start = 1000                                              # samples 1000..2399
    segment = tmp_path / "later.csv"
    pd.read_csv(csv).iloc[start:].to_csv(segment, index=False)
    table = predict_run(run, segment)
    assert table.attrs["model"] == "gru_scratch_h4" and len(table) == N - start - 20

    spec = build_spec({"data": str(csv), "time_column": "t", "column": "ecg",
                       "max_samples": 1500, "window": 20, "filter": "none"})
    _, data = load_and_prepare(spec)
    model = load_checkpoint(run / "models" / "gru_scratch_h4.npz")
    ours = data["inverse"](predict(model, data["X_test"]))[:, 0]          # the trainer's
    at = table.set_index(np.round(table["time_s"] * FS).astype(int) + start)
    rows = np.round(np.asarray(data["test_times"]) * FS).astype(int)
    np.testing.assert_allclose(at.loc[rows, "predicted"], ours, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(at.loc[rows, "true"], data["inverse"](data["y_test"])[:, 0],
                               rtol=1e-12)


def test_the_checkpoint_carries_the_preprocessing(recording):
    _, run, _ = recording
    from scratchrnn.train import read_checkpoint
    header, _ = read_checkpoint(run / "models" / "gru_scratch_h4.npz")
    pre = header["extra"]["preprocessing"]
    scaler = pre["pipeline"]["scaler_"]["fitted"]
    results = json.loads((run / "results.json").read_text())
    assert pre["reading"] == {"column": "ecg", "time_column": "t", "time_unit": "s",
                              "options": {}}
    assert pre["pipeline"]["fs_"] == pytest.approx(FS)
    assert pre["pipeline"]["options"]["window"] == 20
    assert len(scaler["mean_"]) == 1 and scaler["scale_"][0] > 0
    assert pre["pipeline"]["options"]["clean"] == list(results["settings"]["clean"])
    assert reference.load_checkpoint(run / "models" / "gru_scratch_h4.npz") is not None


def test_a_run_on_times_in_milliseconds_reads_new_recordings_in_milliseconds(recording,
                                                                          tmp_path):
    """--time-unit ms: the run's rate is the recording's, and predict reads a new file's
    time column in the run's unit (or in the one it is given)."""
    csv, _, argv = recording
    frame = pd.read_csv(csv)
    ms = tmp_path / "ms.csv"
    frame.assign(t=frame["t"] * 1000).to_csv(ms, index=False)
    run = tmp_path / "run"
    argv = [ms if a == str(csv) else a for a in argv]
    assert main(["run", *map(str, argv), "--time-unit", "ms", "--epochs", "1",
                 "--out", str(run)]) == 0
    results = json.loads((run / "results.json").read_text())
    assert results["data"]["fs"] == pytest.approx(FS)
    table = predict_run(run, ms)
    assert table.attrs["fs"] == pytest.approx(FS)
    np.testing.assert_allclose(predict_run(run, csv, time_unit="s")["predicted"],
                               table["predicted"], rtol=1e-6)


def test_the_predict_command_writes_a_table_in_the_signals_units_and_a_figure(
        recording, tmp_path, capsys):
    csv, run, _ = recording
    out = tmp_path / "pred"
    assert main(["predict", str(run), "--data", str(csv), "--out", str(out)]) == 0
    table = pd.read_csv(out / "predictions.csv")
    assert list(table.columns) == ["time_s", "true", "predicted"]       # CSV: no units known
    assert (out / "true_vs_predicted.png").stat().st_size > 10_000
    assert str(out / "predictions.csv") in capsys.readouterr().out


@pytest.mark.parametrize("argv,expected", [
    (["predict", "nowhere", "--data", "x.csv"], "no results.json"),
    (["predict", "RUN", "--data", "CSV", "--model", "lstm_torch_h9"],
     "no model 'lstm_torch_h9'"),
    (["predict", "RUN", "--data", "SLOW"], "sampled at 250 Hz, as the one fitted, got 125 Hz"),
])
def test_predict_refuses_with_one_line(recording, capsys, tmp_path, argv, expected):
    csv, run, _ = recording
    slow = tmp_path / "slow.csv"                       # the same samples, half the rate
    pd.read_csv(csv).assign(t=lambda d: d["t"] * 2).to_csv(slow, index=False)
    files = {"RUN": str(run), "CSV": str(csv), "SLOW": str(slow)}
    argv = [files.get(a, a) for a in argv]
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err and expected in err, err
