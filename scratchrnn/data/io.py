"""Load any user signal into a `Signal`: files (CSV/TSV/Parquet/.npy), arrays, pandas objects.

    sig = load_signal('recording.csv', column='ecg', time_column='t')   # fs inferred from 't'
    sig = load_signal(np.load('x.npy'), fs=250.0)
    sig = load_signal(df)                # the last numeric non-time column, fs = 1.0 (samples)
    sig = load_signal(np.ones((T, 3)))   # an array keeps all its columns: values (T, 3)

The slides convert a pd.Series / pd.DataFrame to NumPy with `.values`; this does the same after
picking the column, so a DataFrame with a time column is not fed to the network by mistake.
"""
from __future__ import annotations

import gzip
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .datasets import Signal

_SEPARATORS = {".csv": ",", ".tsv": "\t", ".tab": "\t"}


def load_signal(source, column=None, time_column=None, fs: float | None = None,
                units: str = "", name: str | None = None, **read_kwargs) -> Signal:
    """A `Signal` from a path, an array, a pd.Series / pd.DataFrame, or a `Signal` (returned as is).

    source: path to .csv / .tsv / .txt (optionally .gz) / .parquet / .npy, or in-memory data.
        Text files go through ``pandas.read_csv``; extra keyword arguments (``comment='#'``,
        ``header=None``, ...) are passed on to the pandas reader.
    column: the signal column, by name or by position (an int); a list picks several columns
        and gives values shaped (T, F). Default for tables (DataFrame, CSV, Parquet): the last
        numeric column that is not the time column and not entirely empty. Default for NumPy
        arrays (in memory or .npy): every column.
    time_column: a column of times in seconds (numbers) or datetimes (also ISO 8601 text);
        the sampling rate is inferred as 1 / median(diff(times)). Times must increase; a few
        repeated time stamps or irregular steps (gaps, jitter: up to MAX_ODD_STEPS of the
        steps) are accepted and described in the Signal's `description`.
    fs: sampling rate in Hz. Without `fs` and `time_column` the rate is 1.0, i.e. time is
        counted in samples. Given both, they must agree within 1%.
    Returns a Signal with values (T,) for one column, (T, F) for several.
    Raises ValueError naming the file or column for input that cannot be a recording: an
    empty or binary file, text or complex numbers, an empty column, a default column that
    is a ramp (a time axis or counter), an unusable time column.
    """
    if isinstance(source, Signal):
        return source
    frame, label, is_array, notes = _read(source, read_kwargs)
    times = None
    if time_column is not None:
        time_column = _resolve(frame, time_column)
        times = _times(frame, time_column)
    if column is None and is_array and time_column is None:
        column = list(frame.columns)   # an array has no names to choose by: keep it whole
    columns = _pick_columns(frame, column, time_column, label)
    values = np.column_stack([_column(frame, c) for c in columns])
    for c, v in zip(columns, values.T, strict=True):
        if len(v) and np.isnan(v).all():
            raise ValueError(f"expected samples in column {c!r} of {label}, "
                             f"got all {len(v)} NaN (an empty column)")
    if values.shape[1] == 1:
        values = values[:, 0]
    fs, time_notes = _sampling_rate(times, fs, time_column)
    description = "; ".join([f"columns {[str(c) for c in columns]} of {label}",
                             *notes, *time_notes])
    return Signal(values=values, fs=fs, units=units, name=name or label,
                  description=description, source=label)


def _read(source, read_kwargs) -> tuple[pd.DataFrame, str, bool, list[str]]:
    """(DataFrame, label, is_array, notes on how it was read); arrays get columns 0..F-1."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        frame, notes = _read_file(path, read_kwargs)
        return frame, path.name, _extension(path) == ".npy", notes
    if isinstance(source, pd.DataFrame):
        return source, "DataFrame", False, []
    if isinstance(source, pd.Series):
        name = source.name if source.name is not None else 0
        return source.to_frame(name=name), "Series", False, []
    return _array_frame(np.asarray(source)), "array", True, []


def _read_file(path: Path, read_kwargs) -> tuple[pd.DataFrame, list[str]]:
    """The file as a DataFrame with at least one row; errors name the file and the cause."""
    if not path.exists():
        raise ValueError(f"expected an existing file, got {str(path)!r}")
    if not path.is_file():
        raise ValueError(f"expected a file, got the directory {str(path)!r}")
    if path.stat().st_size == 0:
        raise ValueError(f"expected a recording in {path.name!r}, got an empty file")
    ext, notes = _extension(path), []
    try:
        if ext == ".npy":
            frame = _array_frame(_load_npy(path))
        elif ext == ".parquet":
            frame = pd.read_parquet(path, **read_kwargs)  # needs pyarrow or fastparquet
        else:
            frame, notes = _read_text(path, ext, dict(read_kwargs))
    except (ValueError, OSError, EOFError) as err:  # pandas' parse errors are ValueErrors
        first_line = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ValueError(f"cannot read {path.name!r}: {first_line}") from err
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
    """pandas.read_csv with the separator of the extension, or ';' where the header shows it."""
    head = _head(path)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, a spreadsheet's "Unicode text"
        read_kwargs.setdefault("encoding", "utf-16")
    elif b"\0" in head:
        raise ValueError("expected a text table (CSV/TSV), got binary content")
    sep = read_kwargs.pop("sep", _SEPARATORS.get(ext, None))
    if sep is None:  # .txt or unknown: let pandas sniff the delimiter (python engine)
        return pd.read_csv(path, sep=None, engine="python", **read_kwargs), []
    if sep == "," and not {"decimal", "comment", "skiprows"} & read_kwargs.keys():
        header, first_row = _first_lines(path, read_kwargs.get("encoding", "utf-8"))
        if ";" in header and "," not in header:   # a spreadsheet's export in many locales
            read_kwargs["decimal"] = "," if "," in first_row else "."
            note = (f"read with ';' between values and {read_kwargs['decimal']!r} as the "
                    "decimal mark")
            return pd.read_csv(path, sep=";", **read_kwargs), [note]
    return pd.read_csv(path, sep=sep, **read_kwargs), []


def _head(path: Path) -> bytes:
    """The first KiB of the file (decompressed for .gz)."""
    with (gzip.open if path.suffix.lower() == ".gz" else open)(path, "rb") as fh:
        return fh.read(1024)


def _first_lines(path: Path, encoding: str) -> tuple[str, str]:
    """(header line, first data line) of a text file."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rt", encoding=encoding, errors="replace") as fh:
        return fh.readline(), fh.readline()


def _extension(path: Path) -> str:
    """'.csv' for 'a.csv' and 'a.csv.gz' (pandas decompresses .gz itself)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes[-1:] == [".gz"]:
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _array_frame(array: np.ndarray) -> pd.DataFrame:
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(f"expected an array shaped (T,) or (T, F), got shape {array.shape}")
    return pd.DataFrame(array)


def _resolve(frame: pd.DataFrame, column):
    """The column label for a name or a position."""
    if column in frame.columns:
        return column
    if isinstance(column, (int, np.integer)) and not isinstance(column, bool):
        if -frame.shape[1] <= column < frame.shape[1]:
            return frame.columns[column]
        raise ValueError(f"expected a column position in [0, {frame.shape[1]}), got {column}")
    raise ValueError(f"unknown column {column!r}; expected one of {list(frame.columns)}")


def _pick_columns(frame: pd.DataFrame, column, time_column, label: str) -> list:
    if column is not None:
        wanted = [_resolve(frame, c) for c in (column if _is_list(column) else [column])]
        if time_column is not None and time_column in wanted:
            raise ValueError(f"expected a signal column other than the time column, got "
                             f"{time_column!r} for both")
        return wanted
    candidates = [c for c in frame.columns if c != time_column and _is_numeric(frame[c])]
    filled = [c for c in candidates if frame[c].notna().any()]
    if not filled:
        where = "" if time_column is None else f" besides the time column {time_column!r}"
        others = [c for c in frame.columns if c != time_column]
        text = others and _first_text(frame[others[-1]],
                                      pd.to_numeric(frame[others[-1]], errors="coerce"))
        raise ValueError(f"expected at least one numeric, non-empty column{where}, "
                         f"got columns {dict(frame.dtypes.astype(str))}"
                         + (f"; column {others[-1]!r} holds {text}" if text else ""))
    chosen = filled[-1]
    # without a time column, the default may be the time axis or a sample counter itself
    if time_column is None and frame.shape[1] > 1 and _is_ramp(_column(frame, chosen)):
        empty = [str(c) for c in candidates[candidates.index(chosen) + 1:]]
        skipped = f" after skipping the empty columns {empty}" if empty else ""
        raise ValueError(f"expected a signal column, got by default column {chosen!r} of "
                         f"{label}{skipped}, which rises by the same step at every sample "
                         f"like a time axis or a counter; name the signal column")
    return [chosen]


def _is_ramp(v: np.ndarray) -> bool:
    """True for values that change by one constant, nonzero step: times or sample numbers."""
    if not np.isfinite(v).all():
        return False
    steps = np.diff(v)
    return len(steps) > 1 and steps[0] != 0 and bool(np.allclose(steps, steps[0], rtol=1e-6,
                                                                  atol=0))


def _is_list(column) -> bool:
    return isinstance(column, Sequence) and not isinstance(column, str)


def _is_numeric(series: pd.Series) -> bool:
    types = pd.api.types
    return (types.is_numeric_dtype(series) and not types.is_bool_dtype(series)
            and not types.is_complex_dtype(series))


def _column(frame: pd.DataFrame, label) -> np.ndarray:
    """(T,) float64 values of one signal column; empty cells are NaN."""
    series = frame[label]
    if pd.api.types.is_complex_dtype(series):
        raise ValueError(f"expected real numbers, got complex values in column {label!r}; "
                         f"save the real part or the magnitude (np.abs)")
    if not _is_numeric(series):
        bad = _first_text(series, pd.to_numeric(series, errors="coerce"))
        raise ValueError(f"expected a numeric column, got column {label!r} "
                         f"with dtype {series.dtype}" + (f" ({bad})" if bad else ""))
    return series.to_numpy(dtype=np.float64, na_value=np.nan)


def _times(frame: pd.DataFrame, label) -> np.ndarray:
    """(T,) times in seconds: numbers as they are, datetimes as seconds since the earliest.

    Datetimes may be a datetime column or ISO 8601 text ('2024-03-31 02:00:00.005+02:00');
    mixed UTC offsets (a daylight saving change) are converted to UTC first.
    """
    series = frame[label]
    if _is_numeric(series):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    if not pd.api.types.is_datetime64_any_dtype(series):
        parsed = pd.to_datetime(series, utc=True, format="ISO8601", errors="coerce")
        if parsed.isna().sum() > series.isna().sum():
            raise ValueError(f"expected a numeric column (seconds) or ISO 8601 datetimes as "
                             f"the time column {label!r}, got {_first_text(series, parsed)}")
        series = parsed
    seconds = (series - series.min()).dt.total_seconds()      # the first one may be NaT
    return seconds.to_numpy(dtype=np.float64, na_value=np.nan)


def _first_text(series: pd.Series, parsed: pd.Series) -> str:
    """"'abc' at sample 3" for the first cell that is filled but did not parse, or ''."""
    bad = np.flatnonzero(parsed.isna().to_numpy() & series.notna().to_numpy())
    return f"{series.iloc[bad[0]]!r} at sample {bad[0]}" if len(bad) else ""


MAX_ODD_STEPS = 0.1   # at most this fraction of the time steps may be repeated or irregular


def _sampling_rate(times: np.ndarray | None, fs: float | None, label) -> tuple[float, list]:
    """(fs, notes): the rate inferred from the time column, checked against `fs`, and
    sentences on what is odd about the time stamps (repeated ones, gaps, jitter)."""
    if times is None:
        return 1.0 if fs is None else float(fs), []
    name = f"time column {label!r}"
    if not np.isfinite(times).all():
        missing = np.flatnonzero(~np.isfinite(times))
        raise ValueError(f"expected a {name} without missing values, got {len(missing)} "
                         f"NaN/inf (the first at sample {missing[0]})")
    if len(times) < 2:
        raise ValueError(f"expected at least 2 time stamps in the {name} to infer fs, "
                         f"got {len(times)}")
    steps = np.diff(times)                                                   # T-1
    back = np.flatnonzero(steps < 0)
    if len(back):
        i = back[0] + 1
        raise ValueError(f"expected a strictly increasing {name}, got {len(back)} "
                         f"non-increasing of {len(steps)} steps (sample {i}, {times[i]:g} s, "
                         f"follows {times[i - 1]:g} s); sort the rows by time")
    repeated = np.flatnonzero(steps == 0)
    if len(repeated) > MAX_ODD_STEPS * len(steps):
        raise ValueError(f"expected one row per time stamp in the {name}, got "
                         f"{len(repeated)} of {len(steps)} steps of 0 s (repeated time "
                         f"stamps); is the file in long format, one row per channel and time?")
    step = float(np.median(steps[steps > 0]))
    irregular = np.flatnonzero((steps > 0) & (np.abs(steps - step) > 0.5 * step))
    if len(irregular) > MAX_ODD_STEPS * len(steps):
        raise ValueError(f"expected a regularly sampled {name}, got {len(irregular)} of "
                         f"{len(steps)} steps differing from the median step {step:.3g} s by "
                         f"more than half; resample the recording onto a regular grid first")
    inferred = 1.0 / step
    if fs is not None and abs(inferred - fs) > 0.01 * fs:
        raise ValueError(f"expected fs to match the time column {label!r} "
                         f"({inferred:.6g} Hz), got {fs}")
    fs = inferred if fs is None else float(fs)
    notes = []
    if len(repeated):
        plural = "s" if len(repeated) > 1 else ""
        notes.append(f"{name} has {len(repeated)} repeated time stamp{plural} (the first at "
                     f"sample {repeated[0] + 1}), kept as consecutive samples")
    if len(irregular):
        longest = irregular[np.argmax(steps[irregular])]
        notes.append(f"{name} is irregular: {len(irregular)} of {len(steps)} steps differ "
                     f"from the median step {step:.3g} s by more than half (the longest, "
                     f"{steps[longest]:.3g} s, before sample {longest + 1}); the samples are "
                     f"used as if evenly spaced at {fs:.6g} Hz")
    return fs, notes
