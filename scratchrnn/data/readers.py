"""One small reader per file format, chosen by the file's extension.

    frame, notes = read_table(path, {})      # .csv .tsv .txt (also .gz), .npy, .parquet
    rec = read_recording(path, column='MLII')  # .edf .bdf (pyedflib), WFDB .hea + .dat (wfdb)

A table becomes a pd.DataFrame that `load_signal` picks its columns from; a recording file
(EDF/BDF, WFDB) states its channels' names, sampling rates and units, so its reader picks the
channels itself and returns a `Recording`. The libraries of Parquet, EDF and WFDB are
optional (`pip install 'scratchrnn[formats]'`) and imported only when such a file is read.
"""
from __future__ import annotations

import gzip
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

_SEPARATORS = {".csv": ",", ".tsv": "\t", ".tab": "\t"}
NO_HEADER = "no header row: columns numbered from 0"


# --- tables: text, .npy, Parquet -------------------------------------------------------------

def read_table(path: Path, read_kwargs: dict) -> tuple[pd.DataFrame, list[str]]:
    """The file as a DataFrame with at least one row, and notes on how it was read."""
    check_file(path)
    ext = extension(path)
    with _reading(path, ".parquet needs pyarrow"):   # the one optional library of tables
        if ext == ".npy":
            frame, notes = array_frame(_load_npy(path)), []
        elif ext == ".parquet":
            frame, notes = pd.read_parquet(path, **read_kwargs), []  # pyarrow or fastparquet
        else:
            frame, notes = _read_text(path, ext, dict(read_kwargs))
    if len(frame) == 0:
        got = ("an empty array" if ext == ".npy" else
               f"only the column names {[str(c) for c in frame.columns]}")
        raise ValueError(f"expected rows of samples in {path.name!r}, got {got}")
    return frame, notes


def _load_npy(path: Path) -> np.ndarray:
    """The array np.save wrote; no pickle (an object array could run code when loaded)."""
    with open(path, "rb") as fh:
        if fh.read(6) != b"\x93NUMPY":    # the magic string np.save writes first
            raise ValueError("expected a NumPy .npy file written by np.save, got other content")
    try:
        return np.load(path, allow_pickle=False)
    except ValueError as err:  # numpy refuses object arrays without allow_pickle
        raise ValueError("expected an array of numbers, got an object array "
                         "(Python objects, stored with pickle)") from err


def _read_text(path: Path, ext: str, read_kwargs) -> tuple[pd.DataFrame, list[str]]:
    """pandas.read_csv with the separator of the extension (of the first line for .txt), ';'
    with its decimal mark where the first line shows it, and no header row where the first
    row is numbers: a row of samples, not of names."""
    head = _head(path)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, a spreadsheet's "Unicode text"
        read_kwargs.setdefault("encoding", "utf-16")
    elif b"\0" in head:
        raise ValueError("expected a text table (CSV/TSV), got binary content")
    first, second = _first_lines(path, read_kwargs.get("encoding", "utf-8"),
                                 read_kwargs.get("comment"))
    notes, sep = [], read_kwargs.pop("sep", None)
    if sep is None:  # the extension's, else the first line's, else spaces (np.savetxt's default)
        sep = _SEPARATORS.get(ext) or next((s for s in "\t;,|" if s in first), r"\s+")
        if (sep in (",", ";") and _semicolons(first)
                and not {"decimal", "skiprows"} & read_kwargs.keys()):
            sep, read_kwargs["decimal"] = ";", "," if "," in second else "."
            notes.append(f"read with ';' between values and {read_kwargs['decimal']!r} as the "
                         "decimal mark")
    if (not {"header", "names", "skiprows"} & read_kwargs.keys()
            and _numbers(first, sep, read_kwargs.get("decimal", "."))):
        read_kwargs["header"] = None
        notes.append(NO_HEADER)
    return pd.read_csv(path, sep=sep, **read_kwargs), notes


def _semicolons(line: str) -> bool:
    """True for a first line like 't;ecg' or '0,5;1,2': a spreadsheet's export in many
    locales, ';' between values and perhaps ',' as the decimal mark."""
    return ";" in line and ("," not in line or _numbers(line, ";", ","))


def _numbers(line: str, sep: str, decimal: str = ".") -> bool:
    """True when every filled field of the line is a number."""
    line = line.lstrip("\ufeff")                      # a byte order mark read as text
    fields = [f.strip() for f in (line.split() if sep == r"\s+" else line.split(sep))]
    try:
        [float(f.replace(decimal, ".")) for f in fields if f]
    except ValueError:
        return False
    return any(fields)


def _head(path: Path) -> bytes:
    """The first KiB of the file (decompressed for .gz)."""
    with (gzip.open if path.suffix.lower() == ".gz" else open)(path, "rb") as fh:
        return fh.read(1024)


def _first_lines(path: Path, encoding: str, comment: str | None) -> tuple[str, str]:
    """The first two lines of a text file that hold something (not blank, not a comment)."""
    lines = []
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rt", encoding=encoding, errors="replace") as fh:
        for line in fh:
            if line.strip() and not (comment and line.lstrip().startswith(comment)):
                lines.append(line.rstrip("\r\n"))
            if len(lines) == 2:
                break
    return (lines + ["", ""])[0], (lines + ["", ""])[1]


def array_frame(array: np.ndarray) -> pd.DataFrame:
    """A (T,) or (T, F) array as a DataFrame with columns 0..F-1."""
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(f"expected an array shaped (T,) or (T, F), got shape {array.shape}")
    return pd.DataFrame(array)


# --- recordings: EDF/BDF, WFDB ---------------------------------------------------------------

class Recording(NamedTuple):
    """The chosen channels of a recording file, all at one sampling rate."""
    values: np.ndarray      # (T, C) physical values
    labels: list[str]       # (C,) channel names
    fs: float               # Hz, from the file
    units: list[str]        # (C,) physical unit of each channel ('uV', 'mV'), from the file


def recording_format(path: Path) -> str | None:
    """'edf' (also BDF, EDF+, BDF+), 'wfdb' (a .hea header beside), or None for a table."""
    ext = extension(path)
    if ext in (".edf", ".bdf"):
        return "edf"
    if ext in (".hea", ".dat") and path.with_suffix(".hea").is_file():
        return "wfdb"
    return "wfdb" if path.with_name(path.name + ".hea").is_file() else None


def read_recording(path: Path, column) -> Recording:
    """The channels `column` names (labels or positions, one or a list; default: the first)."""
    if recording_format(path) == "wfdb":
        return _read_wfdb(path, column)
    check_file(path)
    return _read_edf(path, column)


def _read_edf(path: Path, column) -> Recording:
    """EDF/BDF and EDF+/BDF+ through pyedflib (annotations are not channels there)."""
    with _reading(path, f"{extension(path)} needs pyedflib"):
        import pyedflib  # noqa: PLC0415 - optional: scratchrnn[formats]
        edf = pyedflib.EdfReader(str(path))
    with edf:
        labels = edf.getSignalLabels()
        picked = _channels(labels, column, path.name)
        names = [labels[i] for i in picked]
        rates = [edf.getSampleFrequency(i) for i in picked]
        _one_rate(names, rates, path.name)
        values = np.column_stack([edf.readSignal(i) for i in picked])            # T, C
        units = [edf.getPhysicalDimension(i).strip() for i in picked]
    return Recording(values, names, float(rates[0]), units)


def _read_wfdb(path: Path, column) -> Recording:
    """A WFDB record (PhysioNet: a .hea header and its .dat signal file) through wfdb."""
    record = path if path.with_name(path.name + ".hea").is_file() else path.with_suffix("")
    with _reading(path, "WFDB records needs wfdb"):
        import wfdb  # noqa: PLC0415 - optional: scratchrnn[formats]
        header = wfdb.rdheader(str(record))
    picked = _channels(list(header.sig_name), column, path.name)
    names = [header.sig_name[i] for i in picked]
    per_frame = [header.samps_per_frame[i] for i in picked]  # a channel's samples a frame
    _one_rate(names, [header.fs * k for k in per_frame], path.name)
    with _reading(path):  # every sample, not wfdb's default of one mean per frame
        rec = wfdb.rdrecord(str(record), channels=picked, smooth_frames=False)
    values = np.column_stack(rec.e_p_signal)                                   # T, C
    return Recording(values, names, float(header.fs * per_frame[0]), list(rec.units))


def _one_rate(names: list[str], rates: list[float], name: str) -> None:
    """Refuse channels of different sampling rates: one signal has one rate."""
    if len(set(rates)) > 1:
        rated = ", ".join(f"{n!r} at {fs:g} Hz" for n, fs in zip(names, rates, strict=True))
        raise ValueError(f"expected channels of one sampling rate, got {rated} in {name}; "
                         "load them one at a time")


def _channels(labels: list[str], column, name: str) -> list[int]:
    """Positions of the channels named (or numbered) by `column`; the first by default."""
    wanted = [0] if column is None else column if isinstance(column, (list, tuple)) else [column]
    picked = []
    for c in wanted:
        number = isinstance(c, (int, np.integer)) and not isinstance(c, bool)
        if c in labels:
            picked.append(labels.index(c))
        elif number and -len(labels) <= c < len(labels):
            picked.append(int(c) % len(labels))
        else:
            raise ValueError(f"unknown channel {c!r} in {name}; expected one of {labels} "
                             f"or a position in [0, {len(labels)})")
    return picked


# --- shared ----------------------------------------------------------------------------------

def check_file(path: Path) -> None:
    if not path.exists():
        raise ValueError(f"expected an existing file, got {str(path)!r}")
    if not path.is_file():
        raise ValueError(f"expected a file, got the directory {str(path)!r}")
    if path.stat().st_size == 0:
        raise ValueError(f"expected a recording in {path.name!r}, got an empty file")


@contextmanager
def _reading(path: Path, needs: str = ""):
    """Errors while reading as one line naming the file; a missing library by its install."""
    try:
        yield
    except ImportError as err:
        raise ValueError(f"reading {needs}: pip install 'scratchrnn[formats]'") from err
    except (ValueError, OSError, EOFError) as err:  # pandas' parse errors are ValueErrors
        first_line = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ValueError(f"cannot read {path.name!r}: {first_line}") from err


def extension(path: Path) -> str:
    """'.csv' for 'a.csv' and 'a.csv.gz' (pandas decompresses .gz itself)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes[-1:] == [".gz"]:
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""
