"""What a real recording can look like: refused with the cause named, or loaded with the
oddity stated (the Signal's description, the pipeline's cleaning report)."""
import numpy as np
import pandas as pd
import pytest

from scratchrnn.data import (Signal, SignalPipeline, butter_filter, interpolate_missing,
                             load_signal)

FS, N = 200.0, 600
T = np.arange(N) / FS
ECG = np.sin(2 * np.pi * 1.2 * T) ** 15 + 0.05 * np.sin(2 * np.pi * 0.3 * T)


def write_csv(path, **columns):
    pd.DataFrame(columns).to_csv(path, index=False)
    return path


# --- files that hold no recording -----------------------------------------------------------

def _empty(p):
    p.write_text("")


def _header_only(p):
    p.write_text("t,ecg\n")


def _binary(p):
    p.write_bytes(bytes(range(256)) * 8)


def _ragged(p):
    p.write_text("t,ecg\n0,1\n1,2,3\n")


@pytest.mark.parametrize("name, write, message", [
    ("empty.csv", _empty, "expected a recording in 'empty.csv', got an empty file"),
    ("header.csv", _header_only, r"rows of samples in 'header.csv', got only the column names"),
    ("binary.csv", _binary, "cannot read 'binary.csv': expected a text table .*binary"),
    ("ragged.csv", _ragged, "cannot read 'ragged.csv': .*Expected 2 fields in line 3"),
    ("junk.npy", lambda p: p.write_bytes(b"not an array"), "cannot read 'junk.npy': .*np.save"),
    ("objects.npy", lambda p: np.save(p, np.array([{}, None], dtype=object)),
     "cannot read 'objects.npy': expected an array of numbers, got an object array"),
    ("scalar.npy", lambda p: np.save(p, np.array(3.0)), r"'scalar.npy': .*got shape \(\)"),
    ("empty.npy", lambda p: np.save(p, np.zeros(0)), "'empty.npy', got an empty array"),
    ("complex.npy", lambda p: np.save(p, ECG + 1j), "complex values in column 0"),
])
def test_a_file_without_a_recording_is_refused_by_name(tmp_path, name, write, message):
    write(tmp_path / name)
    with pytest.raises(ValueError, match=message):
        load_signal(tmp_path / name)


def test_a_directory_is_not_a_file(tmp_path):
    with pytest.raises(ValueError, match="expected a file, got the directory"):
        load_signal(tmp_path)


@pytest.mark.parametrize("values, message", [
    (ECG + 1j, "expected real numeric signal values, got dtype complex128"),
    (np.full(4, np.inf), "at least one finite sample, got all 4 NaN/inf"),
])
def test_signal_refuses_complex_and_all_infinite_values(values, message):
    with pytest.raises(ValueError, match=message):
        Signal(values, fs=1.0)


# --- columns ---------------------------------------------------------------------------------

def test_an_empty_signal_column_is_named(tmp_path):
    path = write_csv(tmp_path / "rec.csv", t=T, ecg=np.full(N, np.nan))
    with pytest.raises(ValueError, match="samples in column 'ecg' of rec.csv, got all 600 NaN"):
        load_signal(path, column="ecg")


@pytest.mark.parametrize("columns, message", [
    (dict(t=T, ecg=np.full(N, np.nan)),    # the signal is empty: the default falls on 't'
     r"by default column 't' of rec.csv after skipping the empty columns \['ecg'\]"),
    (dict(ecg=ECG, sample=np.arange(N)), "by default column 'sample' of rec.csv, which rises"),
])
def test_the_default_column_is_never_a_time_axis_or_counter(tmp_path, columns, message):
    path = write_csv(tmp_path / "rec.csv", **columns)
    with pytest.raises(ValueError, match=message):
        load_signal(path)


def test_the_default_column_may_follow_a_pandas_index_column(tmp_path):
    path = write_csv(tmp_path / "rec.csv", **{"Unnamed: 0": np.arange(N)}, ecg=ECG)
    np.testing.assert_allclose(load_signal(path).values, ECG)


def test_the_time_column_cannot_be_the_signal(tmp_path):
    path = write_csv(tmp_path / "rec.csv", t=T, ecg=ECG)
    with pytest.raises(ValueError, match="other than the time column, got 't' for both"):
        load_signal(path, column="t", time_column="t")


def test_the_first_text_cell_of_a_numeric_column_is_named(tmp_path):
    cells = [f"{v:.4f}" for v in ECG]
    cells[7] = "?"
    path = write_csv(tmp_path / "rec.csv", t=T, ecg=cells)
    with pytest.raises(ValueError, match=r"column 'ecg' with dtype .*\('\?' at sample 7\)"):
        load_signal(path, column="ecg")
    with pytest.raises(ValueError, match=r"column 'ecg' holds '\?' at sample 7"):
        load_signal(path, time_column="t")


# --- time columns ----------------------------------------------------------------------------

def _times(change):
    t = T.copy()
    change(t)
    return t


@pytest.mark.parametrize("times, message", [
    (_times(lambda t: t.__setitem__(300, np.nan)),
     r"without missing values, got 1 NaN/inf \(the first at sample 300\)"),
    (_times(lambda t: t.__setitem__(300, t[298])),
     "strictly increasing time column 't', got 1 non-increasing of 599 steps .*sort the rows"),
    (np.zeros(N), "one row per time stamp .* got 599 of 599 steps of 0 s"),
    (np.sort(np.random.default_rng(0).uniform(0, 3, N)), "regularly sampled time column 't'"),
    (["x"] * N, r"ISO 8601 datetimes as the time column 't', got 'x' at sample 0"),
])
def test_an_unusable_time_column_is_refused(tmp_path, times, message):
    path = write_csv(tmp_path / "rec.csv", t=times, ecg=ECG)
    with pytest.raises(ValueError, match=message):
        load_signal(path, time_column="t")


def test_one_row_per_channel_is_recognised_as_long_format(tmp_path):
    path = tmp_path / "long.csv"
    pd.DataFrame({"t": np.repeat(T, 2), "ch": ["a", "b"] * N, "v": np.repeat(ECG, 2)}).to_csv(
        path, index=False)
    with pytest.raises(ValueError, match="600 of 1199 steps of 0 s .* long format"):
        load_signal(path, column="v", time_column="t")


def test_a_repeated_time_stamp_is_kept_and_stated(tmp_path):
    t = np.insert(T, 301, T[300])                                 # the logger wrote row 300 twice
    path = write_csv(tmp_path / "rec.csv", t=t, ecg=np.insert(ECG, 301, ECG[300]))
    sig = load_signal(path, time_column="t")
    assert len(sig) == N + 1 and sig.fs == pytest.approx(FS)
    assert ("time column 't' has 1 repeated time stamp (the first at sample 301), kept as "
            "consecutive samples") in sig.description
    assert "irregular" not in sig.description


def test_a_gap_in_the_recording_is_stated(tmp_path):
    path = write_csv(tmp_path / "rec.csv", t=_times(lambda t: t.__iadd__(100 * (T >= 1.5))),
                     ecg=ECG)
    sig = load_signal(path, time_column="t")
    assert sig.fs == pytest.approx(FS)
    assert ("time column 't' is irregular: 1 of 599 steps differ from the median step 0.005 s "
            "by more than half (the longest, 100 s, before sample 300); the samples are used "
            "as if evenly spaced at 200 Hz") in sig.description


def test_regular_time_stamps_add_nothing_to_the_description(tmp_path):
    path = write_csv(tmp_path / "rec.csv", t=T, ecg=ECG)
    assert load_signal(path, time_column="t").description == "columns ['ecg'] of rec.csv"


def test_iso_datetimes_with_a_daylight_saving_change(tmp_path):
    """Paris clocks jump from 02:00 to 03:00 on 2024-03-31: the text keeps +01:00 / +02:00."""
    times = pd.date_range("2024-03-31 01:59:59", periods=N, freq="5ms", tz="Europe/Paris")
    path = write_csv(tmp_path / "rec.csv", t=times.astype(str), ecg=ECG)
    assert "+02:00" in path.read_text()
    sig = load_signal(path, time_column="t")
    assert sig.fs == pytest.approx(FS) and sig.description == "columns ['ecg'] of rec.csv"


def test_a_bad_datetime_is_named(tmp_path):
    times = pd.date_range("2024-01-01", periods=N, freq="5ms").astype(str).tolist()
    times[5] = "yesterday"
    path = write_csv(tmp_path / "rec.csv", t=times, ecg=ECG)
    with pytest.raises(ValueError, match="got 'yesterday' at sample 5"):
        load_signal(path, time_column="t")


# --- text formats ----------------------------------------------------------------------------

def test_semicolons_and_decimal_commas_are_read_and_stated(tmp_path):
    rows = "".join(f"{t:.3f};{v:.6f}\n".replace(".", ",") for t, v in zip(T, ECG))
    (tmp_path / "rec.csv").write_text("t;ecg\n" + rows)
    sig = load_signal(tmp_path / "rec.csv", time_column="t")
    np.testing.assert_allclose(sig.values, ECG, atol=1e-6)
    assert sig.fs == pytest.approx(FS)
    assert "read with ';' between values and ',' as the decimal mark" in sig.description


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_byte_order_mark_is_not_part_of_the_first_name(tmp_path, encoding):
    rows = "".join(f"{t},{v}\n" for t, v in zip(T, ECG))
    (tmp_path / "rec.csv").write_text("t,ecg\n" + rows, encoding=encoding)
    sig = load_signal(tmp_path / "rec.csv", time_column="t")
    np.testing.assert_allclose(sig.values, ECG)


# --- the pipeline: refuse what cannot be learnt, state what was changed ----------------------

def _with(change):
    x = ECG.copy()
    change(x)
    return x


@pytest.mark.parametrize("values, message", [
    (_with(lambda x: x.__setitem__(np.arange(N) % 10 != 0, np.nan)),
     r"at most 50% missing samples, got 540 of 600 NaN/inf \(90%\)"),
    (np.ones(N), "got the same value 1 in all 600 samples: nothing to forecast"),
    (_with(lambda x: x.__setitem__(slice(0, 420), 0.5)),
     r"vary on the training part \(samples 0 to \d+\), got max - min = 0"),
    (ECG * 1e-300, r"vary on the training part .* got max - min = \d.*e-300"),
    (ECG * 1e200, "values below 1e\\+100 in magnitude, got 1.*e\\+200: their squares overflow"),
])
def test_the_pipeline_refuses_a_series_it_cannot_learn_from(values, message):
    with pytest.raises(ValueError, match=message):
        SignalPipeline(window=20).fit_transform(values, fs=FS)


def test_inf_is_interpolated_like_nan_and_stated():
    x = _with(lambda x: x.__setitem__([100, 200], [np.inf, -np.inf]))
    ds = SignalPipeline(window=20).fit_transform(x, fs=FS)
    assert np.isfinite(ds.cleaned).all()
    assert ds.cleaned[100, 0] == pytest.approx((ECG[99] + ECG[101]) / 2)
    assert str(ds.report) == ("interpolate_missing: 2 of 600 samples changed "
                              "(linear; 2 of them inf, treated as missing)")


@pytest.mark.parametrize("gap, how", [
    (slice(0, 50), "the longest gap, 50 samples, at the start, set to the first valid value"),
    (slice(550, 600), "the longest gap, 50 samples, at the end, set to the last valid value"),
    (slice(200, 300), "the longest gap, 100 samples, from sample 200, interpolated"),
])
def test_a_long_gap_and_how_it_was_filled_is_stated(gap, how):
    x = _with(lambda x: x.__setitem__(gap, np.nan))
    out, rep = interpolate_missing(x)
    assert np.isfinite(out).all() and how in rep.detail
    assert how in str(SignalPipeline(window=20).fit_transform(x, fs=FS).report)


def test_a_feature_constant_on_the_training_part_is_noted():
    x = np.column_stack([ECG, np.full(N, 3.0)])
    ds = SignalPipeline(window=20).fit_transform(x, fs=FS)
    assert str(ds.report).splitlines()[-1] == "features [1] are constant on the training part"


def test_a_series_shorter_than_the_filter_padding_is_refused_in_words():
    with pytest.raises(ValueError, match="Butterworth filter: expected a longer series than 20 "
                                         "samples for a bandpass filter of order 4"):
        butter_filter(ECG[:20], FS, (0.5, 40.0), "bandpass")


@pytest.mark.parametrize("cutoff, kind", [(400.0, "lowpass"), (float("nan"), "highpass"),
                                          ((40.0, 0.5), "bandpass")])
def test_a_cutoff_outside_the_band_names_the_filter_and_nyquist(cutoff, kind):
    with pytest.raises(ValueError, match=r"Butterworth filter: expected (cutoffs in \(0, 100\) "
                                         r"Hz, below the Nyquist|low < high)"):
        SignalPipeline(window=20, filter=(kind, cutoff)).fit_transform(ECG, fs=FS)
