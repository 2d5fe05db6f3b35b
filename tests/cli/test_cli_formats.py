"""`scratchrnn run` on the files biomedical users have: EDF, WFDB, text without a header row;
the unit the file states reaches the report and the figure's axis."""
import numpy as np
import pytest
from recordings import ECG, EEG, FS, T, WFDB_INPLACE, write_edf, write_wfdb

from scratchrnn.cli import main
from scratchrnn.report import figures

FAST = ["--max-windows", "100", "--jobs", "1"]


def run(tmp_path, data, *options) -> str:
    """report.md of a tiny run on `data` (which must exit 0)."""
    out = tmp_path / "run"
    code = main(["run", "--data", str(data), "--models", "gru", "--hidden", "4", "--epochs", "2",
                 "--impl", "scratch", "--quiet", *FAST, *options, "--out", str(out)])
    assert code == 0
    return (out / "report.md").read_text()


def test_edf_rate_and_unit_reach_the_report_and_the_figure(tmp_path, monkeypatch):
    units = []
    draw = figures.true_vs_predicted

    def spy(*args, **kwargs):                      # the units the figure's y axis is labelled in
        units.append(args[5] if len(args) > 5 else kwargs.get("units"))
        return draw(*args, **kwargs)

    monkeypatch.setattr(figures, "true_vs_predicted", spy)
    write_edf(tmp_path / "rec.edf", {"EEG Fz": (EEG, "uV"), "ECG": (ECG, "mV")}, FS)
    report = run(tmp_path, tmp_path / "rec.edf")
    assert "channels ['EEG Fz'] of rec.edf: 256 Hz, units uV" in report
    assert "samples at 256 Hz (8.0 s), units uV" in report
    assert units and set(units) == {"uV"}


@WFDB_INPLACE
@pytest.mark.parametrize("given", ["rec.hea", "rec"])
def test_a_wfdb_record_and_its_channel(tmp_path, given):
    write_wfdb(tmp_path / "rec", {"MLII": (ECG, "mV"), "V5": (0.5 * ECG, "mV")}, 360)
    report = run(tmp_path, tmp_path / given, "--column", "V5")
    assert f"channels ['V5'] of {given}: 360 Hz, units mV" in report
    assert "units mV" in report


def test_a_csv_without_a_header_row(tmp_path):
    np.savetxt(tmp_path / "rec.csv", np.column_stack([T, ECG]), delimiter=",")
    report = run(tmp_path, tmp_path / "rec.csv", "--time-column", "0")
    assert "columns ['1'] of rec.csv; no header row: columns numbered from 0" in report
    assert "at 256 Hz" in report


def test_a_one_column_txt(tmp_path):
    np.savetxt(tmp_path / "ecg.txt", ECG)
    report = run(tmp_path, tmp_path / "ecg.txt", "--fs", "256")
    assert "columns ['0'] of ecg.txt; no header row" in report


def test_no_header_and_sep_options(tmp_path):
    np.savetxt(tmp_path / "rec.txt", np.column_stack([T, ECG]), delimiter=";")
    report = run(tmp_path, tmp_path / "rec.txt", "--no-header", "--sep", ";",
                 "--time-column", "0", "--column", "1")
    assert "columns ['1'] of rec.txt" in report and "at 256 Hz" in report


def test_the_issues_acceptance_run_on_edf_then_predict_on_another_recording(tmp_path):
    """A user with EDF recordings: `scratchrnn run --data`, then `scratchrnn predict` on a
    new recording, predictions in the file's units, without writing code."""
    write_edf(tmp_path / "monday.edf", {"EEG Fz": (EEG, "uV")}, fs=FS)
    write_edf(tmp_path / "tuesday.edf", {"EEG Fz": (EEG[::-1].copy(), "uV")}, fs=FS)
    run(tmp_path, tmp_path / "monday.edf", "--filter", "none")
    out = tmp_path / "pred"
    assert main(["predict", str(tmp_path / "run"), "--data", str(tmp_path / "tuesday.edf"),
                 "--out", str(out)]) == 0
    import pandas as pd
    table = pd.read_csv(out / "predictions.csv")
    assert list(table.columns) == ["time_s", "true_uV", "predicted_uV"]
    assert len(table) == len(EEG) - 50 and np.isfinite(table["predicted_uV"]).all()
    assert np.corrcoef(table["true_uV"], table["predicted_uV"])[0, 1] > 0   # not garbage


def test_predict_can_unset_the_runs_time_column_for_a_file_without_one(tmp_path):
    csv = tmp_path / "rec.csv"
    import pandas as pd
    pd.DataFrame({"t": T, "ecg": ECG}).to_csv(csv, index=False)
    run(tmp_path, csv, "--time-column", "t", "--column", "ecg")
    write_edf(tmp_path / "later.edf", {"ECG": (ECG, "mV")}, fs=FS)
    argv = ["predict", str(tmp_path / "run"), "--data", str(tmp_path / "later.edf"),
            "--out", str(tmp_path / "p")]
    assert main([*argv, "--column", "ECG"]) == 2                       # 't' kept: refused
    assert main([*argv, "--column", "ECG", "--time-column", "none"]) == 0
