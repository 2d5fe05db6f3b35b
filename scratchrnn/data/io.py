"""Load any user signal into a `Signal`: files (CSV/TSV/Parquet/.npy), arrays, pandas objects.

    sig = load_signal('recording.csv', column='ecg', time_column='t')   # fs inferred from 't'
    sig = load_signal(np.load('x.npy'), fs=250.0)
    sig = load_signal(df)                # the last numeric non-time column, fs = 1.0 (samples)
    sig = load_signal(np.ones((T, 3)))   # an array keeps all its columns: values (T, 3)

The slides convert a pd.Series / pd.DataFrame to NumPy with `.values`; this does the same after
picking the column, so a DataFrame with a time column is not fed to the network by mistake.
"""
from __future__ import annotations

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
    time_column: a column of times in seconds (numbers) or datetimes; the sampling rate is
        inferred as 1 / median(diff(times)). Times must be strictly increasing.
    fs: sampling rate in Hz. Without `fs` and `time_column` the rate is 1.0, i.e. time is
        counted in samples. Given both, they must agree within 1%.
    Returns a Signal with values (T,) for one column, (T, F) for several.
    """
    if isinstance(source, Signal):
        return source
    frame, label, is_array = _read(source, read_kwargs)
    times = None
    if time_column is not None:
        times = _column(frame, _resolve(frame, time_column))
    if column is None and is_array and time_column is None:
        column = list(frame.columns)   # an array has no names to choose by: keep it whole
    columns = _pick_columns(frame, column, time_column)
    values = np.column_stack([_column(frame, c) for c in columns])
    if values.shape[1] == 1:
        values = values[:, 0]
    fs = _sampling_rate(times, fs)
    return Signal(values=values, fs=fs, units=units, name=name or label,
                  description=f"columns {[str(c) for c in columns]} of {label}", source=label)


def _read(source, read_kwargs) -> tuple[pd.DataFrame, str, bool]:
    """(DataFrame, label, is_array) for any accepted source; arrays get columns 0..F-1."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        return _read_file(path, read_kwargs), path.name, _extension(path) == ".npy"
    if isinstance(source, pd.DataFrame):
        return source, "DataFrame", False
    if isinstance(source, pd.Series):
        name = source.name if source.name is not None else 0
        return source.to_frame(name=name), "Series", False
    return _array_frame(np.asarray(source)), "array", True


def _read_file(path: Path, read_kwargs) -> pd.DataFrame:
    if not path.exists():
        raise ValueError(f"expected an existing file, got {str(path)!r}")
    ext = _extension(path)
    if ext == ".npy":
        return _array_frame(np.load(path, allow_pickle=False))
    if ext == ".parquet":
        return pd.read_parquet(path, **read_kwargs)  # needs pyarrow or fastparquet
    sep = read_kwargs.pop("sep", _SEPARATORS.get(ext, None))
    if sep is None:  # .txt or unknown: let pandas sniff the delimiter (python engine)
        return pd.read_csv(path, sep=None, engine="python", **read_kwargs)
    return pd.read_csv(path, sep=sep, **read_kwargs)


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


def _pick_columns(frame: pd.DataFrame, column, time_column) -> list:
    if column is not None:
        wanted = column if _is_list(column) else [column]
        return [_resolve(frame, c) for c in wanted]
    skip = None if time_column is None else _resolve(frame, time_column)
    candidates = [c for c in frame.columns if c != skip
                  and _is_numeric(frame[c]) and frame[c].notna().any()]
    if not candidates:
        where = "" if skip is None else f" besides the time column {skip!r}"
        raise ValueError(f"expected at least one numeric, non-empty column{where}, "
                         f"got columns {dict(frame.dtypes.astype(str))}")
    return [candidates[-1]]


def _is_list(column) -> bool:
    return isinstance(column, Sequence) and not isinstance(column, str)


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _column(frame: pd.DataFrame, label) -> np.ndarray:
    """(T,) float64 values of one column; datetimes become seconds."""
    series = frame[label]
    if pd.api.types.is_datetime64_any_dtype(series):
        return (series - series.iloc[0]).dt.total_seconds().to_numpy(np.float64)
    if not _is_numeric(series):
        raise ValueError(f"expected a numeric column, got column {label!r} "
                         f"with dtype {series.dtype}")
    return series.to_numpy(dtype=np.float64, na_value=np.nan)


def _sampling_rate(times: np.ndarray | None, fs: float | None) -> float:
    if times is None:
        return 1.0 if fs is None else float(fs)
    if len(times) < 2:
        raise ValueError(f"expected at least 2 time stamps to infer fs, got {len(times)}")
    steps = np.diff(times)
    if not np.all(steps > 0):  # NaN steps also fail `> 0`
        raise ValueError("expected a strictly increasing time column without NaN, got "
                         f"{int(np.sum(~(steps > 0)))} non-increasing steps of {len(steps)}")
    inferred = 1.0 / float(np.median(steps))
    if fs is not None and abs(inferred - fs) > 0.01 * fs:
        raise ValueError(f"expected fs to match the time column ({inferred:.6g} Hz), got {fs}")
    return inferred if fs is None else float(fs)
