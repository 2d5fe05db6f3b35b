"""Odd recordings through `scratchrnn run`: one line naming the cause and exit code 2 where
training would be meaningless, else a run whose report.md states what was odd or changed."""
import numpy as np
import pandas as pd
import pytest

from scratchrnn.cli import main

FS, N = 200.0, 600
T = np.arange(N) / FS
ECG = np.sin(2 * np.pi * 1.2 * T) ** 15 + 0.05 * np.sin(2 * np.pi * 0.3 * T)
FAST = ["--max-windows", "100"]


def _csv(**columns):
    return lambda path: pd.DataFrame(columns).to_csv(path, index=False)


def _ecg_with(index, value):
    x = ECG.copy()
    x[index] = value
    return x


def _t_with(index, value):
    t = T.copy()
    t[index] = value
    return t


def _text(text):
    return lambda path: path.write_text(text)


def _bytes(data):
    return lambda path: path.write_bytes(data)


def _npy(array):
    return lambda path: np.save(path, array, allow_pickle=True)


REFUSED = [  # (file name, how to write it, options, what the error line must say)
    ("empty.csv", _text(""), [], "expected a recording in 'empty.csv', got an empty file"),
    ("header.csv", _text("t,ecg\n"), [], "expected rows of samples in 'header.csv'"),
    ("one_row.csv", _text("t,ecg\n0,1\n"), ["--time-column", "t"],
     "at least 2 time stamps in the time column 't'"),
    ("binary.csv", _bytes(bytes(range(256)) * 8), [], "'binary.csv': expected a text table"),
    ("ragged.csv", _text("t,ecg\n0,1\n1,2,3\n"), [], "cannot read 'ragged.csv'"),
    ("junk.npy", _bytes(b"not an array"), [], "'junk.npy': expected a NumPy .npy file"),
    ("objects.npy", _npy(np.array([{}, None] * 300, dtype=object)), [],
     "'objects.npy': expected an array of numbers, got an object array"),
    ("scalar.npy", _npy(np.array(3.0)), [], "'scalar.npy': expected an array shaped (T,)"),
    ("cube.npy", _npy(np.zeros((10, 3, 2))), [], "got shape (10, 3, 2)"),
    ("complex.npy", _npy(ECG + 1j), [], "complex values in column 0"),
    ("flags.npy", _npy(np.arange(N) % 7 == 0), [], "numeric column, got column 0 with dtype bool"),
    ("all_nan.csv", _csv(t=T, ecg=np.full(N, np.nan)), ["--column", "ecg"],
     "samples in column 'ecg' of all_nan.csv, got all 600 NaN"),
    ("all_nan_default.csv", _csv(t=T, ecg=np.full(N, np.nan)), [],
     "by default column 't' of all_nan_default.csv after skipping the empty columns ['ecg']"),
    ("counter.csv", _csv(ecg=ECG, sample=np.arange(N)), [], "by default column 'sample'"),
    ("mostly_nan.csv", _csv(t=T, ecg=_ecg_with(np.arange(N) % 10 != 0, np.nan)),
     ["--time-column", "t"], "at most 50% missing samples, got 540 of 600 NaN/inf (90%)"),
    ("constant.csv", _csv(t=T, ecg=np.ones(N)), ["--time-column", "t"],
     "got the same value 1 in all 600 samples"),
    ("flat_train.csv", _csv(t=T, ecg=_ecg_with(slice(0, 420), 0.5)), ["--time-column", "t"],
     "expected the signal to vary on the training part"),
    ("huge.csv", _csv(t=T, ecg=ECG * 1e300), ["--time-column", "t"],
     "values below 1e+100 in magnitude"),
    ("tiny.csv", _csv(t=T, ecg=ECG * 1e-300), ["--time-column", "t"],
     "expected the signal to vary on the training part"),
    ("t_nan.csv", _csv(t=_t_with(300, np.nan), ecg=ECG), ["--time-column", "t"],
     "time column 't' without missing values, got 1 NaN/inf (the first at sample 300)"),
    ("t_back.csv", _csv(t=_t_with(300, T[298]), ecg=ECG), ["--time-column", "t"],
     "strictly increasing time column 't', got 1 non-increasing of 599 steps"),
    ("t_const.csv", _csv(t=np.zeros(N), ecg=ECG), ["--time-column", "t"],
     "one row per time stamp in the time column 't', got 599 of 599 steps of 0 s"),
    ("t_text.csv", _csv(t=["x"] * N, ecg=ECG), ["--time-column", "t"],
     "ISO 8601 datetimes as the time column 't', got 'x' at sample 0"),
    ("t_jitter.csv", _csv(t=np.sort(np.random.default_rng(0).uniform(0, 3, N)), ecg=ECG),
     ["--time-column", "t"], "expected a regularly sampled time column 't'"),
    ("t_is_signal.csv", _csv(t=T, ecg=ECG), ["--column", "t", "--time-column", "t"],
     "other than the time column, got 't' for both"),
    ("fs.csv", _csv(t=T, ecg=ECG), ["--time-column", "t", "--fs", "100"],
     "expected fs to match the time column 't' (200 Hz), got 100"),
    ("short.csv", _csv(t=T[:30], ecg=ECG[:30]), ["--time-column", "t"],
     "at least window + horizon = 51 samples, got 30"),
    ("nyquist.csv", _csv(t=T, ecg=ECG), ["--time-column", "t", "--filter", "lowpass:400"],
     "Butterworth filter: expected cutoffs in (0, 100) Hz, below the Nyquist frequency"),
    ("pad.csv", _csv(t=T[:20], ecg=ECG[:20]),
     ["--time-column", "t", "--filter", "bandpass:0.5-40", "--window", "2"],
     "Butterworth filter: expected a longer series than 20 samples"),
]


@pytest.mark.parametrize("name, write, options, expected", REFUSED,
                         ids=[case[0] for case in REFUSED])
def test_an_odd_recording_is_refused_in_one_line(capsys, tmp_path, tiny_args, name, write,
                                                   options, expected):
    write(tmp_path / name)
    code = main(["run", "--data", str(tmp_path / name), *options, *tiny_args, *FAST,
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("scratchrnn: error: "), err
    assert expected in err, err
    assert not (tmp_path / "out" / "report.md").exists()


def test_a_directory_given_as_data(capsys, tmp_path, tiny_args):
    code = main(["run", "--data", str(tmp_path), *tiny_args, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err == f"scratchrnn: error: expected a file, got the directory {str(tmp_path)!r}\n"


def _semicolons(path):
    rows = "".join(f"{t:.3f};{v:.6f}\n".replace(".", ",") for t, v in zip(T, ECG))
    path.write_text("t;ecg\n" + rows)


STATED = [  # (file name, how to write it, options, the sentence report.md must hold)
    ("inf.csv", _csv(t=T, ecg=_ecg_with([100, 200], [np.inf, -np.inf])), ["--time-column", "t"],
     "interpolate_missing: 2 of 600 samples changed (linear; 2 of them inf, treated as missing)"),
    ("edges.csv", _csv(t=T, ecg=_ecg_with(np.r_[0:50, 560:600], np.nan)), ["--time-column", "t"],
     ("90 of 600 samples changed (linear; the longest gap, 50 samples, at the start, set to "
      "the first valid value)")),
    ("gap.csv", _csv(t=T + 100 * (T >= 1.5), ecg=ECG), ["--time-column", "t"],
     ("time column 't' is irregular: 1 of 599 steps differ from the median step 0.005 s by "
      "more than half (the longest, 100 s, before sample 300)")),
    ("repeat.csv", _csv(t=np.insert(T, 301, T[300]), ecg=np.insert(ECG, 301, ECG[300])),
     ["--time-column", "t"], ("time column 't' has 1 repeated time stamp (the first at "
                              "sample 301), kept as consecutive samples")),
    ("semicolons.csv", _semicolons, ["--time-column", "t"],
     "read with ';' between values and ',' as the decimal mark"),
]


@pytest.mark.parametrize("name, write, options, statement", STATED,
                         ids=[case[0] for case in STATED])
def test_an_odd_but_usable_recording_is_stated_in_the_report(capsys, tmp_path, tiny_args,
                                                             name, write, options, statement):
    write(tmp_path / name)
    code = main(["run", "--data", str(tmp_path / name), *options, *tiny_args, *FAST,
                 "--out", str(tmp_path / "out")])
    assert code == 0, capsys.readouterr().err
    report = (tmp_path / "out" / "report.md").read_text()
    assert statement in report
    assert "200 Hz" in report and "nan" not in report.lower()
