"""The files biomedical users have, each written here by the format's own library and read
back by load_signal: samples (to the file's resolution), sampling rate, units, channels."""
import sys

import numpy as np
import pandas as pd
import pytest
from recordings import ECG, EEG, FS, N, T, WFDB_INPLACE, write_edf, write_wfdb

from scratchrnn.data import load_signal

INSTALL = r"pip install 'scratchrnn\[formats\]'"


# --- text without a header row -------------------------------------------------------------

def test_a_one_column_txt_as_np_savetxt_writes_it(tmp_path):
    np.savetxt(tmp_path / "ecg.txt", ECG)
    sig = load_signal(tmp_path / "ecg.txt", fs=FS)
    np.testing.assert_allclose(sig.values, ECG)                 # all N samples, none a name
    assert sig.description == "columns ['0'] of ecg.txt; no header row: columns numbered from 0"


@pytest.mark.parametrize("name, delimiter", [("rec.csv", ","), ("rec.txt", " "),
                                             ("rec.txt", "\t"), ("rec.csv.gz", ",")])
def test_a_first_row_of_numbers_is_data_not_names(tmp_path, name, delimiter):
    np.savetxt(tmp_path / name, np.column_stack([T, EEG, ECG]), delimiter=delimiter)
    sig = load_signal(tmp_path / name, column=1, time_column=0)
    np.testing.assert_allclose(sig.values, EEG)
    assert sig.fs == pytest.approx(FS)
    assert "no header row: columns numbered from 0" in sig.description
    np.testing.assert_allclose(load_signal(tmp_path / name, time_column=0).values, ECG)  # last


def test_header_and_sep_options_keep_working(tmp_path):
    np.savetxt(tmp_path / "semi.csv", np.column_stack([EEG, ECG]), delimiter=";")
    sig = load_signal(tmp_path / "semi.csv", header=None, sep=";", column=0)
    np.testing.assert_allclose(sig.values, EEG)
    assert "no header row" not in sig.description             # said by the caller, not found
    (tmp_path / "numbered.csv").write_text("1,2\n" + "".join(f"{v},{v}\n" for v in ECG))
    sig = load_signal(tmp_path / "numbered.csv", header=0, column="2")   # names that are numbers
    np.testing.assert_allclose(sig.values, ECG)


def test_headerless_semicolons_with_decimal_commas(tmp_path):
    rows = "".join(f"{t:.8f};{v:.6f}\n".replace(".", ",") for t, v in zip(T, ECG, strict=True))
    (tmp_path / "rec.csv").write_text(rows)
    sig = load_signal(tmp_path / "rec.csv", time_column=0)
    np.testing.assert_allclose(sig.values, ECG, atol=1e-6)
    assert sig.fs == pytest.approx(FS)
    assert sig.description.endswith("';' between values and ',' as the decimal mark; "
                                    "no header row: columns numbered from 0")


# --- Parquet -------------------------------------------------------------------------------

def test_parquet_without_pyarrow_is_one_line(tmp_path, monkeypatch):
    pytest.importorskip("pyarrow")
    pd.DataFrame({"t": T, "ecg": ECG}).to_parquet(tmp_path / "rec.parquet")
    np.testing.assert_allclose(load_signal(tmp_path / "rec.parquet", time_column="t").values,
                               ECG)
    monkeypatch.setitem(sys.modules, "pyarrow", None)             # `import pyarrow` now fails
    monkeypatch.setitem(sys.modules, "fastparquet", None)
    with pytest.raises(ValueError, match=f"^reading .parquet needs pyarrow: {INSTALL}$"):
        load_signal(tmp_path / "rec.parquet")


# --- EDF / BDF -----------------------------------------------------------------------------

@pytest.mark.parametrize("name, plain", [("rec.edf", True), ("rec.edf", False),
                                         ("rec.bdf", True), ("rec.bdf", False)])
def test_edf_and_bdf_channels_rate_and_units(tmp_path, name, plain):
    pyedflib = pytest.importorskip("pyedflib")
    kind = {"rec.edf": pyedflib.FILETYPE_EDF, "rec.bdf": pyedflib.FILETYPE_BDF}[name]
    step = write_edf(tmp_path / name, {"EEG Fz": (EEG, "uV"), "ECG": (ECG, "mV")}, FS,
                     file_type=kind if plain else None)                  # else EDF+ / BDF+
    sig = load_signal(tmp_path / name)                                   # the first channel
    np.testing.assert_allclose(sig.values, EEG, rtol=0, atol=step[0])
    assert (sig.fs, sig.units, len(sig)) == (FS, "uV", N)
    assert sig.description == f"channels ['EEG Fz'] of {name}: 256 Hz, units uV"
    for column in ("ECG", 1, -1):
        sig = load_signal(tmp_path / name, column=column)
        np.testing.assert_allclose(sig.values, ECG, rtol=0, atol=step[1])
        assert sig.units == "mV"
    both = load_signal(tmp_path / name, column=["ECG", "EEG Fz"], fs=FS)
    assert both.values.shape == (N, 2) and both.units == "mV, uV"


def test_edf_channels_at_different_rates(tmp_path):
    write_edf(tmp_path / "mixed.edf", {"EEG": (EEG, "uV"), "Resp": (EEG[::2], "uV")},
              [FS, FS / 2])
    assert load_signal(tmp_path / "mixed.edf", column="Resp").fs == FS / 2
    with pytest.raises(ValueError, match=r"expected channels of one sampling rate, got 'EEG' "
                                         r"at 256 Hz, 'Resp' at 128 Hz in mixed.edf"):
        load_signal(tmp_path / "mixed.edf", column=["EEG", "Resp"])


@pytest.mark.parametrize("kwargs, message", [
    (dict(column="Cz"), r"unknown channel 'Cz' in rec.edf; expected one of \['EEG Fz', 'ECG'\] "
                        r"or a position in \[0, 2\)"),
    (dict(column=2), "unknown channel 2 in rec.edf"),
    (dict(fs=250.0), r"expected fs to match the sampling rate of rec.edf \(256 Hz\), got 250"),
    (dict(time_column="t"), "expected no time column for rec.edf"),
    (dict(comment="#"), r"expected no reading options for rec.edf, got \['comment'\]"),
])
def test_edf_errors_name_the_channel_or_the_cause(tmp_path, kwargs, message):
    write_edf(tmp_path / "rec.edf", {"EEG Fz": (EEG, "uV"), "ECG": (ECG, "mV")}, FS)
    with pytest.raises(ValueError, match=message):
        load_signal(tmp_path / "rec.edf", **kwargs)


def test_the_text_options_of_the_cli_mean_nothing_to_edf(tmp_path):
    write_edf(tmp_path / "rec.edf", {"ECG": (ECG, "mV")}, FS)
    assert load_signal(tmp_path / "rec.edf", header=None, sep=";").units == "mV"


def test_a_broken_edf_is_named(tmp_path):
    (tmp_path / "bad.edf").write_bytes(b"0" * 300)
    with pytest.raises(ValueError, match="cannot read 'bad.edf': .*not EDF"):
        load_signal(tmp_path / "bad.edf")


# --- WFDB (PhysioNet) ----------------------------------------------------------------------

@WFDB_INPLACE
@pytest.mark.parametrize("given", ["rec.hea", "rec", "rec.dat"])
def test_wfdb_record_by_its_header_or_its_name(tmp_path, given):
    step = write_wfdb(tmp_path / "rec", {"MLII": (ECG, "mV"), "V5": (0.5 * ECG, "mV")}, 360)
    sig = load_signal(tmp_path / given)
    np.testing.assert_allclose(sig.values, ECG, rtol=0, atol=step[0])
    assert (sig.fs, sig.units, len(sig)) == (360.0, "mV", N)
    for column in ("V5", 1):
        np.testing.assert_allclose(load_signal(tmp_path / given, column=column).values,
                                   0.5 * ECG, rtol=0, atol=step[1])
    assert load_signal(tmp_path / given, column=["MLII", "V5"]).values.shape == (N, 2)


@WFDB_INPLACE
def test_wfdb_channel_of_several_samples_a_frame_keeps_its_own_rate(tmp_path):
    """A multi-frequency record: 'fast' has two samples a frame (2 x 128 Hz), 'slow' one.
    Each is read at its own rate, every sample (not wfdb's default of a mean per frame);
    channels of different rates together are refused, as in EDF."""
    wfdb = pytest.importorskip("wfdb")
    fast = np.sin(2 * np.pi * 5 * np.arange(2 * N) / (2 * FS))
    wfdb.wrsamp("rec", fs=FS, units=["mV", "mV"], sig_name=["fast", "slow"],
                e_p_signal=[fast, ECG], samps_per_frame=[2, 1], fmt=["16", "16"],
                adc_gain=[1000, 1000], baseline=[0, 0], write_dir=str(tmp_path))
    sig = load_signal(tmp_path / "rec.hea", column="fast")
    assert (sig.fs, len(sig)) == (2 * FS, 2 * N)
    np.testing.assert_allclose(sig.values, fast, rtol=0, atol=1e-3)
    slow = load_signal(tmp_path / "rec.hea", column="slow")
    assert (slow.fs, len(slow)) == (FS, N)
    np.testing.assert_allclose(slow.values, ECG, rtol=0, atol=1e-3)
    with pytest.raises(ValueError, match=r"expected channels of one sampling rate, got 'fast' "
                                         r"at 512 Hz, 'slow' at 256 Hz in rec.hea"):
        load_signal(tmp_path / "rec.hea", column=["fast", "slow"])


@WFDB_INPLACE
def test_wfdb_errors(tmp_path):
    write_wfdb(tmp_path / "rec", {"MLII": (ECG, "mV")}, 360)
    with pytest.raises(ValueError, match=r"unknown channel 'V1' in rec.hea; expected one of "
                                         r"\['MLII'\]"):
        load_signal(tmp_path / "rec.hea", column="V1")
    with pytest.raises(ValueError, match=r"expected fs to match the sampling rate of rec.hea "
                                         r"\(360 Hz\), got 250"):
        load_signal(tmp_path / "rec.hea", fs=250)
    (tmp_path / "rec.dat").unlink()
    with pytest.raises(ValueError, match="cannot read 'rec.hea': .*No such file"):
        load_signal(tmp_path / "rec.hea")


# --- a missing library: one line with the install command ----------------------------------

@WFDB_INPLACE
@pytest.mark.parametrize("name, module, message", [
    ("rec.edf", "pyedflib", "reading .edf needs pyedflib"),
    ("rec.bdf", "pyedflib", "reading .bdf needs pyedflib"),
    ("rec.hea", "wfdb", "reading WFDB records needs wfdb"),
])
def test_a_missing_library_names_the_extra(tmp_path, monkeypatch, name, module, message):
    if name == "rec.hea":
        write_wfdb(tmp_path / "rec", {"MLII": (ECG, "mV")}, 360)
    else:
        write_edf(tmp_path / name, {"ECG": (ECG, "mV")}, FS)
    monkeypatch.setitem(sys.modules, module, None)                 # `import <module>` now fails
    with pytest.raises(ValueError, match=f"^{message}: {INSTALL}$"):
        load_signal(tmp_path / name)
