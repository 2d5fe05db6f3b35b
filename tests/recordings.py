"""Short recordings written by the formats' own libraries (pyedflib, wfdb), for the tests.

    step = write_edf(path, {'EEG Fz': (EEG, 'uV'), 'ECG': (ECG, 'mV')}, fs=FS)
    step = write_wfdb(tmp_path / 'rec', {'MLII': (ECG, 'mV')}, fs=FS)   # rec.hea + rec.dat

Each writer returns the physical value of one digital step per channel: the file stores
integers, so a sample comes back within one step of what was written.
"""
import datetime

import numpy as np
import pytest

FS, N = 256.0, 2048                                           # 8 s
T = np.arange(N) / FS
EEG = 60 * np.sin(2 * np.pi * 10 * T) + 20 * np.sin(2 * np.pi * 3 * T)                   # uV
ECG = np.sin(2 * np.pi * 1.2 * T) ** 15 + 0.05 * np.sin(2 * np.pi * 0.3 * T)             # mV
START = datetime.datetime(2024, 1, 1, 8, 0, 0)                 # any fixed date: same file each run


def write_edf(path, channels: dict, fs, file_type=None) -> list[float]:
    """EDF (16-bit) or BDF (24-bit) by pyedflib; channels {label: (samples, unit)}; fs one
    rate or one per channel; file_type a pyedflib.FILETYPE_* (default: EDF+ / BDF+ by the
    extension)."""
    pyedflib = pytest.importorskip("pyedflib")
    highlevel = pytest.importorskip("pyedflib.highlevel")
    bdf = str(path).lower().endswith(".bdf")
    digital = 2 ** 23 if bdf else 2 ** 15
    rates = fs if isinstance(fs, list) else [fs] * len(channels)
    headers = [highlevel.make_signal_header(label, dimension=unit, sample_frequency=rate,
                                            physical_min=-100, physical_max=100,
                                            digital_min=-digital, digital_max=digital - 1)
               for (label, (_, unit)), rate in zip(channels.items(), rates, strict=True)]
    kind = file_type if file_type is not None else -1
    plus = kind in (-1, pyedflib.FILETYPE_EDFPLUS, pyedflib.FILETYPE_BDFPLUS)
    header = highlevel.make_header(startdate=START)
    if plus:                                  # an annotation: EDF+ keeps it out of the channels
        header["annotations"] = [[1.0, -1, "electrode check"]]
    signals = [np.ascontiguousarray(x) for x, _ in channels.values()]   # else pyedflib warns
    highlevel.write_edf(str(path), signals, headers, header, file_type=kind)
    return [200 / (2 * digital - 1)] * len(channels)


# wfdb 4.3.1 calls DataFrame.set_index / drop with inplace=True (at import, in rdheader and
# wrsamp), which pandas 3.1 deprecates: a DeprecationWarning from wfdb's code, an error in
# this suite. Tests that touch wfdb ignore that one warning, from wfdb only.
WFDB_INPLACE = pytest.mark.filterwarnings(
    "ignore:The inplace keyword in DataFrame:DeprecationWarning:wfdb")


def write_wfdb(record, channels: dict, fs) -> list[float]:
    """A WFDB record by wfdb.wrsamp: record.hea and record.dat (format 16); channels
    {label: (samples, unit)}. Tests calling it are marked WFDB_INPLACE."""
    wfdb = pytest.importorskip("wfdb")
    labels = list(channels)
    samples = np.column_stack([x for x, _ in channels.values()])
    wfdb.wrsamp(record.name, fs=fs, units=[u for _, u in channels.values()], sig_name=labels,
                p_signal=samples, fmt=["16"] * len(labels), write_dir=str(record.parent))
    return [1 / gain for gain in wfdb.rdheader(str(record)).adc_gain]
