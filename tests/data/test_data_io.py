"""load_signal: files, arrays and pandas objects; the column and the rate it picks; its errors."""
import numpy as np
import pandas as pd
import pytest

from scratchrnn.data import Signal, load_signal


@pytest.fixture
def frame():
    t = np.arange(100) / 250.0
    return pd.DataFrame({"t": t, "ecg": np.sin(t), "note": ["x"] * 100, "resp": np.cos(t)})


def test_csv_with_time_column_infers_rate_and_picks_last_numeric(tmp_path, frame):
    path = tmp_path / "rec.csv"
    frame.to_csv(path, index=False)
    sig = load_signal(path, time_column="t")
    assert sig.fs == pytest.approx(250.0)
    np.testing.assert_allclose(sig.values, frame["resp"])   # the last numeric non-time column
    assert sig.name == "rec.csv"


def test_column_by_name_index_and_list(frame):
    np.testing.assert_array_equal(load_signal(frame, column="ecg").values, frame["ecg"])
    np.testing.assert_array_equal(load_signal(frame, column=1).values, frame["ecg"])
    both = load_signal(frame, column=["ecg", "resp"])
    assert both.values.shape == (100, 2) and both.n_features == 2


def test_default_column_skips_the_time_column_and_empty_columns():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "t": [0.0, 0.5, 1.0], "empty": np.nan})
    sig = load_signal(frame, time_column="t")
    np.testing.assert_array_equal(sig.values, [1.0, 2.0, 3.0])
    assert sig.fs == 2.0


def test_tsv_gzip_and_commented_text(tmp_path, frame):
    frame.to_csv(tmp_path / "rec.tsv", sep="\t", index=False)
    frame.to_csv(tmp_path / "rec.csv.gz", index=False)
    for name in ("rec.tsv", "rec.csv.gz"):
        np.testing.assert_allclose(load_signal(tmp_path / name, column="ecg").values, frame["ecg"])
    # OpenSignals-like: '#' header lines, tab-separated, no column names
    text = "# header\n# EndOfHeader\n1\t0\t496\t\n2\t0\t497\t\n3\t0\t499\t\n"
    (tmp_path / "open.txt").write_text(text)
    sig = load_signal(tmp_path / "open.txt", comment="#", header=None, sep="\t", fs=1000)
    np.testing.assert_array_equal(sig.values, [496, 497, 499])   # trailing empty column skipped
    assert sig.fs == 1000.0


def test_npy_one_and_two_dimensional(tmp_path):
    data = np.arange(12.0).reshape(6, 2)
    np.save(tmp_path / "two.npy", data)
    np.save(tmp_path / "one.npy", data[:, 0])
    np.testing.assert_array_equal(load_signal(tmp_path / "two.npy", column=0).values, data[:, 0])
    np.testing.assert_array_equal(load_signal(tmp_path / "two.npy").values, data)  # all columns
    np.testing.assert_array_equal(load_signal(tmp_path / "one.npy", fs=4).values, data[:, 0])


def test_parquet(tmp_path, frame):
    pytest.importorskip("pyarrow")
    frame.to_parquet(tmp_path / "rec.parquet")
    np.testing.assert_allclose(load_signal(tmp_path / "rec.parquet", column="ecg").values,
                               frame["ecg"])


def test_in_memory_sources(frame):
    series = pd.Series([1.0, 2.0, 3.0], name="x")
    assert load_signal(series).values.tolist() == [1.0, 2.0, 3.0]
    assert load_signal([1, 2, 3], fs=10).fs == 10.0
    assert load_signal(np.ones((4, 3))).values.shape == (4, 3)   # arrays keep every column
    sig = Signal(np.zeros(3), 5.0)
    assert load_signal(sig) is sig


def test_without_rate_time_is_counted_in_samples():
    assert load_signal(np.zeros(5)).fs == 1.0


def test_rate_is_the_median_step_so_one_gap_or_jitter_does_not_move_it():
    t = np.arange(100) / 250.0
    t[1:] += 0.001                     # a late second sample
    t[60:] += 2.0                      # a 2 s recording gap
    sig = load_signal(pd.DataFrame({"t": t, "v": np.zeros(100)}), time_column="t")
    assert sig.fs == pytest.approx(250.0)


@pytest.mark.parametrize("unit, per_second", [("ms", 1e3), ("us", 1e6), ("min", 1 / 60)])
def test_a_time_column_in_another_unit(unit, per_second):
    """Times in milliseconds read as seconds would give a rate 1000 times too low."""
    t = np.arange(50) / 250.0 * per_second
    frame = pd.DataFrame({"t": t, "v": np.zeros(50)})
    assert load_signal(frame, time_column="t", time_unit=unit).fs == pytest.approx(250.0)
    assert load_signal(frame, time_column="t").fs == pytest.approx(250.0 / per_second)


@pytest.mark.parametrize("kwargs, message", [
    (dict(time_column="t", time_unit="hours"), r"expected time_unit one of s, ms, us, ns, "
                                               r"min, h, got 'hours'"),
    (dict(time_unit="ms"), r"expected a time column for time_unit='ms'"),
    (dict(time_column="when", time_unit="ms"), r"expected numbers in the time column 'when' "
                                               r"for time_unit='ms', got datetimes"),
])
def test_time_unit_errors(kwargs, message):
    frame = pd.DataFrame({"t": np.arange(5.0), "when": pd.date_range("2024", periods=5),
                          "v": np.zeros(5)})
    with pytest.raises(ValueError, match=message):
        load_signal(frame, column="v", **kwargs)


def test_datetime_time_column():
    times = pd.date_range("2024-01-01", periods=10, freq="10ms")
    sig = load_signal(pd.DataFrame({"time": times, "v": np.arange(10.0)}), time_column="time")
    assert sig.fs == pytest.approx(100.0)


@pytest.mark.parametrize("kwargs, message", [
    (dict(column="nope"), r"unknown column 'nope'; expected one of \['t', 'ecg'"),
    (dict(column=9), r"expected a column position in \[0, 4\), got 9"),
    (dict(column="note"), "expected a numeric column, got column 'note' with dtype"),
    (dict(time_column="note"), "expected a numeric column"),
    (dict(time_column="t", fs=100.0), "expected fs to match the time column"),
])
def test_column_errors(frame, kwargs, message):
    with pytest.raises(ValueError, match=message):
        load_signal(frame, **kwargs)


def test_non_monotonic_time_is_an_error():
    frame = pd.DataFrame({"t": [0.0, 0.2, 0.1, 0.3], "v": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(ValueError, match="strictly increasing time column.*1 non-increasing"):
        load_signal(frame, time_column="t")


@pytest.mark.parametrize("source, message", [
    (pd.DataFrame({"v": [np.nan, np.nan]}), "at least one numeric, non-empty column"),
    (np.full(2, np.nan), "all 2 NaN"),
    (pd.DataFrame({"s": ["a", "b"]}), "at least one numeric, non-empty column"),
    (np.array([]), "non-empty signal"),
    (np.zeros((2, 2, 2)), r"got shape \(2, 2, 2\)"),
])
def test_empty_nan_and_non_numeric_sources(source, message):
    with pytest.raises(ValueError, match=message):
        load_signal(source)


def test_missing_file(tmp_path):
    with pytest.raises(ValueError, match="expected an existing file"):
        load_signal(tmp_path / "nope.csv")
