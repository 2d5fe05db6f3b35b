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
