"""Load any user signal into a `Signal`: files, arrays, pandas objects.

    sig = load_signal('recording.csv', column='ecg', time_column='t')   # fs inferred from 't'
    sig = load_signal('100.hea', column='MLII')   # a WFDB record: fs and units from the file
    sig = load_signal('sleep.edf', column=0)      # EDF/BDF: the same
    sig = load_signal(np.load('x.npy'), fs=250.0)
    sig = load_signal(df)                # the last numeric non-time column, fs = 1.0 (samples)
    sig = load_signal(np.ones((T, 3)))   # an array keeps all its columns: values (T, 3)

The slides convert a pd.Series / pd.DataFrame to NumPy with `.values`; this does the same after
picking the column, so a DataFrame with a time column is not fed to the network by mistake.
Each file format has its reader in readers.py; the time column's checks are in timebase.py.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .datasets import Signal
from .readers import array_frame, extension, read_recording, read_table, recording_format
from .timebase import agreed_rate, sampling_rate

TEXT_OPTIONS = {"header", "sep"}   # the CLI's --no-header and --sep: nothing to EDF or WFDB
TIME_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9, "min": 60.0, "h": 3600.0}  # in s


def load_signal(source, column=None, time_column=None, fs: float | None = None,
                units: str = "", name: str | None = None, time_unit: str = "s",
                **read_kwargs) -> Signal:
    """A `Signal` from a path, an array, a pd.Series / pd.DataFrame, or a `Signal` (returned as is).

    source: path to .csv / .tsv / .txt (optionally .gz) / .parquet / .npy / .edf / .bdf, a
        WFDB record (its .hea, or its path without extension), or in-memory data. Text files
        go through ``pandas.read_csv``; extra keyword arguments (``comment='#'``,
        ``header=None``, ``sep=';'``, ...) are passed on to the pandas reader. A text file
        whose first row is numbers has no header row: its columns are numbered from 0.
    column: the signal column, by name or by position (an int); a list picks several columns
        and gives values shaped (T, F). Default for tables (DataFrame, CSV, Parquet): the last
        numeric column that is not the time column and not entirely empty. Default for NumPy
        arrays (in memory or .npy): every column. For EDF/BDF and WFDB the channel's label or
        position; default: the first channel; several must share one sampling rate.
    time_column: a column of times, numbers in `time_unit` or datetimes (also ISO 8601
        text); the sampling rate is inferred as 1 / median(diff(times)). Times must increase; a few
        repeated time stamps or irregular steps (gaps, jitter: up to timebase.MAX_ODD_STEPS
        of the steps) are accepted and described in the Signal's `description`.
    fs: sampling rate in Hz. Without `fs` and `time_column` the rate is 1.0, i.e. time is
        counted in samples; EDF/BDF and WFDB files state theirs. Given both, they must agree
        within 1%.
    units: the physical unit ('mV'); EDF/BDF and WFDB files state theirs.
    time_unit: the unit of a numeric time column: 's' (default), 'ms', 'us', 'ns', 'min',
        'h' (a column in milliseconds read as seconds would give a rate 1000 times too low).
    Returns a Signal with values (T,) for one column, (T, F) for several.
    Raises ValueError naming the file or column for input that cannot be a recording: an
    empty or binary file, text or complex numbers, an empty column, a default column that
    is a ramp (a time axis or counter), an unusable time column, a missing optional library.
    """
    if isinstance(source, Signal):
        return source
    if time_unit not in TIME_UNITS:
        raise ValueError(f"expected time_unit one of {', '.join(TIME_UNITS)}, got {time_unit!r}")
    if time_unit != "s" and time_column is None:
        raise ValueError(f"expected a time column for time_unit={time_unit!r} (the unit of its "
                         "numbers), got none")
    if isinstance(source, (str, Path)) and recording_format(Path(source)):
        return _load_recording(Path(source), column, time_column, fs, units, name, read_kwargs)
    frame, label, is_array, notes = _read(source, read_kwargs)
    times = None
    if time_column is not None:
        time_column = _resolve(frame, time_column)
        times = _times(frame, time_column, time_unit)
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
    fs, time_notes = sampling_rate(times, fs, time_column)
    description = "; ".join([f"columns {[str(c) for c in columns]} of {label}",
                             *notes, *time_notes])
    return Signal(values=values, fs=fs, units=units, name=name or label,
                  description=description, source=label)


def _load_recording(path: Path, column, time_column, fs, units, name, read_kwargs) -> Signal:
    """A Signal from an EDF/BDF file or a WFDB record, at the rate and in the units it states."""
    if time_column is not None:
        raise ValueError(f"expected no time column for {path.name}: an EDF/BDF or WFDB file "
                         f"states its sampling rate, got time_column={time_column!r}")
    if read_kwargs.keys() - TEXT_OPTIONS:
        raise ValueError(f"expected no reading options for {path.name}, got "
                         f"{sorted(read_kwargs.keys() - TEXT_OPTIONS)}")
    rec = read_recording(path, column)
    file_units = ", ".join(dict.fromkeys(u for u in rec.units if u))   # distinct, in order
    values = rec.values[:, 0] if rec.values.shape[1] == 1 else rec.values         # (T,) or (T, C)
    return Signal(values=values, fs=agreed_rate(rec.fs, fs, f"the sampling rate of {path.name}"),
                  units=units or file_units, name=name or path.name,
                  description=f"channels {rec.labels} of {path.name}: {rec.fs:g} Hz, "
                              f"units {file_units or 'not stated'}", source=path.name)


def _read(source, read_kwargs) -> tuple[pd.DataFrame, str, bool, list[str]]:
    """(DataFrame, label, is_array, notes on how it was read); arrays get columns 0..F-1."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        frame, notes = read_table(path, read_kwargs)
        return frame, path.name, extension(path) == ".npy", notes
    if isinstance(source, pd.DataFrame):
        return source, "DataFrame", False, []
    if isinstance(source, pd.Series):
        name = source.name if source.name is not None else 0
        return source.to_frame(name=name), "Series", False, []
    return array_frame(np.asarray(source)), "array", True, []


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


def _times(frame: pd.DataFrame, label, unit: str = "s") -> np.ndarray:
    """(T,) times in seconds: numbers times their `unit`, datetimes as seconds since the
    earliest (a unit other than seconds is refused for them: they carry their own).

    Datetimes may be a datetime column or ISO 8601 text ('2024-03-31 02:00:00.005+02:00');
    mixed UTC offsets (a daylight saving change) are converted to UTC first.
    """
    series = frame[label]
    if _is_numeric(series):
        return series.to_numpy(dtype=np.float64, na_value=np.nan) * TIME_UNITS[unit]
    if unit != "s":
        raise ValueError(f"expected numbers in the time column {label!r} for "
                         f"time_unit={unit!r}, got datetimes (they carry their own unit)")
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
